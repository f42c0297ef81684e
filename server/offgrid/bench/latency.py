"""`offgrid bench latency`: replay an editing session through the real server, per keystroke, and compare cache
strategies in one run: offgrid's (prefix + moved chunks + typed-through + prefetch), prefix-only reuse (plain
llama-cpp-python) and no reuse (full re-evaluation, as lsp-ai does), against the model's own floor."""

import asyncio
import json
import logging
import random
import statistics
from dataclasses import dataclass, field
from typing import Any

from offgrid.bench.accept import accept_chain, accept_points
from offgrid.bench.first_keystroke import first_keystrokes
from offgrid.bench.lsp_client import BenchClient, Request
from offgrid.bench.session import Edit, build_session

# A 2k-token window: 1,536 tokens of prefix and 512 of suffix.
WINDOW = {"prefixLines": 256, "suffixLines": 64, "prefixTokens": 1536, "suffixTokens": 512}
NO_MEMORY = {"reuseSuggestions": False, "prefetch": False}
CLIENT_DEBOUNCE_MS = {"nvim": 200, "vscode": 50}  # Neovim 0.12's inline completion waits 200 ms, never cancels
VARIANTS: dict[str, dict[str, Any]] = {
    "offgrid": {"engine": {"cacheReuse": "chunks"}, "completion": WINDOW},
    "prefix-only": {"engine": {"cacheReuse": "prefix", "documents": 1}, "completion": {**WINDOW, **NO_MEMORY}},
    "no-reuse": {"engine": {"cacheReuse": "none", "documents": 1}, "completion": {**WINDOW, **NO_MEMORY}},
}


def variant_options(variant: str) -> dict[str, Any]:
    """A variant's settings; `offgrid@LAYOUT` is offgrid's with another prompt layout (complete/prompt.py)."""
    name, _, layout = variant.partition("@")
    options = VARIANTS[name]
    if layout:
        options = {**options, "completion": {**options["completion"], "layout": layout}}
    return options


@dataclass
class Run:
    """What one variant in one client mode measured."""

    variant: str
    mode: str
    latencies: list[float] = field(default_factory=list)  # ms, requests that returned a suggestion
    requests: int = 0
    metrics: list[dict[str, Any]] = field(default_factory=list)
    rss_mb: list[float] = field(default_factory=list)
    pairs: list[tuple[float, dict[str, Any]]] = field(default_factory=list)  # sequential: latency, its metrics
    totals: dict[str, int] = field(default_factory=dict)  # the engine's own counters at the end

    def model_metrics(self) -> list[dict[str, Any]]:
        return [m for m in self.metrics if m.get("source") == "model" and "evaluated" in m]

    def summary(self, pp_ms_per_token: float) -> dict[str, Any]:
        mm = self.model_metrics()
        ev = [m["evaluated"] for m in mm]
        floors = [m["changed"] * pp_ms_per_token + m["generateMs"] for m in mm if m["stopReason"] != "cancelled"]
        over_floor = [
            ms / max(1.0, m["changed"] * pp_ms_per_token + m["generateMs"])
            for ms, m in self.pairs
            if m.get("source") == "model" and m.get("generated")
        ]
        fast = [m["serverMs"] for m in self.metrics if m.get("source") in ("typed-through", "prefetch")]
        return {
            "variant": self.variant,
            "mode": self.mode,
            "requests": self.requests,
            "model_runs": len(mm),
            "typed_through": sum(1 for m in self.metrics if m.get("source") == "typed-through"),
            "prefetch_hits": sum(1 for m in self.metrics if m.get("source") == "prefetch"),
            "evaluated_total": sum(ev),
            "repaired_total": self.totals.get("repaired", 0),  # recomputed in pauses, off the keystroke path
            # everything the model evaluated: requests, prefetches and repairs (the CPU the session cost)
            "all_work_total": self.totals.get("evaluated", 0) + self.totals.get("repaired", 0),
            "evaluated_per_request": statistics.mean(ev) if ev else 0.0,
            "changed_per_request": statistics.mean([m["changed"] for m in mm]) if mm else 0.0,
            "p50_ms": _pct(self.latencies, 50),
            "p95_ms": _pct(self.latencies, 95),
            "floor_p50_ms": _pct(floors, 50),
            "memory_server_ms_p50": _pct(fast, 50),
            "model_latency_over_floor_p50": _pct(over_floor, 50),
            "model_p50_ms": _pct([ms for ms, m in self.pairs if m.get("source") == "model"], 50),
            "rss_mb": self.rss_mb,
        }


def _pct(values: list[float], p: int) -> float:
    if not values:
        return 0.0
    s = sorted(values)
    return s[min(len(s) - 1, round(p / 100 * (len(s) - 1)))]


