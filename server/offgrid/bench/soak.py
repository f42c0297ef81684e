"""`offgrid bench soak`: a long editing session through the real server, checked as it goes.

Keystrokes across five real source files (bench/soak_session.py), with pygls' installed source as the
workspace (indexed, so packs carry definitions and similar code), each followed by an inline completion request
(the previous one cancelled, as VS Code does), with code actions asked for and resolved (some cancelled) along the
way. Every 1,000 keystrokes it prints the server's RSS and the latency of the requests that were answered. The run
fails when a request goes unanswered for `--max-request-s` (a deadlock or a dead server), when the server answers
with an error, or when a suggestion does not fit the document version it was asked for: its range must start at
the requested position and end within that line as the client had sent it. Answers that arrive after the client
moved on are counted as late (an editor drops them; the server itself drops answers whose document changed while
the model ran).
"""

import asyncio
import json
import logging
import random
import time
from dataclasses import dataclass, field
from typing import Any

from lsprotocol import types

from offgrid.bench.latency import _pct, _rss_mb, intervals
from offgrid.bench.lsp_client import BenchClient, lsp_position
from offgrid.bench.repo_cases import package_dir
from offgrid.bench.session import Edit
from offgrid.bench.soak_session import build_soak_session
from offgrid.lsp.positions import line_starts

ROW = 1000  # keystrokes per printed row
CAPABILITIES = types.ClientCapabilities(
    window=types.WindowClientCapabilities(work_done_progress=True),
    text_document=types.TextDocumentClientCapabilities(
        code_action=types.CodeActionClientCapabilities(
            resolve_support=types.ClientCodeActionResolveOptions(properties=["edit"])
        )
    ),
)


@dataclass
class Asked:
    """A completion request in flight: what the client had when it asked."""

    uri: str
    version: int
    text: str
    position: types.Position
    sent: float
    task: "asyncio.Task[Any]"
    msg_id: str


@dataclass
class Row:
    """What one stretch of keystrokes saw."""

    keystrokes: int = 0
    requests: int = 0
    answered: int = 0
    suggestions: int = 0
    cancelled: int = 0
    late: int = 0
    stale: int = 0
    errors: int = 0
    actions: int = 0
    resolved: int = 0
    latencies: list[float] = field(default_factory=list)
    rss_mb: float = 0.0

    def summary(self) -> dict[str, Any]:
        out = {k: v for k, v in self.__dict__.items() if k != "latencies"}
        lat = self.latencies
        return out | {"p50_ms": _pct(lat, 50), "p95_ms": _pct(lat, 95), "max_ms": max(lat, default=0.0)}


@dataclass
class Soak:
    """The run's state and findings."""

    bc: BenchClient
    max_request_s: float
    rows: list[Row] = field(default_factory=lambda: [Row()])
    flying: list[Asked] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # stale answers, errors, deadlocks: each fails the run

    @property
    def row(self) -> Row:
        return self.rows[-1]

    def ask(self, uri: str, offset: int) -> None:
        """Cancel what is in flight (VS Code does) and ask for a completion at `offset`."""
        for a in self.flying:
            if not a.task.done():
                self.bc.client.protocol.notify("$/cancelRequest", types.CancelParams(id=a.msg_id))
        text = self.bc.docs[uri]
        params = types.InlineCompletionParams(
            context=types.InlineCompletionContext(trigger_kind=types.InlineCompletionTriggerKind.Automatic),
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=lsp_position(text, offset),
        )
        msg_id = f"soak-{sum(r.requests for r in self.rows) + 1}"
        fut = self.bc.client.protocol.send_request_async(types.TEXT_DOCUMENT_INLINE_COMPLETION, params, msg_id=msg_id)
        task = asyncio.ensure_future(_settle(fut))
        asked = Asked(uri, self.bc.versions[uri], text, params.position, time.perf_counter(), task, msg_id)
        task.add_done_callback(lambda t, a=asked, r=self.row: self._answered(a, r, t.result()))
        self.flying = [a for a in self.flying if not a.task.done()] + [asked]
        self.row.requests += 1

    def _answered(self, a: Asked, row: Row, outcome: tuple[str, Any]) -> None:
        kind, value = outcome
        if kind == "cancelled":
            row.cancelled += 1
            return
        if kind == "error":
            row.errors += 1
            self.problems.append(f"request {a.msg_id} answered with an error: {value}")
            return
        row.answered += 1
        row.latencies.append((time.perf_counter() - a.sent) * 1000)
        items = getattr(value, "items", None) or []
        if not items:
            return
        row.suggestions += 1
        if self.bc.versions[a.uri] != a.version:
            row.late += 1
        for item in items:
            if why := misfit(a.text, a.position, item):
                row.stale += 1
                self.problems.append(f"{a.msg_id} ({a.uri.rsplit('/', 1)[-1]} v{a.version}): {why}")

    def check_deadlock(self) -> None:
        """Fail on a request unanswered for too long (the answer to a cancel counts as an answer)."""
        now = time.perf_counter()
        for a in self.flying:
            if not a.task.done() and now - a.sent > self.max_request_s:
                raise Deadlock(f"request {a.msg_id} unanswered after {now - a.sent:.0f} s")


