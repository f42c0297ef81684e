"""HumanEval-infilling tasks as editor documents, and scoring a completion by running the task's tests.

A task is a prompt (text before the hole), a canonical middle, a suffix and tests. Whole-line middles are
asked for the way an editor user asks: on a fresh empty line (the user pressed Enter) between the prompt and
the suffix. Other spans (random-span) put the cursor exactly where the hole starts, often mid-line.
"""

import gzip
import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

SUBSETS = {
    "single-line": "HumanEval-SingleLineInfilling.jsonl.gz",
    "multi-line": "HumanEval-MultiLineInfilling.jsonl.gz",
    "random-span": "HumanEval-RandomSpanInfilling.jsonl.gz",
    "random-span-light": "HumanEval-RandomSpanInfillingLight.jsonl.gz",
}
DEFAULT_SUBSETS = ("single-line", "multi-line", "random-span-light")
TEST_TIMEOUT_S = 3.0


@dataclass(frozen=True)
class Task:
    """One infilling task."""

    task_id: str
    prompt: str
    canonical: str
    suffix: str
    test: str
    entry_point: str

    @property
    def whole_lines(self) -> bool:
        return self.prompt.endswith("\n") and self.canonical.endswith("\n")


@dataclass(frozen=True)
class Document:
    """The text an editor would hold, and the cursor (code-point offset) where the completion goes."""

    text: str
    cursor: int

    @property
    def line(self) -> int:
        return self.text.count("\n", 0, self.cursor)

    @property
    def column(self) -> int:
        return self.cursor - (self.text.rfind("\n", 0, self.cursor) + 1)


def default_data_dir() -> Path:
    """`$OFFGRID_BENCH_DATA/human-eval-infilling`, else ../shared/bench-data next to the repository."""
    if env := os.environ.get("OFFGRID_BENCH_DATA"):
        return Path(env) / "human-eval-infilling"
    here = Path(__file__).resolve()
    for parent in here.parents:
        candidate = parent.parent / "shared" / "bench-data" / "human-eval-infilling"
        if candidate.is_dir():
            return candidate
    return Path("../shared/bench-data/human-eval-infilling")


def spread(items: list, limit: int | None, offset: float = 0.0) -> list:
    """`limit` items spread evenly over `items` (all of them without a limit); `offset` (0 to 1) moves every pick
    that share of a step on, so another offset picks other items (tasks not looked at before)."""
    if limit is None or limit >= len(items):
        return items
    return [items[int((i + offset) * len(items) / limit)] for i in range(limit)]


def load_tasks(data_dir: Path, subset: str, limit: int | None) -> list[Task]:
    """The subset's tasks; with `limit`, an even spread over the file (not just the first problems)."""
    path = data_dir / SUBSETS[subset]
    with gzip.open(path, "rt", encoding="utf-8") as f:
        rows = [json.loads(line) for line in f if line.strip()]
    rows = spread(rows, limit)
    return [
        Task(r["task_id"], r["prompt"], r["canonical_solution"], r["suffix"], r["test"], r["entry_point"]) for r in rows
    ]


def editor_document(task: Task) -> Document:
    """Whole-line middles: an empty line between prompt and suffix, cursor at its start. Else: the raw hole."""
    if task.whole_lines:
        return Document(task.prompt + "\n" + task.suffix, len(task.prompt))
    return Document(task.prompt + task.suffix, len(task.prompt))


def apply(doc: Document, text: str, replace_chars: int = 0) -> str:
    """The document after inserting `text` at the cursor over the next `replace_chars` characters."""
    return doc.text[: doc.cursor] + text + doc.text[doc.cursor + replace_chars :]


def passes(task: Task, program: str, timeout_s: float = TEST_TIMEOUT_S) -> bool:
    """Run the program with the task's tests in a child Python; True when it exits cleanly in time."""
    source = f"{program}\n{task.test}\ncheck({task.entry_point})\n"
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False, encoding="utf-8") as f:
        f.write(source)
        path = f.name
    try:
        run = subprocess.run(
            [sys.executable, "-I", path], capture_output=True, timeout=timeout_s, stdin=subprocess.DEVNULL
        )
        return run.returncode == 0
    except subprocess.TimeoutExpired:
        return False
    finally:
        os.unlink(path)


def _norm(text: str) -> list[str]:
    return [line.rstrip() for line in text.split("\n") if line.strip()]


def exact_match(task: Task, program: str) -> bool:
    """The completed program equals prompt + canonical middle + suffix, up to trailing spaces and blank lines."""
    return _norm(program) == _norm(task.prompt + task.canonical + task.suffix)
