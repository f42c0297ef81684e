"""Turning the model's code into an edit: indentation of the surroundings, and only the lines that changed."""

import re
import textwrap

from offgrid.actions.request import TextEdit
from offgrid.actions.syntax_check import check_still_parses
from offgrid.errors import ActionRefused

_LEADING = re.compile(r"^[ \t]*")


def leading_space(line: str) -> str:
    """The indentation of a line."""
    m = _LEADING.match(line)
    return m.group(0) if m else ""


def reindent(code: str, indent: str) -> str:
    """`code` with its common indentation replaced by `indent` (blank lines stay empty). Tabs in the document's
    indentation make the model's four-space steps tabs too."""
    lines = textwrap.dedent(code.expandtabs(4)).split("\n")
    out = []
    for line in lines:
        if not line.strip():
            out.append("")
            continue
        body = line.lstrip(" ")
        steps = len(line) - len(body)
        step = "\t" * (steps // 4) + " " * (steps % 4) if "\t" in indent else " " * steps
        out.append(indent + step + body)
    return "\n".join(out)


def minimal_edit(text: str, start: int, end: int, new: str) -> TextEdit | None:
    """The edit replacing text[start:end] by `new`, trimmed to the lines that differ; None when nothing does."""
    old = text[start:end]
    if old == new:
        return None
    a, b = old.splitlines(keepends=True), new.splitlines(keepends=True)
    i = 0
    while i < min(len(a), len(b)) and a[i] == b[i]:
        i += 1
    j = 0
    while j < min(len(a), len(b)) - i and a[-1 - j] == b[-1 - j]:
        j += 1
    head = sum(len(line) for line in a[:i])
    tail = sum(len(line) for line in a[len(a) - j :])
    return TextEdit(start + head, end - tail, "".join(b[i : len(b) - j]))


def checked_edit(text: str, start: int, end: int, new: str, language: str, unchanged: str) -> TextEdit:
    """The minimal edit putting `new` in place of text[start:end], refused when the result parses worse than
    the original or when nothing changes (`unchanged` says so to the user)."""
    check_still_parses(text, text[:start] + new + text[end:], language)
    edit = minimal_edit(text, start, end, new)
    if edit is None:
        raise ActionRefused(unchanged)
    return edit