class Deadlock(Exception):
    """A request went unanswered for longer than the run allows."""


def with_reading_pauses(gaps: list[float], seed: int = 5) -> list[float]:
    """Every 60 to 140 keystrokes, a pause of 1.5 to 3.5 s (the user reads): with a request cancelled on every
    keystroke, only pauses let a slow machine finish a cold prompt, as in an editor."""
    rng = random.Random(seed)
    out, nxt = list(gaps), rng.randint(60, 140)
    while nxt < len(out):
        out[nxt] += rng.uniform(1500, 3500)
        nxt += rng.randint(60, 140)
    return out


async def _settle(fut: "asyncio.Future[Any]") -> tuple[str, Any]:
    try:
        return "ok", await fut
    except Exception as e:  # pygls raises the JSON-RPC error; -32800 is the answer to $/cancelRequest
        return ("cancelled", None) if getattr(e, "code", None) == -32800 else ("error", repr(e)[:300])


def misfit(text: str, at: types.Position, item: types.InlineCompletionItem) -> str | None:
    """Why `item` does not belong to `text` at `at` (None when it does): its range must start at the cursor and
    end on the cursor's line, within that line as it stands in `text`."""
    r = item.range
    if r is None:
        return None
    if r.start != at:
        return f"range starts at {r.start.line}:{r.start.character}, not at the cursor {at.line}:{at.character}"
    starts = line_starts(text)
    if r.end.line != at.line or r.end.character < at.character or at.line >= len(starts):
        return f"range {r.start.line}:{r.start.character}-{r.end.line}:{r.end.character} leaves the cursor's line"
    line = text[starts[at.line] : starts[at.line + 1] - 1 if at.line + 1 < len(starts) else len(text)]
    if r.end.character > len(line.encode("utf-16-le")) // 2:
        return f"range ends at column {r.end.character}, past the end of the line ({line!r})"
    return None


async def _code_actions(s: Soak, e: Edit, resolve: bool, cancel_it: bool) -> None:
    """Ask for code actions at the cursor; with `resolve`, with a diagnostic there, and resolve its fix (the edit
    is not applied: the user looked and declined)."""
    bc, row = s.bc, s.row
    pos = lsp_position(bc.docs[e.uri], e.cursor)
    rng = types.Range(types.Position(pos.line, 0), pos)
    diags = [types.Diagnostic(range=rng, message="soak: something is wrong here")] if resolve else []
    params = types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=e.uri), range=rng, context=types.CodeActionContext(diags)
    )
    offered = await asyncio.wait_for(bc.client.text_document_code_action_async(params), s.max_request_s)
    row.actions += 1
    fix = next((a for a in offered or [] if isinstance(a, types.CodeAction) and a.data), None)
    if not resolve or fix is None:
        return
    task = asyncio.ensure_future(bc.client.code_action_resolve_async(fix))
    if cancel_it:
        await asyncio.sleep(0.3)
        task.cancel()  # pygls' client sends $/cancelRequest
    try:
        await asyncio.wait_for(task, s.max_request_s)
        row.resolved += 1
    except asyncio.CancelledError:
        pass
    except TimeoutError:
        raise Deadlock(f"codeAction/resolve unanswered after {s.max_request_s:.0f} s") from None


