"""Similar code from other files of the workspace: the few windows of rows that share the most rare names with the
lines just above the cursor (the retrieval RepoCoder and Tabby do, kept small).

A call to a name from another file is written most like the other calls to it, and a function most like its
siblings elsewhere; a signature says less to a small model than a usage does. Measured on real packages, these
windows raised first-line exact match where signatures alone did not (see `offgrid bench context`).

Memory stays small: the index keeps, per file, only which names it uses (as postings from a name to file
numbers); the windows are cut from the few best files' text when a pack is built.
"""

import math
import re
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass

from offgrid.context.outline import Row

WINDOW = 12  # rows per window
STRIDE = 6  # windows overlap by half, so a usage is never cut in two
QUERY_ROWS = 10  # rows above the cursor that describe what is being written
CANDIDATE_FILES = 6  # files whose windows are scored, chosen by the rare names they share
COMMON = 0.5  # names in more than this share of files say nothing (self, None, return, i) ...
COMMON_FROM = 8  # ... in a workspace of this many files or more (in a small one every name is in half the files)
ROWS_CACHE = 16  # files whose names by row are kept between searches
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]+")
# keywords of the supported languages and the names every file has: in a small workspace, where no name is
# common enough to drop, they would still make unrelated code look alike
_KEYWORD_WORDS = (
    "def class return if elif else for while in not and or is None True False self this import from as with"
    " try except finally raise pass lambda yield async await const let var function new null nil true false"
    " void int char static public private protected package fn mut pub use impl struct enum match end local"
    " then do func type interface break continue switch case default include define"
)
_KEYWORDS = frozenset(_KEYWORD_WORDS.split())

ReadText = Callable[[str], str | None]


def names_in(text: str) -> set[str]:
    return set(_NAME.findall(text)) - _KEYWORDS


@dataclass(frozen=True)
class Window:
    path: str
    rows: tuple[Row, ...]
    score: float


class SimilarCode:
    """Which files use which names; windows of the best files on demand."""

    def __init__(self) -> None:
        self._ids: dict[str, int] = {}  # path -> file number
        self._paths: dict[int, str] = {}
        self._names: dict[int, tuple[str, ...]] = {}  # file number -> the names it uses (to remove it again)
        self._postings: dict[str, list[int]] = {}
        self._next = 0
        self._rows_cache: dict[str, tuple[str, list[set[str]]]] = {}
        self._lock = threading.Lock()

    def add(self, path: str, text: str) -> None:
        """(Re)index one file's names."""
        names = tuple(sorted(sys.intern(n) for n in names_in(text)))  # one copy of each name across files
        with self._lock:
            self._drop(path)
            fid = self._next
            self._next += 1
            self._ids[path], self._paths[fid], self._names[fid] = fid, path, names
            for name in names:
                self._postings.setdefault(name, []).append(fid)

    def remove(self, path: str) -> None:
        with self._lock:
            self._drop(path)

    def _drop(self, path: str) -> None:
        fid = self._ids.pop(path, None)
        if fid is None:
            return
        del self._paths[fid]
        for name in self._names.pop(fid):
            files = self._postings[name]
            files.remove(fid)
            if not files:
                del self._postings[name]

    def _weights(self, names: set[str]) -> dict[str, float]:
        """Inverse document frequency of the query's names; names too common to tell files apart get none."""
        n = max(1, len(self._ids))
        out = {}
        for name in names:
            df = len(self._postings.get(name, ()))
            if df > 0 and (n < COMMON_FROM or df <= COMMON * n):
                out[name] = math.log(1 + n / df)
        return out

    def _candidates(self, weights: dict[str, float], exclude: str) -> list[str]:
        scores: dict[int, float] = {}
        for name, w in weights.items():
            for fid in self._postings.get(name, ()):
                scores[fid] = scores.get(fid, 0.0) + w
        best = sorted(scores.items(), key=lambda kv: (-kv[1], self._paths[kv[0]]))
        return [p for fid, _ in best if (p := self._paths[fid]) != exclude][:CANDIDATE_FILES]

    def search(self, query: str, exclude: str, read: ReadText, k: int = 3) -> list[Window]:
        """The `k` windows of other files most like `query` (best first), scored by the weighted Jaccard
        similarity of their names; `read` gives a file's text (None when it cannot be read)."""
        with self._lock:
            weights = self._weights(names_in(query))
            paths = self._candidates(weights, exclude)
        if not weights:
            return []
        query_weight = sum(weights.values())
        scored: list[tuple[float, str, int]] = []
        texts: dict[str, list[str]] = {}
        for path in paths:
            text = read(path)
            if text is None:
                continue
            lines = texts[path] = text.split("\n")
            line_names = self._line_names(path, text, lines)
            hit = [not weights.keys().isdisjoint(names) for names in line_names]
            for start in range(0, max(1, len(lines) - WINDOW + STRIDE), STRIDE):
                if not any(hit[start : start + WINDOW]):
                    continue
                names = set().union(*line_names[start : start + WINDOW])
                shared = sum(w for n, w in weights.items() if n in names)
                # names the window has and the query lacks count at the least weight, so long windows full
                # of unrelated code do not win by size
                extra = len(names - weights.keys()) * 0.1
                scored.append((shared / (query_weight + extra), path, start))
        scored.sort(key=lambda x: (-x[0], x[1], x[2]))
        chosen: list[Window] = []
        for score, path, start in scored:  # overlapping windows of one file would show the same rows twice
            if all(c.path != path or abs(c.rows[0][0] - start) >= WINDOW for c in chosen):
                rows = texts[path][start : start + WINDOW]
                chosen.append(Window(path, tuple((start + i, t[:200]) for i, t in enumerate(rows)), score))
            if len(chosen) == k:
                break
        return chosen

    def _line_names(self, path: str, text: str, lines: list[str]) -> list[set[str]]:
        """The names on each row (a name never spans rows), remembered for the last few files: the same
        candidates come back pack after pack."""
        with self._lock:
            cached = self._rows_cache.get(path)
        if cached is not None and cached[0] == text:
            return cached[1]
        out = [names_in(line) for line in lines]
        with self._lock:
            if len(self._rows_cache) >= ROWS_CACHE:
                self._rows_cache.pop(next(iter(self._rows_cache)))
            self._rows_cache[path] = (text, out)
        return out

    def __len__(self) -> int:
        return len(self._ids)
