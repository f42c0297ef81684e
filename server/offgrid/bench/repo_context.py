"""`offgrid bench context`: does the context pack help on real code nobody here wrote?

Cases come from the source of installed PyPI packages. In each package, a line that calls or constructs a name
defined in another file of the same package (and not in its own file) is blanked to its indentation, and
offgrid completes it through its completion pipeline, with the package folder as the workspace: once with
the context pack and once without (the same windows, the same single-/multi-line decision). Figures: exact
match of the first line, edit similarity, the context's tokens and build time, and the workspace index's
time and memory on 1,000 files.
"""

import builtins
import importlib.util
import random
import statistics
import time
import tracemalloc
from dataclasses import dataclass, replace
from pathlib import Path

import tree_sitter

from offgrid.complete.pipeline import Completer, CompletionSettings
from offgrid.complete.request import CompletionRequest
from offgrid.context.index import WorkspaceIndex
from offgrid.context.languages import language_for
from offgrid.context.service import ContextService, ContextSettings
from offgrid.context.walk import WalkLimits
from offgrid.engine.llama_engine import LlamaEngine
from offgrid.engine.model import Model
from offgrid.host import quiet_llama
from offgrid.models.progress import TerminalProgress
from offgrid.models.resolve import resolve_model

_CALLS = "(call function: [(identifier) (attribute attribute: (identifier))] @f)"
_STATEMENT_END = ("expression_statement", "return_statement", "assignment", "augmented_assignment")


@dataclass(frozen=True)
class Case:
    package: str
    path: Path
    row: int
    text: str  # the file with the row blanked to its indentation
    expected: str  # the row's text, stripped
    name: str  # the other file's name it uses


def package_dir(name: str) -> Path | None:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))).resolve()


# methods of built-in types: `x.append(...)` says nothing about the package even if it defines an `append`
_GENERIC = frozenset(
    n for t in (str, bytes, list, dict, set, tuple, int, float, object, type, Exception, builtins) for n in dir(t)
) | {"astype", "view", "reshape", "copy", "get", "items", "close", "read", "write", "run", "call", "update"}


def _defined_elsewhere(name: str, path: str, index: WorkspaceIndex) -> bool:
    """A function or class defined at top level in another file, or a method there with a distinctive name."""
    if name.startswith("__"):
        return False
    others = [s for s in index.definitions(name) if s.path != path]
    return any(s.top_level and s.kind in ("function", "class") for s in others) or (
        bool(others) and name not in _GENERIC
    )


def _cases_in_file(package: str, path: Path, index: WorkspaceIndex) -> list[Case]:
    lang = language_for(None, str(path))
    data = path.read_bytes()
    if lang is None:
        return []
    tree = tree_sitter.Parser(lang.ts_language).parse(data)
    own = index.file(str(path))
    local = {s.name for s in own.symbols} if own else set()
    lines = data.decode("utf-8", errors="replace").split("\n")
    found: dict[int, Case] = {}
    query = tree_sitter.Query(
        lang.ts_language, "(call function: [(identifier) (attribute attribute: (identifier))] @f)"
    )
    for node in tree_sitter.QueryCursor(query).captures(tree.root_node).get("f", []):
        ident = node if node.type == "identifier" else node.child_by_field_name("attribute")
        name = (ident.text or b"").decode() if ident is not None else ""
        row = node.start_point.row
        if not name or name in local or row in found or row >= len(lines):
            continue
        if not _defined_elsewhere(name, str(path), index):
            continue
        stmt = node
        while stmt.parent is not None and stmt.type not in _STATEMENT_END:
            stmt = stmt.parent
        line = lines[row]
        body = line.strip()
        if stmt.start_point.row != row or stmt.end_point.row != row or not 8 <= len(body) <= 100:
            continue
        if body.startswith(("def ", "class ", "import ", "from ", "@", "#", "assert ")):
            continue
        indent = line[: len(line) - len(line.lstrip())]
        text = "\n".join(lines[:row] + [indent] + lines[row + 1 :])
        found[row] = Case(package, path, row, text, body, name)
    return list(found.values())


