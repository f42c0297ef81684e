"""`offgrid bench context`: does the context pack help on real code nobody here wrote?

Cases come from the source of installed PyPI packages (see repo_cases.py): lines that call or construct a name
defined in another file of the same package, cut at the indentation or at the name. offgrid completes each
through its completion pipeline, with the package folder as the workspace: once with the context pack and once
without (the same windows, the same single-/multi-line decision), and each case also the plain way (plain_fim.py:
a PSM prompt of 64 lines before and 16 after, no context), the baseline every row is compared with, with the
cases it wins and loses. Lines come in a shuffled order across packages, as a user moves between files, and the
recent-code ring of each package's workspace remembers where the user was. Figures: exact match of the first
line (whitespace normalised), edit similarity, the prompt's tokens, the pack's build time, and the workspace
index's time and memory on 1,000 files.
"""

import json
import statistics
import time
import tracemalloc
from dataclasses import replace
from pathlib import Path
from typing import Any

from offgrid.bench.plain_fim import plain_complete
from offgrid.bench.repo_cases import CUTS, collect_cases
from offgrid.complete.pipeline import Completer
from offgrid.complete.request import CompletionRequest
from offgrid.config import CompletionSettings
from offgrid.context.index import WorkspaceIndex
from offgrid.context.pack import ContextPack
from offgrid.context.service import ContextService
from offgrid.context.walk import WalkLimits
from offgrid.engine.llama_engine import LlamaEngine
from offgrid.engine.model import Model
from offgrid.host import quiet_llama
from offgrid.models.progress import TerminalProgress
from offgrid.models.resolve import resolve_model

Row = tuple[bool, float, int]  # exact match, edit similarity, prompt tokens


class FirstLine:
    """The context service, asking for one line: the first line is what is scored, and generating the lines
    after it would only cost time (greedy decoding makes the same first line either way)."""

    def __init__(self, service: ContextService) -> None:
        self.service = service

    def for_cursor(self, *args: Any) -> ContextPack:
        return replace(self.service.for_cursor(*args), mode="single")


def edit_similarity(a: str, b: str) -> float:
    """1 - Levenshtein distance / length of the longer string."""
    if not a and not b:
        return 1.0
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return 1 - prev[-1] / max(len(a), len(b))


def first_line(text: str) -> str:
    """The first non-blank line with its whitespace normalised (runs of spaces count as one)."""
    return " ".join(text.strip().split("\n", 1)[0].split()) if text.strip() else ""


def _p95(xs: list[float]) -> float:
    return sorted(xs)[max(0, int(len(xs) * 0.95 + 0.5) - 1)] if xs else 0.0


def index_figures(files: int) -> str:
    """Time and memory to index `files` source files of this Python's installed packages."""
    root = Path(tracemalloc.__file__).resolve().parent  # the standard library: plenty of real files
    limits = WalkLimits(max_files=files)
    idx = WorkspaceIndex([root], limits)
    t0 = time.perf_counter()
    stats = idx.build()
    seconds = time.perf_counter() - t0
    tracemalloc.start()
    idx2 = WorkspaceIndex([root], limits)
    idx2.build()
    held, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    t1 = time.perf_counter()
    for name in ("join", "Path", "get", "parse", "open"):
        idx.definitions(name)
    lookup_ms = (time.perf_counter() - t1) * 1000 / 5
    return (
        f"index: {stats.files} files, {stats.symbols} definitions under {root}: {seconds:.1f} s "
        f"({seconds / max(1, stats.files) * 1000:.1f} ms/file); memory held {held / 2**20:.1f} MiB "
        f"(peak {peak / 2**20:.1f} MiB, tracemalloc); lookup {lookup_ms:.3f} ms"
    )