def _rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def intervals(edits: list[Edit], pace_ms: int, seed: int = 7) -> list[float]:
    """Milliseconds after each keystroke until the next: a typist's rhythm around `pace_ms`, with longer pauses
    after Enter, punctuation and editor actions (seeded, so every variant replays the same session)."""
    rng = random.Random(seed)
    out = []
    for e in edits:
        pause = e.kind != "type" or e.text in ":,()."
        out.append(rng.uniform(2.5, 8.0) * pace_ms if pause else rng.uniform(0.5, 1.6) * pace_ms)
    return out


async def _replay(
    model: str,
    variant: str,
    mode: str,
    docs: dict[str, str],
    edits: list[Edit],
    gaps: list[float],
    every: int,
    options: dict[str, Any] | None = None,  # settings instead of VARIANTS[variant] (a remote backend)
) -> Run:
    run = Run(variant, mode)
    bc = BenchClient()
    await bc.start(model, variant_options(variant) if options is None else options)
    debounce = CLIENT_DEBOUNCE_MS.get(mode, 0)
    try:
        opened: set[str] = set()
        outstanding: list[Request] = []
        for n, (e, gap) in enumerate(zip(edits, gaps, strict=True)):
            if e.uri not in opened:
                bc.open(e.uri, docs[e.uri])
                opened.add(e.uri)
            bc.edit(e.uri, e.start, e.end, e.text)
            if mode == "vscode":  # VS Code cancels the request it no longer needs
                for r in outstanding:
                    r.cancel()
            if n % every or gap < debounce:  # the editor's debounce: no request while keys keep coming
                await asyncio.sleep(gap / 1000)
                continue
            await asyncio.sleep(debounce / 1000)
            seen = len(bc.metrics)
            req = bc.request(e.uri, e.cursor)
            run.requests += 1
            if mode == "sequential":
                ms, shown = await req.future
                await asyncio.sleep(0.005)  # let the metrics notification that preceded the answer land
                run.pairs.append((ms, bc.metrics[-1] if len(bc.metrics) > seen else {}))
                if shown:
                    run.latencies.append(ms)
                await asyncio.sleep(max(0.0, gap - ms) / 1000)
            else:
                outstanding = [r for r in outstanding if not r.future.done()] + [req]
                req.future.add_done_callback(lambda f, d=debounce: _record(run, f, d))
                await asyncio.sleep((gap - debounce) / 1000)
            if n % 100 == 0:
                run.rss_mb.append(round(_rss_mb(bc.server_pid()), 1))
        await asyncio.gather(*(r.future for r in outstanding), return_exceptions=True)
        run.rss_mb.append(round(_rss_mb(bc.server_pid()), 1))
        await asyncio.sleep(0.2)
        run.metrics = list(bc.metrics)
        run.totals = (await bc.status()).get("totals", {})
    finally:
        await bc.stop()
    return run


def _record(run: Run, f: "asyncio.Future[tuple[float, bool]]", debounce: float) -> None:
    if not f.cancelled() and f.exception() is None and f.result()[1]:
        run.latencies.append(f.result()[0] + debounce)  # keystroke to suggestion includes the debounce


def _print_table(rows: list[dict[str, Any]]) -> None:
    cols = [
        ("variant", "variant"),
        ("mode", "client"),
        ("requests", "requests"),
        ("model_runs", "model runs"),
        ("typed_through", "typed-through"),
        ("prefetch_hits", "prefetch hits"),
        ("evaluated_per_request", "evaluated/run"),
        ("changed_per_request", "changed/run"),
        ("evaluated_total", "evaluated total"),
        ("repaired_total", "repaired in pauses"),
        ("all_work_total", "all work"),
        ("p50_ms", "p50 ms"),
        ("p95_ms", "p95 ms"),
        ("model_p50_ms", "model-run p50 ms"),
        ("floor_p50_ms", "floor p50 ms"),
    ]
    cells = [[h for _, h in cols]] + [[_fmt(r[k]) for k, _ in cols] for r in rows]
    widths = [max(len(c[i]) for c in cells) for i in range(len(cols))]
    for i, c in enumerate(cells):
        print(" | ".join(x.rjust(w) for x, w in zip(c, widths, strict=True)))
        if i == 0:
            print("-+-".join("-" * w for w in widths))


def _fmt(v: Any) -> str:
    return f"{v:.1f}" if isinstance(v, float) else str(v)