async def soak(
    model: str, keystrokes: int, threads: int | None, pace_ms: int, max_request_s: float, out: Any = None
) -> dict[str, Any]:
    """Run the session; returns the rows and the problems found (printing each row as it completes)."""
    docs, edits = build_soak_session(keystrokes)
    gaps = with_reading_pauses(intervals(edits, pace_ms))
    options = {"engine": {"threads": threads}, "actions": {"maxTokens": 96}}
    bc = BenchClient()
    # a workspace to index, so that context packs (definitions, similar code) are built as in a project
    await bc.start(model, options, CAPABILITIES, package_dir("pygls"))
    s = Soak(bc, max_request_s)
    opened: set[str] = set()
    try:
        for n, (e, gap) in enumerate(zip(edits, gaps, strict=True), 1):
            if e.uri not in opened:
                bc.open(e.uri, docs[e.uri])
                opened.add(e.uri)
            bc.edit(e.uri, e.start, e.end, e.text)
            s.ask(e.uri, e.cursor)
            s.row.keystrokes += 1
            if n % 250 == 0:
                await _code_actions(s, e, resolve=n % 1000 == 500, cancel_it=n % 2000 == 500)
            await asyncio.sleep(gap / 1000)
            s.check_deadlock()
            if n % ROW == 0 or n == len(edits):
                await asyncio.wait_for(asyncio.gather(*(a.task for a in s.flying)), max_request_s)
                s.row.rss_mb = round(_rss_mb(bc.server_pid()), 1)
                await asyncio.wait_for(bc.status(), max_request_s)  # the server still answers a plain request
                if out is not None:
                    out(n, s.row.summary())
                if n < len(edits):
                    s.rows.append(Row())
    except (Deadlock, TimeoutError) as e:
        s.problems.append(f"deadlock or dead server: {e or 'a request timed out'}")
        try:  # a server that still answers a plain request is slow or stuck in the model, not wedged
            st = await asyncio.wait_for(bc.status(), 10)
            keys = ("state", "actionsRunning", "dropped", "totals")
            s.problems.append("the server still answers: " + json.dumps({k: st.get(k) for k in keys}))
        except Exception as why:
            s.problems.append(f"the server does not answer offgrid/status either: {why!r}")
    finally:
        alive = bc.client._server is not None and bc.client._server.returncode is None  # type: ignore[union-attr]
        if not alive:
            s.problems.append("the server process exited")
        if alive:
            await bc.stop()
    return {"rows": [r.summary() for r in s.rows], "problems": s.problems, "keystrokes": len(edits)}


COLUMNS = [
    ("keystrokes", "keys"),
    ("rss_mb", "RSS MB"),
    ("requests", "requests"),
    ("answered", "answered"),
    ("suggestions", "suggestions"),
    ("cancelled", "cancelled"),
    ("late", "late"),
    ("stale", "stale"),
    ("errors", "errors"),
    ("actions", "actions"),
    ("resolved", "resolved"),
    ("p50_ms", "p50 ms"),
    ("p95_ms", "p95 ms"),
    ("max_ms", "max ms"),
]
WIDTHS = [max(len(h), 8) for _, h in COLUMNS]


def _print_row(done: int, row: dict[str, Any]) -> None:
    cells = [str(done)] + [f"{row[k]:.0f}" if isinstance(row[k], float) else str(row[k]) for k, _ in COLUMNS[1:]]
    print(" | ".join(c.rjust(w) for c, w in zip(cells, WIDTHS, strict=True)), flush=True)


def run_bench_soak(
    model: str, keystrokes: int, threads: int | None, pace_ms: int, max_request_s: float, as_json: bool
) -> int:
    """Print the soak's table (or JSON); exit status 1 when it found a problem."""
    logging.getLogger("pygls").setLevel(logging.CRITICAL)  # late answers to cancelled requests are expected
    if not as_json:
        print(f"soak: {keystrokes} keystrokes, five files, pace {pace_ms} ms, threads {threads}, model {model}")
        print(" | ".join(h.rjust(w) for (_, h), w in zip(COLUMNS, WIDTHS, strict=True)))
        print("-+-".join("-" * w for w in WIDTHS), flush=True)
    result = asyncio.run(soak(model, keystrokes, threads, pace_ms, max_request_s, None if as_json else _print_row))
    rows = result["rows"]
    rss = [r["rss_mb"] for r in rows if r["rss_mb"]]
    warm = rss[0] if rss else 0.0  # the first row: the model loaded, every file opened, caches warm
    result["rss_growth_after_warmup_mb"] = round(rss[-1] - warm, 1) if rss else 0.0
    if as_json:
        print(json.dumps(result, indent=2))
    else:
        print(f"\nRSS after the first {ROW} keystrokes {warm} MB, at the end {rss[-1] if rss else 0} MB")
        print("problems: " + ("none" if not result["problems"] else ""))
        for p in result["problems"][:20]:
            print(f"  {p}")
    return 1 if result["problems"] else 0
