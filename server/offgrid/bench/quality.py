"""`offgrid bench quality`: HumanEval-infilling through offgrid's completion pipeline, against the raw model
used naively on the same windows, scored by running each task's tests (greedy decoding, pass@1).

The naive client sends a plain FIM prompt (prefix up to the cursor, suffix, middle token), keeps the text up
to the model's end-of-text token or the token cap, and cuts it at the first newline for single-line tasks.
Both run on one engine and one cache slot, so the second reuses the first's prompt: prompt time is counted
once per task (cold) and each side's latency is that plus its own generation time. No time caps apply, so
figures do not depend on how busy the machine is.
"""

import json
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from offgrid.bench.humaneval import DEFAULT_SUBSETS, Document, Task, apply, editor_document, exact_match, load_tasks
from offgrid.bench.humaneval import passes as run_tests
from offgrid.complete.pipeline import Completer
from offgrid.complete.request import CompletionRequest
from offgrid.complete.windows import cut_windows, split_lines
from offgrid.config import CompletionSettings
from offgrid.engine.generation import GenerationRequest
from offgrid.engine.llama_engine import LlamaEngine
from offgrid.engine.model import Model
from offgrid.errors import OffgridError
from offgrid.host import quiet_llama
from offgrid.models.progress import TerminalProgress
from offgrid.models.resolve import resolve_model

SLOT = "bench"
SETTINGS = CompletionSettings(prompt_time_ms=None, generate_time_ms=None, reuse_suggestions=False, prefetch=False)


@dataclass
class Side:
    """One contender's results on one subset."""

    passed: int = 0
    exact: int = 0
    latency_ms: list[float] = field(default_factory=list)

    def add(self, task: Task, program: str, ms: float) -> tuple[bool, bool]:
        ok, exact = run_tests(task, program), exact_match(task, program)
        self.passed += ok
        self.exact += exact
        self.latency_ms.append(ms)
        return ok, exact


def raw_prompt(engine: LlamaEngine, doc: Document, s: CompletionSettings) -> list[int]:
    """The naive client's prompt: PRE prefix-and-typed SUF suffix MID, from the pipeline's own windows."""
    model = engine.model
    if model.fim is None:
        raise OffgridError("the quality benchmark needs a model with fill-in-the-middle tokens")
    w = cut_windows(split_lines(doc.text), doc.line, doc.column, s.prefix_lines, s.suffix_lines, s.window_step)
    head = [model.bos] if model.add_bos and model.bos >= 0 else []
    prefix = model.tokenize(w.prefix + w.typed)[-s.prefix_tokens :]
    suffix = model.tokenize(w.suffix)[: s.suffix_tokens]
    middle = [model.fim.middle] if model.fim.middle is not None else []
    return head + [model.fim.prefix] + prefix + [model.fim.suffix] + suffix + middle


def run_task(completer: Completer, task: Task, single_line: bool, sides: dict[str, Side]) -> dict[str, Any]:
    """Complete one task both ways and score both."""
    doc = editor_document(task)
    req = CompletionRequest(text=doc.text, line=doc.line, column=doc.column, slot=SLOT, language="python")
    t0 = time.perf_counter()
    ours = completer.complete(req)
    ours_ms = (time.perf_counter() - t0) * 1000
    cold_prompt_ms = ours.generation.prompt_ms if ours.generation else 0.0
    s, engine = completer.settings, completer.engine
    gen = engine.generate(GenerationRequest(tuple(raw_prompt(engine, doc, s)), slot=SLOT, max_tokens=s.max_tokens))
    raw = gen.text.split("\n")[0] if single_line else gen.text
    raw_ms = cold_prompt_ms + gen.generate_ms
    ok_ours, em_ours = sides["offgrid"].add(task, apply(doc, ours.text, ours.replace_to_column - ours.column), ours_ms)
    ok_raw, em_raw = sides["raw"].add(task, apply(doc, raw), raw_ms)
    return {
        "task_id": task.task_id,
        "offgrid": ours.text,
        "raw": raw,
        "offgrid_pass": ok_ours,
        "raw_pass": ok_raw,
        "offgrid_exact": em_ours,
        "raw_exact": em_raw,
        "offgrid_ms": round(ours_ms),
        "raw_ms": round(raw_ms),
    }


def summarize(subset: str, n: int, sides: dict[str, Side]) -> dict[str, Any]:
    out: dict[str, Any] = {"subset": subset, "tasks": n}
    for name, side in sides.items():
        out[name] = {
            "pass@1": round(100 * side.passed / max(1, n), 1),
            "exact_match": round(100 * side.exact / max(1, n), 1),
            "mean_latency_ms": round(statistics.mean(side.latency_ms), 1) if side.latency_ms else 0.0,
        }
    return out


def print_table(rows: list[dict[str, Any]], model: str) -> None:
    print(f"model: {model}")
    print(
        f"{'subset':<18} {'tasks':>5} | {'pass@1 offgrid':>14} {'raw':>6} | {'exact offgrid':>13} {'raw':>6} |"
        f" {'ms offgrid':>10} {'raw':>7}"
    )
    for r in rows:
        o, w = r["offgrid"], r["raw"]
        print(
            f"{r['subset']:<18} {r['tasks']:>5} | {o['pass@1']:>14.1f} {w['pass@1']:>6.1f} |"
            f" {o['exact_match']:>13.1f} {w['exact_match']:>6.1f} | {o['mean_latency_ms']:>10.0f}"
            f" {w['mean_latency_ms']:>7.0f}"
        )


def run_bench_quality(
    model: str,
    subsets: list[str],
    limit: int | None,
    as_json: bool,
    data_dir: Path,
    details: Path | None = None,
    threads: int | None = None,
) -> int:
    """Run the benchmark and print the table (or JSON); 0 on success."""
    quiet_llama(False)
    path = Path(resolve_model(model, TerminalProgress()))
    m = Model(path, n_ctx=4096, n_threads=threads, n_seq_max=3)
    completer = Completer(LlamaEngine(m, adaptive_pieces=False), SETTINGS)  # the same answers at any load
    rows = []
    out = details.open("w", encoding="utf-8") if details is not None else None  # written as it goes
    try:
        for subset in subsets:
            tasks = load_tasks(data_dir, subset, limit)
            sides = {"offgrid": Side(), "raw": Side()}
            for i, task in enumerate(tasks, 1):
                entry = run_task(completer, task, subset == "single-line", sides)
                if out is not None:
                    out.write(json.dumps(entry) + "\n")
                    out.flush()
                print(
                    f"\r{subset}: {i}/{len(tasks)} offgrid {sides['offgrid'].passed} raw {sides['raw'].passed}",
                    end="",
                    file=sys.stderr,
                    flush=True,
                )
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
