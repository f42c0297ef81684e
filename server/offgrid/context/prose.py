"""Which rows of a file are prose (comments, docstrings) rather than code, told from the text alone.

Similar-code retrieval looks for windows that use the names the cursor's code uses. A docstring that mentions
those names (`:param proxies:`) matches as well as code that calls them, but shows a small model no call to copy,
and a query taken from a docstring finds other docstrings. So retrieval scores and shows only code rows. A
heuristic is enough here: it decides what to show, never what the code means.
"""

import re
import threading
from collections import OrderedDict
from functools import lru_cache

from offgrid.context.languages import BLOCK_COMMENT_ROWS, DEFAULT_COMMENT

_QUOTES = ('"""', "'''")
_STRING_PREFIX = re.compile(r"[ \t]*[rRbBfFuU]{0,2}$")  # what may stand before a string that starts its row


@lru_cache(maxsize=8)
def _comment_rows(comment: str) -> re.Pattern[str]:
    """A row (after its newline) that holds only a comment. A literal newline to start from lets the search
    skip ahead at C speed, where `^` with MULTILINE tries every character."""
    c_like = comment == DEFAULT_COMMENT  # where the line comment is `//`, /* */ block comments are prose too
    markers = [re.escape(m) for m in ((comment, *BLOCK_COMMENT_ROWS) if c_like else (comment,))]
    if c_like:
        markers.append(r"\*(?=[ \t]*(?:\n|\Z))")  # a lone `*` inside a block comment
    return re.compile(rf"\n[ \t]*(?:{'|'.join(markers)})")


def prose_rows(text: str, comment: str = "#") -> set[int]:
    """Rows that are only a comment (`comment` is the language's line comment marker), or part of a
    triple-quoted string that starts its row (a docstring) or spans rows. Found by searching, not by a loop
    over rows: files of thousands of rows are scanned when a pack is built."""
    out: set[int] = set()
    row, at = 0, 0
    for m in _comment_rows(comment).finditer("\n" + text):  # the newline in front finds a comment on row 0
        row, at = row + text.count("\n", at, m.start()), m.start()
        out.add(row)
    if comment == "#":
        _docstring_rows(text, out)
    return out


def _docstring_rows(text: str, out: set[int]) -> None:
    """Add the rows of triple-quoted strings: all of a docstring's, the rows after `x = \"\"\"`'s first."""
    nxt = {q: text.find(q) for q in _QUOTES}  # where each quote next occurs (found once, not on every string)
    row, at, pos = 0, 0, 0
    while True:
        for q in _QUOTES:
            if 0 <= nxt[q] < pos:
                nxt[q] = text.find(q, pos)
        found = [(i, q) for q, i in nxt.items() if i >= 0]
        if not found:
            return
        start, quote = min(found)
        close = text.find(quote, start + 3)
        end = len(text) if close == -1 else close + 3
        row, at = row + text.count("\n", at, start), start
        last = row + text.count("\n", start, end)
        line_start = text.rfind("\n", 0, start) + 1
        docstring = _STRING_PREFIX.match(text, line_start, start) is not None
        out.update(range(row if docstring else row + 1, last + 1))
        pos = end


class ProseRows:
    """prose_rows() of the last few files read: the same few files come back pack after pack."""

    def __init__(self, size: int = 16) -> None:
        self.size = size
        self._done: OrderedDict[str, tuple[str, frozenset[int]]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, path: str, text: str, comment: str) -> frozenset[int]:
        with self._lock:
            cached = self._done.get(path)
        if cached is not None and (cached[0] is text or cached[0] == text):
            return cached[1]
        result = frozenset(prose_rows(text, comment))
        with self._lock:
            self._done[path] = (text, result)
            self._done.move_to_end(path)
            while len(self._done) > self.size:
                self._done.popitem(last=False)
        return result
