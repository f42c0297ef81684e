"""Several prompts kept in one llama.cpp context, one sequence id each, least recently used out first.

A slot key (a document) may hold more than one window: where the cursor was before a jump keeps its sequence,
so coming back reuses what was evaluated there (the engine decides when a prompt is a new window). Eviction is
by least recent use across every window of every document.
"""

import itertools
from collections import OrderedDict
from collections.abc import Callable

# Given the sequences of a key's windows, most recent first, the one to use; None for a new window.
Pick = Callable[[list[int]], int | None]


class SequencePool:
    """Maps a slot key's windows to llama.cpp sequence ids and the tokens cached in each."""

    def __init__(self, n_seq: int, windows_per_key: int = 1) -> None:
        self._free = list(range(n_seq))
        self._windows: OrderedDict[tuple[str, int], int] = OrderedDict()  # (key, window), least recent first
        self._counter = itertools.count()
        self.windows_per_key = max(1, windows_per_key)
        self.tokens: dict[int, list[int]] = {}

    def windows(self, key: str) -> list[int]:
        """The sequences of `key`'s windows, most recently used first."""
        return [seq for (k, _), seq in reversed(self._windows.items()) if k == key]

    def acquire(self, key: str, pick: Pick | None = None) -> tuple[int, int | None]:
        """The sequence for `key`, most recently used now (`pick` chooses among its windows; without it, its most
        recent one); and the sequence that had to be evicted for it, if any. A new window past windows_per_key
        takes the key's least recently used one."""
        mine = self.windows(key)
        if mine:
            choice = mine[0] if pick is None else pick(mine)
            if choice is None and len(mine) >= self.windows_per_key:
                choice = mine[-1]
            if choice is not None:
                self._touch(choice)
                return choice, None
        evicted = None
        if not self._free:
            _, evicted = self._windows.popitem(last=False)
            self.tokens[evicted] = []
            self._free.append(evicted)
        seq = self._free.pop(0)
        self._windows[(key, next(self._counter))] = seq
        self.tokens.setdefault(seq, [])
        return seq, evicted

    def _touch(self, seq: int) -> None:
        window = next(w for w, s in self._windows.items() if s == seq)
        self._windows.move_to_end(window)

    def peek(self, key: str) -> int | None:
        """The sequence of `key`'s most recent window without touching its recency, or None."""
        mine = self.windows(key)
        return mine[0] if mine else None

    def total_tokens(self) -> int:
        """Cells in use across all sequences."""
        return sum(len(t) for t in self.tokens.values())

    def evict_oldest_except(self, seq: int) -> int | None:
        """Free the least recently used sequence other than `seq`; None when there is none."""
        for s in self._windows.values():
            if s != seq and self.tokens.get(s):
                self.tokens[s] = []
                return s
        return None

    def keys(self) -> list[str]:
        """Slot keys, least recently used first (a key with several windows where its newest one is)."""
        seen: dict[str, None] = {}
        for k, _ in self._windows:
            seen.pop(k, None)
            seen[k] = None
        return list(seen)
