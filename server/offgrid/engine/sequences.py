"""Several documents' prompts kept in one llama.cpp context, one sequence id each, least recently used out first."""

from collections import OrderedDict


class SequencePool:
    """Maps a slot key (a document) to a llama.cpp sequence id and the tokens cached in it."""

    def __init__(self, n_seq: int) -> None:
        self._free = list(range(n_seq))
        self._slots: OrderedDict[str, int] = OrderedDict()  # least recently used first
        self.tokens: dict[int, list[int]] = {}

    def acquire(self, key: str) -> tuple[int, int | None]:
        """The sequence for `key`, most recently used now; and the sequence that had to be evicted for it, if any."""
        if key in self._slots:
            self._slots.move_to_end(key)
            return self._slots[key], None
        evicted = None
        if not self._free:
            _, evicted = self._slots.popitem(last=False)
            self.tokens[evicted] = []
            self._free.append(evicted)
        seq = self._free.pop(0)
        self._slots[key] = seq
        self.tokens.setdefault(seq, [])
        return seq, evicted

    def peek(self, key: str) -> int | None:
        """The sequence of `key` without touching its recency, or None."""
        return self._slots.get(key)

    def total_tokens(self) -> int:
        """Cells in use across all sequences."""
        return sum(len(t) for t in self.tokens.values())

    def evict_oldest_except(self, seq: int) -> int | None:
        """Free the least recently used sequence other than `seq`; None when there is none."""
        for s in self._slots.values():
            if s != seq and self.tokens.get(s):
                self.tokens[s] = []
                return s
        return None

    def keys(self) -> list[str]:
        """Slot keys, least recently used first."""
        return list(self._slots)
