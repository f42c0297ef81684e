"""`offgrid bench quality`: HumanEval-infilling through offgrid's completion pipeline, against the plain FIM
baseline on the same model file in the same run (plain_fim.py), scored by running each task's tests (greedy
decoding, pass@1) and by exact match, with the tasks each side wins and loses against plain.

Tasks run in a shuffled order through one completer and one context service, each opened as a document and
left open, as a user moves between unrelated files: code of earlier tasks is what the recent-code ring and
similar-code retrieval have to choose from (`--no-context` turns the context service off). No time caps
apply, so figures do not depend on how busy the machine is.
"""

import json
import random
import statistics
import sys
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from offgrid.bench.ablation import SIDES as ABLATION_SIDES
from offgrid.bench.ablation import offgrid_prompt_plain_cut, plain_prompt_offgrid_cut
from offgrid.bench.humaneval import DEFAULT_SUBSETS, Task, apply, editor_document, exact_match, load_tasks, spread
from offgrid.bench.humaneval import passes as run_tests
from offgrid.bench.plain_fim import plain_complete
from offgrid.complete.pipeline import Completer
from offgrid.complete.request import CompletionRequest
from offgrid.config import CompletionSettings, ContextSettings
from offgrid.context.service import ContextService
from offgrid.engine.llama_engine import LlamaEngine
from offgrid.engine.model import Model
from offgrid.host import quiet_llama
from offgrid.models.progress import TerminalProgress
from offgrid.models.resolve import resolve_model

SETTINGS = CompletionSettings(prompt_time_ms=None, generate_time_ms=None, reuse_suggestions=False, prefetch=False)


@dataclass
class Side:
    """One contender's results on one subset."""

    passed: int = 0
    exact: int = 0
    latency_ms: list[float] = field(default_factory=list)
    outcomes: list[tuple[bool, bool]] = field(default_factory=list)  # (passed, exact) per task

    def add(self, task: Task, program: str, ms: float) -> tuple[bool, bool]:
        ok, exact = run_tests(task, program), exact_match(task, program)
        self.passed += ok
        self.exact += exact
        self.latency_ms.append(ms)
        self.outcomes.append((ok, exact))
        return ok, exact


def wins_losses(side: Side, plain: Side, k: int) -> tuple[int, int]:
    """Tasks where `side` is right and plain wrong, and the reverse (k: 0 pass, 1 exact)."""
    wins = sum(a[k] and not b[k] for a, b in zip(side.outcomes, plain.outcomes, strict=True))
    losses = sum(b[k] and not a[k] for a, b in zip(side.outcomes, plain.outcomes, strict=True))
    return wins, losses


SPLITS = ("all", "dev", "held-out")


def in_split(task: Task, split: str) -> bool:
    """Tune on the even-numbered HumanEval problems ("dev"), report on the odd ones ("held-out"): the lines of one
    problem never fall on both sides."""
    if split == "all":
        return True
    number = int(task.task_id.split("/")[2])
    return (number % 2 == 0) == (split == "dev")


def run_task(
    completers: dict[str, Completer],
    svc: ContextService | None,
    task: Task,
    subset: str,
    sides: dict[str, Side],
    ablate: bool = False,
) -> dict[str, Any]:
    """Open the task's document, complete it every way, score every answer."""
    doc = editor_document(task)
    uri = f"file:///bench/{subset}/{task.task_id.replace('/', '_')}.py"
    if svc is not None:
        svc.opened(uri, "python", doc.text)
    entry: dict[str, Any] = {"task_id": task.task_id}
    engine = None
    for name, completer in completers.items():
        engine = completer.engine
        req = CompletionRequest(doc.text, doc.line, doc.column, slot=name, language="python", uri=uri)
        t0 = time.perf_counter()
        s = completer.complete(req)
        ms = (time.perf_counter() - t0) * 1000
        ok, em = sides[name].add(task, apply(doc, s.text, s.replace_to_column - s.column), ms)
        entry |= {name: s.text, f"{name}_pass": ok, f"{name}_exact": em, f"{name}_ms": round(ms)}
    assert engine is not None
    if ablate:  # offgrid's first completer: its prompt with plain's cut, and the reverse (bench/ablation.py)
        completer = next(iter(completers.values()))
        req = CompletionRequest(doc.text, doc.line, doc.column, slot="ablation", language="python", uri=uri)
        plan = completer.plan(req)
        for name, answer in zip(
            ABLATION_SIDES,
            (
                lambda: offgrid_prompt_plain_cut(completer, req, plan, subset != "single-line"),
                lambda: plain_prompt_offgrid_cut(completer, req, plan),
            ),
            strict=True,
        ):
            t0 = time.perf_counter()
            text, rep = answer()
            ms = (time.perf_counter() - t0) * 1000
            ok, em = sides[name].add(task, apply(doc, text, rep), ms)
            entry |= {name: text, f"{name}_pass": ok, f"{name}_exact": em, f"{name}_ms": round(ms)}
    t0 = time.perf_counter()
    plain = plain_complete(engine, doc.text, doc.line, doc.column, subset != "single-line")
    ms = (time.perf_counter() - t0) * 1000
    ok, em = sides["plain"].add(task, apply(doc, plain.text), ms)
    return entry | {"plain": plain.text, "plain_pass": ok, "plain_exact": em, "plain_ms": round(ms)}