def collect_cases(packages: list[str], n: int, seed: int) -> tuple[list[Case], dict[str, ContextService]]:
    """About n/len(packages) cases from each package, and a warm context service per package."""
    rng = random.Random(seed)
    cases: list[Case] = []
    services: dict[str, ContextService] = {}
    per = max(1, n // max(1, len(packages)))
    for pkg in packages:
        root = package_dir(pkg)
        if root is None:
            print(f"skipping {pkg}: not installed")
            continue
        svc = ContextService(ContextSettings(recent_chunks=0), [root])
        svc.index.build()
        services[pkg] = svc
        mine = [c for p in sorted(root.rglob("*.py")) for c in _cases_in_file(pkg, p, svc.index)]
        cases.extend(rng.sample(mine, min(per, len(mine))))
    rng.shuffle(cases)  # a run stopped early still reports a fair sample of every package
    return cases, services


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


def _first_line(text: str) -> str:
    return text.strip().split("\n", 1)[0].strip() if text.strip() else ""


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
    model: str, packages: str, n: int, seed: int, budget: int, formats: list[str], prefix_tokens: int, files: int
) -> int:
    quiet_llama(False)
    path = Path(resolve_model(model, TerminalProgress()))
    print(index_figures(files), flush=True)
    cases, services = collect_cases([p for p in packages.split(",") if p], n, seed)
    print(f"{len(cases)} cases from {len(services)} packages: {', '.join(services)}", flush=True)
    settings = CompletionSettings(
        prefix_tokens=prefix_tokens,
        suffix_tokens=prefix_tokens // 4,
        max_tokens=24,  # the first line is what is scored
        prompt_time_ms=None,
        generate_time_ms=None,
        reuse_suggestions=False,
        prefetch=False,
    )
    engine = LlamaEngine(Model(path, n_ctx=4096, n_seq_max=2 + len(formats)))
    conditions = ["none"] + formats
    results: dict[str, list[tuple[bool, float, int]]] = {c: [] for c in conditions}
    pack_ms: list[float] = []
    t_start = time.perf_counter()
    for i, case in enumerate(cases):
        svc = services[case.package]
        for cond in conditions:
            svc.settings = replace(svc.settings, enabled=cond != "none", max_tokens=budget, format=cond)
            svc._packs.clear()  # measure a fresh pack every time, not the sticky one
            completer = Completer(engine, settings, svc)
            req = CompletionRequest(
                case.text,
                case.row,
                len(case.text.split("\n")[case.row]),
                slot=cond,
                language="python",
                uri=case.path.as_uri(),
            )
            s = completer.complete(req)
            got = _first_line(s.text)
            n_prompt = s.generation.n_prompt if s.generation else 0
            results[cond].append((got == case.expected, edit_similarity(got, case.expected), n_prompt))
            if cond != "none":
                pack_ms.append(svc.last_ms)
        if (i + 1) % 10 == 0 and i + 1 < len(cases):
            print(f"\nafter {i + 1}/{len(cases)} cases, {time.perf_counter() - t_start:.0f} s:", flush=True)
            _print_table(results, pack_ms, budget)
    print(f"\nall {len(cases)} cases, {time.perf_counter() - t_start:.0f} s:")
    _print_table(results, pack_ms, budget)
    return 0


def _print_table(results: dict[str, list[tuple[bool, float, int]]], pack_ms: list[float], budget: int) -> None:
    n = len(results["none"])
    print(f"| context ({n} cases) | exact match (first line) | edit similarity | prompt tokens (mean) |")
    print("|---|---|---|---|")
    base = 100 * sum(r[0] for r in results["none"]) / max(1, n)
    for cond, rows in results.items():
        em = 100 * sum(r[0] for r in rows) / max(1, len(rows))
        es = 100 * statistics.mean(r[1] for r in rows) if rows else 0
        toks = statistics.mean(r[2] for r in rows) if rows else 0
        label = "none" if cond == "none" else f"pack, {cond} format, {budget} tokens"
        delta = "" if cond == "none" else f" ({em - base:+.1f})"
        print(f"| {label} | {em:.1f}%{delta} | {es:.1f} | {toks:.0f} |")
    if pack_ms:
        print(
            f"context build per request: p50 {statistics.median(pack_ms):.1f} ms, p95 {_p95(pack_ms):.1f} ms, "
            f"max {max(pack_ms):.1f} ms (warm index, pack cache cleared before each request)",
            flush=True,
        )
