"""`offgrid bench consistency`: does reusing and shifting cached KV change the greedy suggestion?

Replays ordinary edits (lines inserted and deleted above the cursor, typing, Enter) on a real source file and,
after each, completes twice: with offgrid's cache reuse on the document's warm sequence, and from a fresh
evaluation of the same prompt on a second context. Prints how often the suggestions differ. With `--repair`
the warm side recomputes its shifted cache after each edit, as the server does when the user pauses.
"""

import random
from pathlib import Path

from offgrid.bench.session import module_file
from offgrid.complete.pipeline import Completer
from offgrid.complete.request import CompletionRequest
from offgrid.config import CompletionSettings
from offgrid.engine.llama_engine import LlamaEngine
from offgrid.engine.model import Model
from offgrid.host import quiet_llama
from offgrid.models.presets import PRESETS
from offgrid.models.progress import TerminalProgress
from offgrid.models.resolve import resolve_model

SETTINGS = CompletionSettings(  # no time caps: only the cache may make the two answers differ
    prefix_lines=48,
    suffix_lines=16,
    max_tokens=24,
    reuse_suggestions=False,
    prefetch=False,
    prompt_time_ms=None,
    generate_time_ms=None,
)


def _edit(lines: list[str], cursor: int, rng: random.Random) -> tuple[list[str], int, str]:
    """One ordinary edit; returns the new lines, the new cursor line and what was done."""
    kind = rng.choice(["insert-above", "delete-above", "type", "enter"])
    lines = list(lines)
    if kind == "insert-above" and cursor > 2:
        at = rng.randrange(max(0, cursor - 30), cursor)
        lines.insert(at, lines[at].split("#")[0].rstrip() + "  # note")
        return lines, cursor + 1, kind
    if kind == "delete-above" and cursor > 2:
        del lines[rng.randrange(max(0, cursor - 30), cursor - 1)]
        return lines, cursor - 1, kind
    if kind == "enter":
        lines.insert(cursor + 1, " " * (len(lines[cursor]) - len(lines[cursor].lstrip())))
        return lines, cursor + 1, kind
    lines[cursor] += rng.choice(["x", " ", "(", "s", "_"])
    return lines, cursor, "type"


def run_bench_consistency(
    model: str, edits: int, seed: int, reuse: str = "chunks", repair: bool = False, threads: int | None = None
) -> int:
    quiet_llama(False)
    path = Path(resolve_model(model if model in PRESETS or Path(model).exists() else model, TerminalProgress()))
    warm = Completer(
        LlamaEngine(Model(path, n_ctx=4096, n_seq_max=3, n_threads=threads), min_chunk=32, reuse=reuse), SETTINGS
    )
    fresh = Completer(LlamaEngine(Model(path, n_ctx=4096, n_seq_max=3, n_threads=threads), reuse="none"), SETTINGS)
    lines = module_file("pygls.workspace.text_document").read_text().splitlines()
    rng = random.Random(seed)
    cursor = len(lines) // 2
    counts: dict[str, list[int]] = {}
    for _ in range(edits):
        lines, cursor, kind = _edit(lines, cursor, rng)
        req = CompletionRequest("\n".join(lines), cursor, len(lines[cursor]), slot="doc")
        a, b = warm.complete(req), fresh.complete(req)
        shifted = bool(a.generation and a.generation.n_shifted)
        key = f"{kind} ({'shifted' if shifted else 'prefix only'})"
        same, total = counts.setdefault(key, [0, 0])
        counts[key] = [same + (a.text == b.text), total + 1]
        if repair:  # the user pauses after the suggestion: the server recomputes what was shifted
            warm.engine.repair("doc")
    print(f"{'edit (reuse path)':>32} | same suggestion | edits")
    for key, (same, total) in sorted(counts.items()):
        print(f"{key:>32} | {same:>15} | {total}")
    same = sum(s for s, _ in counts.values())
    print(f"\nmismatch rate: {edits - same}/{edits} = {(edits - same) / edits:.1%}")
    print(f"tokens recomputed by repair: {warm.engine.totals['repaired']}")
    return 0
