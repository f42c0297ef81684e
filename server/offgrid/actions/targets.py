"""What an action works on: whole lines of a selection, the function or class at the cursor, the lines of a
diagnostic. Offsets are code points into the document text."""

import ast
import bisect
import re
from dataclasses import dataclass

from offgrid.actions.edit import leading_space

_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def line_starts(text: str) -> list[int]:
    """Offsets where each line begins (LSP's line breaks)."""
    return [0] + [m.end() for m in _LINE_BREAK.finditer(text)]


@dataclass(frozen=True)
class Definition:
    """A function or class: `start`..`end` covers its lines (decorators excluded); its body begins at
    `body_start` (after the docstring when it has one: `doc_end`)."""

    start: int
    end: int
    body_start: int
    doc_end: int
    indent: str
    body_indent: str
    is_class: bool
    has_docstring: bool
    body_is_empty: bool  # only `pass`, `...` and a docstring


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


def definition_at(text: str, language: str, offset: int) -> Definition | None:
    """The innermost function or class around `offset` whose body starts on its own line; Python only for now
    (None elsewhere, and where the file does not parse)."""
    if language != "python":
        return None
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return None
    line = line_of(text, offset) + 1
    best: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | None = None
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            end = node.end_lineno or node.lineno
            if node.lineno <= line <= end and (best is None or node.lineno >= best.lineno):
                best = node
    if best is None or best.body[0].lineno == best.lineno:
        return None
    return _python_definition(text, best)


def _python_definition(text: str, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> Definition:
    starts = line_starts(text)

    def at(lineno: int) -> int:  # offset of 1-based line `lineno`, or the end of the text past the last line
        return starts[lineno - 1] if lineno - 1 < len(starts) else len(text)

    first = node.body[0]
    doc = isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str)
    after_doc = node.body[1:] if doc else node.body
    empty = all(
        isinstance(s, ast.Pass) or (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant)) for s in after_doc
    )
    body_start = at(first.lineno)
    end_line = node.end_lineno or node.lineno
    return Definition(
        start=at(node.lineno),
        end=at(end_line + 1),
        body_start=body_start,
        doc_end=at((first.end_lineno or first.lineno) + 1) if doc else body_start,
        indent=leading_space(text[at(node.lineno) :]),
        body_indent=leading_space(text[body_start:]),
        is_class=isinstance(node, ast.ClassDef),
        has_docstring=doc,
        body_is_empty=empty,
    )
