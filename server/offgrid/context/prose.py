"""Which rows of a file are prose (comments, docstrings) rather than code, told from the text alone.

Similar-code retrieval looks for windows that use the names the cursor's code uses. A docstring that mentions
those names (`:param proxies:`) matches as well as code that calls them, but shows a small model no call to copy,
and a query taken from a docstring finds other docstrings. So retrieval scores and shows only code rows. A
heuristic is enough here: it decides what to show, never what the code means.
"""

import threading
from collections import OrderedDict

_BLOCK_COMMENT_ROWS = ("/*", "* ", "*/")  # where the line comment is `//`, block comments are prose too
_QUOTES = ('"""', "'''")
_STRING_PREFIXES = ("", "r", "b", "f", "u", "R", "B", "F", "U", "rb", "br", "Rb", "bR")


def _opens_docstring(stripped: str) -> str | None:
    """The quote a row starting with a triple-quoted string opens (`\"\"\"Text`, `r'''`)."""
    for quote in _QUOTES:
        for p in _STRING_PREFIXES:
            if stripped.startswith(p + quote):
                return quote
    return None


def prose_rows(lines: list[str], comment: str = "#") -> set[int]:
    """Rows that are only a comment (`comment` is the language's line comment marker), or part of a
    triple-quoted string that starts its row (a docstring) or spans rows."""
    comments = (comment, *_BLOCK_COMMENT_ROWS) if comment == "//" else (comment,)
    quotes = _QUOTES if comment == "#" else ()
    out: set[int] = set()
    inside: str | None = None  # the quote of a multi-row string being read
    for i, line in enumerate(lines):
        s = line.strip()
        if inside is not None:
            out.add(i)
            if inside in s:
                inside = None
            continue
        if not s:
            continue
        quote = _opens_docstring(s) if quotes else None
        if quote is not None:
            out.add(i)
            body = s[s.index(quote) + 3 :]
            if quote not in body:
                inside = quote
            continue
        if s.startswith(comments) or (s == "*" and comment == "//"):
            out.add(i)
            continue
        for quote in quotes:  # `x = """` opens a string whose rows are data, not code
            if s.count(quote) % 2 == 1:
                inside = quote
                break
    return out


def code_only(text: str, comment: str = "#") -> tuple[str, frozenset[int]]:
    """The text with its prose rows blanked (rows keep their numbers), and those rows."""
    lines = text.split("\n")
    prose = prose_rows(lines, comment)
    if not prose:
        return text, frozenset()
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
