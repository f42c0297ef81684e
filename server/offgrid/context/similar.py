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
from itertools import dropwhile

from offgrid.context.languages import is_word_char, language_for
from offgrid.context.outline import Row
from offgrid.context.prose import ProseRows, prose_rows

WINDOW = 12  # rows per window
STRIDE = 6  # windows overlap by half, so a usage is never cut in two
QUERY_ROWS = 10  # rows of code above the cursor that describe what is being written
QUERY_SPAN = 60  # how far up those rows are looked for, past docstrings and comments
CANDIDATE_FILES = 6  # files whose windows are scored, chosen by the rare names they share
COMMON = 0.5  # names in more than this share of files say nothing (self, None, return, i) ...
COMMON_FROM = 8  # ... in a workspace of this many files or more (in a small one every name is in half the files)
RARE_NAMES = 12  # the query's rarest names, which find the windows to score
EXACT = 8  # windows per one asked for that get their exact score (by the query names they share, best first)
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


def _comment_of(path: str) -> str:
    """The line comment marker of the language a path names (`#` where none is known)."""
    lang = language_for(None, path)
    return lang.comment if lang else "#"


def query_text(lines: list[str], row: int, column: int, comment: str) -> str:
    """The QUERY_ROWS rows of code above the cursor, and its row up to the cursor: what is being written.
    Comments and docstrings (by the language's line `comment` marker) are left out; a query taken from them
    finds other files' docs."""
    start = max(0, row - QUERY_SPAN)
    rows = lines[start:row] + [lines[row][:column] if row < len(lines) else ""]
    prose = prose_rows("\n".join(rows), comment)
    code = [t for i, t in enumerate(rows) if i not in prose or i == len(rows) - 1]
    return "\n".join(code[-(QUERY_ROWS + 1) :])


def names_in(text: str) -> set[str]:
    return set(_NAME.findall(text)) - _KEYWORDS


def occurrences(text: str, names: list[str]) -> list[tuple[int, str]]:
    """Where each of `names` occurs as a whole word in `text`, in order (str.find runs at C speed; a regular
    expression of alternatives tries each at every character)."""
    found = []
    for name in names:
        i = text.find(name)
        while i != -1:
            j = i + len(name)
            if (i == 0 or not is_word_char(text[i - 1])) and (j == len(text) or not is_word_char(text[j])):
                found.append((i, name))
            i = text.find(name, j)
    found.sort()
    return found


_CLOSER = re.compile(r"\s*(?:[})\]]|end\b)")  # a row that closes a block: the block is not over before it


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def whole_blocks(lines: list[str], first: int, prose: frozenset[int] = frozenset()) -> list[str]:
    """The window's rows up to the last one after which the code is back at the window's outer level (and not
    at a row closing a block): a block cut open (`for x in xs:` with its body beyond the window) would read as
    code that never closes it, and the pack may show the same file's closing rows after it. Rows in `prose`
    (comments, docstrings) count as blank."""
    rows = lines[first : first + WINDOW]
    if first + len(rows) >= len(lines):
        return rows  # the end of the file closes everything

    def code(k: int) -> bool:
        return bool(lines[k].strip()) and k not in prose

    base = min((_indent(lines[k]) for k in range(first, first + len(rows)) if code(k)), default=0)
    for end in range(len(rows), 0, -1):
        k = first + end  # the first row of code after the window's first `end` rows (the rest is not copied)
        while k < len(lines) and not code(k):
            k += 1
        if k == len(lines) or (_indent(lines[k]) <= base and not _CLOSER.match(lines[k])):
            return rows[:end] if any(code(k) for k in range(first, first + end)) else rows
    return rows


@dataclass(frozen=True)
class Window:
    path: str
    rows: tuple[Row, ...]
    score: float
    first: int  # the window's first row (its own rows may start later: docs are left out)


class SimilarCode:
    """Which files use which names; windows of the best files on demand."""

    def __init__(self) -> None:
        self._ids: dict[str, int] = {}  # path -> file number
        self._paths: dict[int, str] = {}
        self._names: dict[int, tuple[str, ...]] = {}  # file number -> the names it uses (to remove it again)
        self._postings: dict[str, list[int]] = {}
        self._next = 0
        self._lock = threading.Lock()
        self._prose = ProseRows()

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
        # where the query's rarest names occur (common names would only add matches) says which windows are
        # worth scoring
        rare = sorted(weights, key=lambda n: (-weights[n], n))[:RARE_NAMES]
        query_weight = sum(weights.values())
        shared: list[tuple[float, str, int]] = []  # (weight of the query names a window has, path, first row)
        texts: dict[str, list[str]] = {}
        prose: dict[str, frozenset[int]] = {}
        for path in paths:
            raw = read(path)
            if raw is None:
                continue
            texts[path] = raw.split("\n")
            docs = prose[path] = self._prose.get(path, raw, _comment_of(path))  # docs do not count, nor show
            by_window: dict[int, set[str]] = {}
            row, at = 0, 0
            for pos, name in occurrences(raw, rare):
                row, at = row + raw.count("\n", at, pos), pos
                if row in docs:
                    continue
                for first in (row - row % STRIDE - STRIDE, row - row % STRIDE):  # the two windows holding the row
                    if first >= 0 and row < first + WINDOW:
                        by_window.setdefault(first, set()).add(name)
            shared.extend((sum(weights[n] for n in names), path, first) for first, names in by_window.items())
        # the exact score divides by the names a window has beyond the query's: only the windows sharing the
        # most are worth reading whole
        shared.sort(key=lambda x: (-x[0], x[1], x[2]))
        scored = []
        for _, path, first in shared[: EXACT * k]:
            code = (t for i, t in enumerate(texts[path][first : first + WINDOW], first) if i not in prose[path])
            names = names_in("\n".join(code))
            weight = sum(w for n, w in weights.items() if n in names)
            # names the query lacks count at a small weight, so long windows of unrelated code do not win by size
            scored.append((weight / (query_weight + 0.1 * len(names - weights.keys())), path, first))
        scored.sort(key=lambda x: (-x[0], x[1], x[2]))
        chosen: list[Window] = []
        for score, path, first in scored:  # overlapping windows of one file would show the same rows twice
            if all(c.path != path or abs(c.first - first) >= WINDOW for c in chosen):
                rows = whole_blocks(texts[path], first, prose[path])
                shown = [(first + i, t[:200]) for i, t in enumerate(rows) if first + i not in prose[path]]
                while shown and not shown[-1][1].strip():
                    shown.pop()
                code = tuple(dropwhile(lambda r: not r[1].strip(), shown))
                if code:
                    chosen.append(Window(path, code, score, first))
            if len(chosen) == k:
                break
        return chosen

    def __len__(self) -> int:
        return len(self._ids)