def run_bench_context(
    model: str,
    packages: str,
    n: int,
    seed: int,
    budget: int,
    formats: list[str],
    prefix_tokens: int,
    files: int,
    threads: int | None = 1,
    cuts: tuple[str, ...] = CUTS,
    log: Path | None = None,
    similar: list[int] | None = None,
    layout: str = "psm",
    recent_min_overlap: float = 0.0,
    similar_min_score: float = 0.0,
    shard: tuple[int, int] = (1, 1),
    no_context_row: bool = True,
) -> int:
    quiet_llama(False)
    path = Path(resolve_model(model, TerminalProgress()))
    print(index_figures(files), flush=True)
    cases, services = collect_cases([p for p in packages.split(",") if p], n, seed, cuts, shard)
    lines = len({(c.path, c.row) for c in cases})
    print(f"{lines} lines ({len(cases)} cases) from {len(services)} packages: {', '.join(services)}", flush=True)
    settings = CompletionSettings(
        prefix_tokens=prefix_tokens,
        suffix_tokens=prefix_tokens // 4,
        max_tokens=48,  # one line, up to 100 characters and its indentation
        prompt_time_ms=None,
        generate_time_ms=None,
        reuse_suggestions=False,
        prefetch=False,
        layout=layout,
    )
    print(f"layout {layout}; gates: recent chunks {recent_min_overlap}, similar code {similar_min_score}", flush=True)
    variants = {f"{fmt}+{n}": (fmt, n) for fmt in formats for n in (similar or [0])}  # format, similar-code tokens
    conditions = ["none", *variants] if no_context_row else [*variants]  # without: a third less model time
    model = Model(path, n_ctx=4096, n_threads=threads, n_seq_max=3 + len(conditions))
    engine = LlamaEngine(model, adaptive_pieces=False)  # the same answers whatever the machine's load
    results: dict[str, dict[str, list[Row]]] = {cut: {c: [] for c in [*conditions, "plain"]} for cut in cuts}
    pack_ms: list[float] = []
    pack_cpu_ms: list[float] = []
    t_start = time.perf_counter()
    for i, case in enumerate(cases):
        svc = services[case.package]
        new_line = i == 0 or (cases[i - 1].path, cases[i - 1].row) != (case.path, case.row)
        uri = case.path.as_uri()
        if new_line:  # the editor has the file open: its tree is parsed on didOpen, not per request
            if i > 0:
                services[cases[i - 1].package].closed(cases[i - 1].path.as_uri())
            svc.opened(uri, case.language, case.text)
            svc.trees.get(uri).current()  # type: ignore[union-attr]  # parsed as the editor opens it, not timed
        else:
            svc.replaced(uri, case.text)  # the line typed up to the name
        for cond in conditions:
            fmt, n_similar = variants.get(cond, ("repo", 0))
            svc.settings = replace(
                svc.settings,
                enabled=cond != "none",
                max_tokens=budget,
                format=fmt,
                similar_tokens=n_similar,
                recent_min_overlap=recent_min_overlap,
                similar_min_score=similar_min_score,
            )
            if new_line:  # measure a fresh pack on arriving at the line; typing along it keeps it, as in the editor
                svc._packs.clear()
                svc._outlines.clear()  # and the current file's outline with it
            completer = Completer(engine, settings, FirstLine(svc))  # type: ignore[arg-type]
            req = CompletionRequest(case.text, case.row, case.column, slot=cond, language=case.language, uri=uri)
            s = completer.complete(req)
            got, want = first_line(s.text), first_line(case.expected)
            n_prompt = s.generation.n_prompt if s.generation else 0
            results[case.cut][cond].append((got == want, edit_similarity(got, want), n_prompt))
            if log is not None:
                pack = svc.last_pack if cond != "none" else None
                entry = {"file": str(case.path), "row": case.row, "cut": case.cut, "context": cond, "want": want}
                entry |= {
                    "got": got,
                    "names": list(pack.names) if pack else [],
                    "pack_tokens": pack.tokens if pack else 0,
                }
                with log.open("a", encoding="utf-8") as f:
                    f.write(json.dumps(entry) + "\n")
            if cond != "none" and new_line:
                pack_ms.append(svc.last_ms)
                pack_cpu_ms.append(svc.last_cpu_ms)
        plain = plain_complete(engine, case.text, case.row, case.column, multiline=False)
        got, want = first_line(plain.text), first_line(case.expected)
        results[case.cut]["plain"].append((got == want, edit_similarity(got, want), plain.n_prompt))
        if log is not None:
            with log.open("a", encoding="utf-8") as f:
                f.write(
                    json.dumps(
                        {"file": str(case.path), "row": case.row, "cut": case.cut, "context": "plain"}
                        | {"want": want, "got": got}
                    )
                    + "\n"
                )
        if (i + 1) % 20 == 0 and i + 1 < len(cases):
            print(f"\nafter {i + 1}/{len(cases)} cases, {time.perf_counter() - t_start:.0f} s:", flush=True)
            _print_tables(results, pack_ms, pack_cpu_ms, budget)
    print(f"\nall {len(cases)} cases, {time.perf_counter() - t_start:.0f} s:")
    _print_tables(results, pack_ms, pack_cpu_ms, budget)
    return 0


def _print_tables(
    results: dict[str, dict[str, list[Row]]], pack_ms: list[float], pack_cpu_ms: list[float], budget: int
) -> None:
    for cut, by_cond in results.items():
        _print_table(cut, by_cond, budget)
    if pack_ms:
        print(
            f"context build per request: CPU (thread time) p50 {statistics.median(pack_cpu_ms):.1f} ms, "
            f"p95 {_p95(pack_cpu_ms):.1f} ms, max {max(pack_cpu_ms):.1f} ms; wall p50 {statistics.median(pack_ms):.1f}"
            f" ms, p95 {_p95(pack_ms):.1f} ms (warm index, file open and parsed; its outline and the pack rebuilt"
            " on arriving at each line)",
            flush=True,
        )


def _print_table(cut: str, results: dict[str, list[Row]], budget: int) -> None:
    n = len(results["plain"])
    what = "whole line masked" if cut == "line" else "line typed up to the other file's name"
    print(f"| {what} ({n} cases) | exact match (first line) | vs plain (won/lost) | edit similarity | prompt tokens |")
    print("|---|---|---|---|---|")
    plain = results["plain"]
    base = 100 * sum(r[0] for r in plain) / max(1, n)
    for cond, rows in results.items():
        em = 100 * sum(r[0] for r in rows) / max(1, len(rows))
        es = 100 * statistics.mean(r[1] for r in rows) if rows else 0
        toks = statistics.mean(r[2] for r in rows) if rows else 0
        fmt, _, n_similar = cond.partition("+")
        label = f"pack, {fmt} format, {budget} tokens, similar code {n_similar}"
        label = {"none": "offgrid, no context", "plain": "plain FIM (baseline)"}.get(cond, label)
        delta = "" if cond == "plain" else f" ({em - base:+.1f})"
        won = sum(a[0] and not b[0] for a, b in zip(rows, plain, strict=True))
        lost = sum(b[0] and not a[0] for a, b in zip(rows, plain, strict=True))
        vs = "" if cond == "plain" else f"{won}/{lost}"
        print(f"| {label} | {em:.1f}%{delta} | {vs} | {es:.1f} | {toks:.0f} |")