def summarize(subset: str, n: int, sides: dict[str, Side]) -> dict[str, Any]:
    out: dict[str, Any] = {"subset": subset, "tasks": n}
    for name, side in sides.items():
        out[name] = {
            "pass@1": round(100 * side.passed / max(1, n), 1),
            "exact_match": round(100 * side.exact / max(1, n), 1),
            "mean_latency_ms": round(statistics.mean(side.latency_ms), 1) if side.latency_ms else 0.0,
        }
        if name != "plain":
            out[name]["pass_wins_losses"] = wins_losses(side, sides["plain"], 0)
            out[name]["exact_wins_losses"] = wins_losses(side, sides["plain"], 1)
    return out


def print_table(rows: list[dict[str, Any]], model: str) -> None:
    print(f"model: {model}")
    print("| subset | tasks | side | pass@1 | vs plain (won/lost) | exact match | vs plain (won/lost) | mean ms |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        for name, v in r.items():
            if not isinstance(v, dict):
                continue
            pw = "" if name == "plain" else "{}/{}".format(*v["pass_wins_losses"])
            ew = "" if name == "plain" else "{}/{}".format(*v["exact_wins_losses"])
            print(
                f"| {r['subset']} | {r['tasks']} | {name} | {v['pass@1']:.1f} | {pw} | {v['exact_match']:.1f} | {ew}"
                f" | {v['mean_latency_ms']:.0f} |"
            )


def run_bench_quality(
    model: str,
    subsets: list[str],
    limit: int | None,
    as_json: bool,
    data_dir: Path,
    details: Path | None = None,
    threads: int | None = None,
    layouts: list[str] | None = None,
    context: bool = True,
    seed: int = 1,
    split: str = "all",
    offset: float = 0.0,
    ablate: bool = False,
) -> int:
    """Run the benchmark and print the table (or JSON); 0 on success."""
    quiet_llama(False)
    path = Path(resolve_model(model, TerminalProgress()))
    layouts = layouts or [SETTINGS.layout]
    m = Model(path, n_ctx=4096, n_threads=threads, n_seq_max=2 + len(layouts) + 2 * ablate)
    engine = LlamaEngine(m, adaptive_pieces=False)  # the same answers at any load
    svc = ContextService(ContextSettings()) if context else None
    completers = {f"offgrid-{lay}": Completer(engine, replace(SETTINGS, layout=lay), svc) for lay in layouts}
    rows = []
    out = details.open("w", encoding="utf-8") if details is not None else None  # written as it goes
    try:
        for subset in subsets:
            tasks = spread([t for t in load_tasks(data_dir, subset, None) if in_split(t, split)], limit, offset)
            random.Random(seed).shuffle(tasks)  # a user moving between unrelated files
            sides = {name: Side() for name in (*completers, *(ABLATION_SIDES if ablate else ()), "plain")}
            for i, task in enumerate(tasks, 1):
                entry = run_task(completers, svc, task, subset, sides, ablate)
                if out is not None:
                    out.write(json.dumps(entry) + "\n")
                    out.flush()
                tally = " ".join(f"{k} {s.passed}" for k, s in sides.items())
                print(f"\r{subset}: {i}/{len(tasks)} {tally}", end="", file=sys.stderr, flush=True)
            print(file=sys.stderr)
            rows.append(summarize(subset, len(tasks), sides))
    finally:
        m.close()
        if out is not None:
            out.close()
    if as_json:
        print(json.dumps({"model": str(path.name), "rows": rows}, indent=2))
    else:
        print_table(rows, path.name)
    return 0


__all__ = ["DEFAULT_SUBSETS", "run_bench_quality"]
