"""Which of a new prompt's tokens are already in the KV cache, and where.

A cached sequence is the list of token ids whose keys and values sit in the KV cache at positions
0..n-1. For a new prompt we keep the longest common prefix, then look for runs of at least
`min_chunk` tokens that are still in the cache at other positions (lines inserted or deleted above
the cursor, a window that slid) and move them by a position shift instead of evaluating them again,
as llama.cpp's server does for `n_cache_reuse`. Unlike that server, runs are found after insertions
as well as after deletions. Only the tokens in between need evaluating.
"""

import difflib
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Chunk:
    """A run of `length` cached tokens that moves from `old_start` to `new_start`."""

    old_start: int
    new_start: int
    length: int

    @property
    def delta(self) -> int:
        return self.new_start - self.old_start


@dataclass(frozen=True)
class ReusePlan:
    """How to turn a cached sequence into a new prompt: keep, shift, evaluate."""

    n_prefix: int  # tokens kept in place at the start
    chunks: tuple[Chunk, ...] = ()  # runs moved by a position shift
    evaluate: tuple[int, ...] = field(default=())  # prompt positions to decode, increasing

    @property
    def n_shifted(self) -> int:
        return sum(c.length for c in self.chunks)


def common_prefix(a: list[int], b: list[int]) -> int:
    """Length of the longest common prefix."""
    n = min(len(a), len(b))
    i = 0
    while i < n and a[i] == b[i]:
        i += 1
    return i


def _find_chunks(cached: list[int], prompt: list[int], start: int, end: int, min_chunk: int) -> list[Chunk]:
    """Greedy, order-preserving matches of at least `min_chunk` tokens between cached[start:] and prompt[start:end]."""
    index: dict[tuple[int, ...], list[int]] = {}
    for i in range(start, len(cached) - min_chunk + 1):
        index.setdefault(tuple(cached[i : i + min_chunk]), []).append(i)
    chunks: list[Chunk] = []
    head_c, head_p = start, start
    while head_p + min_chunk <= end:
        starts = index.get(tuple(prompt[head_p : head_p + min_chunk]))
        c = next((s for s in starts or () if s >= head_c), None)
        if c is None:
            head_p += 1
            continue
        n = min_chunk
        while head_p + n < end and c + n < len(cached) and cached[c + n] == prompt[head_p + n]:
            n += 1
        chunks.append(Chunk(c, head_p, n))
        head_p += n
        head_c = c + n
    return chunks


def plan_reuse(cached: list[int], prompt: list[int], min_chunk: int, can_shift: bool) -> ReusePlan:
    """Plan the cheapest way from `cached` to `prompt`. The last prompt token is always evaluated (its logits
    start generation)."""
    if not prompt:
        return ReusePlan(0)
    n_prefix = min(common_prefix(cached, prompt), len(prompt) - 1)
    chunks: list[Chunk] = []
    if can_shift and min_chunk > 0:
        chunks = _find_chunks(cached, prompt, n_prefix, len(prompt) - 1, min_chunk)
    covered = set()
    for c in chunks:
        covered.update(range(c.new_start, c.new_start + c.length))
    evaluate = tuple(p for p in range(n_prefix, len(prompt)) if p not in covered)
    return ReusePlan(n_prefix, tuple(chunks), evaluate)


def shift_order(chunks: tuple[Chunk, ...]) -> list[Chunk]:
    """An order of shifts in which no chunk lands on cells of one not yet moved.

    Chunks moving down go first, lowest first; then chunks moving up, highest first.
    """
    down = [c for c in chunks if c.delta < 0]
    up = [c for c in chunks if c.delta > 0]
    return down + up[::-1]


def changed_tokens(cached: list[int], prompt: list[int]) -> int:
    """Prompt tokens outside an optimal in-order match with the cached ones: what an edit really changed, the
    yardstick for how many tokens a perfect cache would evaluate (about half a millisecond for 2k tokens)."""
    if not cached:
        return len(prompt)
    blocks = difflib.SequenceMatcher(None, cached, prompt, autojunk=False).get_matching_blocks()
    return len(prompt) - sum(b.size for b in blocks)
