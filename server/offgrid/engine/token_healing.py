"""Token healing: the prompt ends one token early and the first generated tokens must spell that token's text.

A cursor in the middle of a word cuts a token in two ("resu|" is "res" + "u", where the model only ever saw
"result"), and a prompt ending in such a fragment makes small models answer badly. Backing up one token and
letting the model rewrite it, constrained to the bytes the user typed, fixes that.
"""

import bisect
from collections.abc import Callable

import numpy as np


class VocabIndex:
    """Every token's bytes, indexed for 'is a prefix of' and 'starts with' look-ups."""

    def __init__(self, n_vocab: int, piece: Callable[[int], bytes], is_control: Callable[[int], bool]) -> None:
        self.by_piece: dict[bytes, list[int]] = {}
        pairs: list[tuple[bytes, int]] = []
        for t in range(n_vocab):
            p = piece(t)
            if not p or is_control(t):
                continue
            self.by_piece.setdefault(p, []).append(t)
            pairs.append((p, t))
        pairs.sort()
        self.sorted_pieces = [p for p, _ in pairs]
        self.sorted_ids = np.array([t for _, t in pairs], dtype=np.int64)

    def candidates(self, remaining: bytes) -> np.ndarray:
        """Tokens that are a prefix of `remaining` or start with it: those that keep the text consistent."""
        ids = [t for i in range(1, len(remaining) + 1) for t in self.by_piece.get(remaining[:i], ())]
        lo = bisect.bisect_left(self.sorted_pieces, remaining)
        hi = bisect.bisect_left(self.sorted_pieces, remaining + b"\xff" * 8)
        return np.concatenate([np.array(ids, dtype=np.int64), self.sorted_ids[lo:hi]])


def constrained_argmax(logits: np.ndarray, index: VocabIndex, remaining: bytes) -> int | None:
    """The most likely token consistent with `remaining`, or None when no token is."""
    cands = index.candidates(remaining)
    if cands.size == 0:
        return None
    return int(cands[int(np.argmax(logits[cands]))])
