"""A small ring of recently edited or viewed code: chunks of rows, newest last, near-duplicates merged."""

import threading
from collections import deque
from dataclasses import dataclass

from offgrid.context.outline import Row

CHUNK_RADIUS = 4  # rows kept on each side of an edit or a cursor


@dataclass(frozen=True)
class Chunk:
    uri: str
    path: str
    first: int
    rows: tuple[Row, ...]

    @property
    def last(self) -> int:
        return self.rows[-1][0] if self.rows else self.first


def _similarity(a: Chunk, b: Chunk) -> float:
    """Jaccard similarity of the chunks' non-blank lines."""
    sa = {t.strip() for _, t in a.rows if t.strip()}
    sb = {t.strip() for _, t in b.rows if t.strip()}
    return len(sa & sb) / len(sa | sb) if sa and sb else 0.0


class RecentChunks:
    """The last few places the user edited or looked at."""

    def __init__(self, size: int = 8, merge_at: float = 0.5) -> None:
        self._ring: deque[Chunk] = deque(maxlen=size)
        self._merge_at = merge_at
        self._lock = threading.Lock()

    def note(self, uri: str, path: str, lines: list[str], row: int) -> None:
        """Remember the rows around `row` of a document (lines without endings)."""
        first = max(0, row - CHUNK_RADIUS)
        last = min(len(lines) - 1, row + CHUNK_RADIUS)
        rows = tuple((n, lines[n][:200]) for n in range(first, last + 1))
        if not any(t.strip() for _, t in rows):
            return
        chunk = Chunk(uri, path, first, rows)
        with self._lock:
            # a chunk much like an older one replaces it (typing in one place makes many similar chunks)
            kept = [c for c in self._ring if not (c.uri == uri and _similarity(c, chunk) >= self._merge_at)]
            self._ring.clear()
            self._ring.extend(kept)
            self._ring.append(chunk)

    def chunks(self, exclude_uri: str = "", exclude_rows: tuple[int, int] = (0, -1)) -> list[Chunk]:
        """Newest first, without chunks overlapping the given rows of the given document (the local window)."""
        lo, hi = exclude_rows
        with self._lock:
            items = list(self._ring)
        return [c for c in reversed(items) if not (c.uri == exclude_uri and c.first <= hi and c.last >= lo)]

    def forget(self, uri: str) -> None:
        with self._lock:
            kept = [c for c in self._ring if c.uri != uri]
            self._ring.clear()
            self._ring.extend(kept)
