"""Which rows of a file are prose (comments, docstrings) rather than code, told from the text alone.

Similar-code retrieval looks for windows that use the names the cursor's code uses. A docstring that mentions
those names (`:param proxies:`) matches as well as code that calls them, but shows a small model no call to copy,
and a query taken from a docstring finds other docstrings. So retrieval scores and shows only code rows. A
heuristic is enough here: it decides what to show, never what the code means.
"""

import re
import threading
from bisect import bisect_right
from collections import OrderedDict

_BLOCK_COMMENT_ROWS = ("/*", "* ", "*/", "*")  # where the line comment is `//`, block comments are prose too
_TRIPLE = re.compile(r'"""|\'\'\'')
_STRING_PREFIX = re.compile(r"[ \t]*[rRbBfFuU]{0,2}$")  # what may stand before a string that starts its row


def _comment_rows(comment: str) -> re.Pattern[str]:
    markers = (comment, *_BLOCK_COMMENT_ROWS) if comment == "//" else (comment,)
    alternatives = "|".join(re.escape(m) + ("$" if m == "*" else "") for m in markers)
    return re.compile(rf"^[ \t]*(?:{alternatives})", re.MULTILINE)


def prose_rows(text: str, comment: str = "#") -> set[int]:
    """Rows that are only a comment (`comment` is the language's line comment marker), or part of a
    triple-quoted string that starts its row (a docstring) or spans rows. Regular expressions find them:
    files of thousands of rows are scanned on every pack."""
    starts = [0] + [m.end() for m in re.finditer("\n", text)]
    out = {bisect_right(starts, m.start()) - 1 for m in _comment_rows(comment).finditer(text)}
    if comment != "#":
        return out
    at = 0
    while (m := _TRIPLE.search(text, at)) is not None:
        close = text.find(m.group(), m.end())
        end = len(text) if close == -1 else close + 3
        first, last = bisect_right(starts, m.start()) - 1, bisect_right(starts, end - 1) - 1
        if _STRING_PREFIX.match(text, starts[first], m.start()):
            out.update(range(first, last + 1))  # a docstring: all its rows
        else:
            out.update(range(first + 1, last + 1))  # `x = """`: the rows after the code that opens it
        at = end
    return out


def code_only(text: str, comment: str = "#") -> tuple[str, frozenset[int]]:
    """The text with its prose rows blanked (rows keep their numbers), and those rows."""
    prose = prose_rows(text, comment)
    if not prose:
        return text, frozenset()
    lines = text.split("\n")
    return "\n".join("" if i in prose else t for i, t in enumerate(lines)), frozenset(prose)


class CodeTexts:
    """code_only() of the last few files read: the same few files come back pack after pack."""

    def __init__(self, size: int = 16) -> None:
        self.size = size
        self._done: OrderedDict[str, tuple[str, tuple[str, frozenset[int]]]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, path: str, text: str, comment: str) -> tuple[str, frozenset[int]]:
        with self._lock:
            cached = self._done.get(path)
        if cached is not None and (cached[0] is text or cached[0] == text):
            return cached[1]
        result = code_only(text, comment)
        with self._lock:
            self._done[path] = (text, result)
            self._done.move_to_end(path)
            while len(self._done) > self.size:
                self._done.popitem(last=False)
        return result