async def _accepting(model: str, docs: dict[str, str], accepts: int, read_ms: int) -> dict[str, dict[str, Any]]:
    """The accept chain with speculative prefetch on and off, on the session's second file."""
    uri = list(docs)[-1]
    points = accept_points(docs[uri], accepts)
    out = {}
    for name, prefetch in (("prefetch on", True), ("prefetch off", False)):
        print(f"... accepting suggestions ({name}, {len(points)} points)", flush=True)
        options = {**VARIANTS["offgrid"], "completion": {**WINDOW, "prefetch": prefetch}}
        out[name] = await accept_chain(model, options, uri, docs[uri], points, read_ms)
    return out


async def bench_latency(
    model: str,
    keystrokes: int,
    pace_ms: int,
    modes: list[str],
    none_every: int,
    as_json: bool,
    accepts: int = 10,
    baselines: bool = True,
    layouts: tuple[str, ...] = (),
    opened: int = 5,
) -> int:
    docs, edits = build_session(keystrokes)
    gaps = intervals(edits, pace_ms)
    plan = [("offgrid", m, 1) for m in modes] + [(f"offgrid@{lay}", "sequential", 1) for lay in layouts]
    if baselines:
        plan += [("prefix-only", "sequential", 1), ("no-reuse", "sequential", none_every)]
    runs = []
    for variant, mode, every in plan:
        print(f"... {variant} ({mode}, {len(edits) // every} requests)", flush=True)
        runs.append(await _replay(model, variant, mode, docs, edits, gaps, every))
    accepting = await _accepting(model, docs, accepts, read_ms=4 * pace_ms) if accepts else {}
    first = await first_keystrokes(model, opened) if opened else {}
    cold = next((m for m in runs[0].model_metrics() if m["evaluated"] > 200), None)
    pp = cold["promptMs"] / cold["evaluated"] if cold else 4.0  # ms per prompt token, measured by the cold request
    rows = [r.summary(pp) for r in runs]
    by = {(r["variant"], r["mode"]): r for r in rows}
    ours = by.get(("offgrid", "sequential"), rows[0])
    ratios = {
        "prompt_ms_per_token": round(pp, 3),
        "evaluated_vs_changed": ours["evaluated_per_request"] / max(1e-9, ours["changed_per_request"]),
        "model_runs_p50_latency_over_floor": ours["model_latency_over_floor_p50"],
        "memory_answer_server_ms_p50": ours["memory_server_ms_p50"],
    }
    if baselines:
        none, prefix = by[("no-reuse", "sequential")], by[("prefix-only", "sequential")]
        ratios["full_reevaluation_over_offgrid"] = (none["evaluated_per_request"] * ours["requests"]) / max(
            1, ours["evaluated_total"]
        )
        ratios["prefix_only_over_offgrid"] = prefix["evaluated_total"] / max(1, ours["evaluated_total"])
        ratios["prefix_only_over_offgrid_all_work"] = prefix["all_work_total"] / max(1, ours["all_work_total"])
    if as_json:
        out = {
            "keystrokes": len(edits),
            "pace_ms": pace_ms,
            "runs": rows,
            "ratios": ratios,
            "accepting": accepting,
            "first_keystroke": first,
        }
        print(json.dumps(out, indent=2))
        return 0
    print(
        f"\n{len(edits)} keystrokes of {edits[0].uri.rsplit('/', 1)[-1]}, about {pace_ms} ms apart with pauses; "
        f"no-reuse asked every {none_every} keystrokes\n"
    )
    _print_table(rows)
    print()
    for k, v in ratios.items():
        print(f"{k:>32}: {v:.2f}")
    print(f"{'server RSS MB (offgrid)':>32}: {ours['rss_mb']}")
    for name, a in accepting.items():
        print(
            f"{'after accepting, ' + name:>32}: {a['prefetch_hits']}/{a['accepted']} prefetched, "
            f"p50 {a['p50_ms_after_accept']:.1f} ms (prefetched answers p50 {a['p50_ms_prefetch_hits']:.1f} ms)"
        )
    for name, f in first.items():
        print(
            f"{'keystroke 3 s after ' + name:>32}: p50 {f['p50_ms']:.0f} ms (max {f['max_ms']:.0f}), "
            f"{f['evaluated_p50']:.0f} of {f['prompt_tokens_p50']:.0f} prompt tokens evaluated; {f['latencies_ms']}"
        )
    return 0


def run_bench_latency(
    model: str,
    keystrokes: int,
    pace_ms: int,
    modes: list[str],
    none_every: int,
    as_json: bool,
    accepts: int = 10,
    baselines: bool = True,
    layouts: tuple[str, ...] = (),
    opened: int = 5,
) -> int:
    logging.getLogger("pygls").setLevel(logging.CRITICAL)  # late answers to cancelled requests are expected
    return asyncio.run(
        bench_latency(model, keystrokes, pace_ms, modes, none_every, as_json, accepts, baselines, layouts, opened)
    )
