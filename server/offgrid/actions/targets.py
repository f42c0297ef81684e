"""Lines an action works on: the whole lines of a selection, a range of lines. Offsets are code points."""

import bisect
import re
from dataclasses import dataclass

from offgrid.actions.edit import leading_space

_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def line_starts(text: str) -> list[int]:
    """Offsets where each line begins (LSP's line breaks)."""
    return [0] + [m.end() for m in _LINE_BREAK.finditer(text)]


@dataclass(frozen=True)
class Lines:
    """Whole lines start..end (end after the last line's break, or at the end of the text)."""

    start: int
    end: int
    first_line: int
    indent: str


def line_range(text: str, first: int, last: int) -> Lines:
    """Lines first..last (0-based, inclusive, clamped)."""
    starts = line_starts(text)
    first = max(0, min(first, len(starts) - 1))
    last = max(first, min(last, len(starts) - 1))
    end = starts[last + 1] if last + 1 < len(starts) else len(text)
    return Lines(starts[first], end, first, leading_space(text[starts[first] : end]))


def line_of(text: str, offset: int) -> int:
    """The 0-based line holding `offset`."""
    return bisect.bisect_right(line_starts(text), offset) - 1


def selected_lines(text: str, start: int, end: int) -> Lines | None:
    """The whole lines a multi-line selection covers (a selection ending at column 0 leaves that line out);
    None for a selection inside one line."""
    first, last = line_of(text, start), line_of(text, end)
    if end > start and last > first and text[end - 1] == "\n":
        last, end = last - 1, end - 1
    if last == first and not _covers_line(text, start, end):
        return None
    return line_range(text, first, last)


def _covers_line(text: str, start: int, end: int) -> bool:
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    return not text[line_start:start].strip() and not text[end:line_end].strip()
