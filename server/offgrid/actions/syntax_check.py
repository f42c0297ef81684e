"""Whether code parses: tree-sitter through offgrid.context.syntax where it knows the language, else Python's own
parser for Python; None when nothing can tell."""

import ast

from offgrid.errors import ActionRefused

try:
    from offgrid.context import syntax as _syntax
except ImportError:  # the tree-sitter context layer is not there yet
    _syntax = None  # type: ignore[assignment]


def error_count(text: str, language: str) -> int | None:
    """Syntax errors in `text`, or None when no parser for `language` is available."""
    if _syntax is not None:
        tree = _syntax.parse(text, language)
        if tree is not None:
            return _syntax.error_count(tree)
    if language == "python":
        try:
            ast.parse(text)
        except (SyntaxError, ValueError):
            return 1
        return 0
    return None


def check_still_parses(before: str, after: str, language: str) -> None:
    """Refuse an edit that adds syntax errors: the result must parse wherever the original did."""
    old = error_count(before, language)
    if old is None:
        return
    new = error_count(after, language)
    if new is not None and new > old:
        raise ActionRefused("the model's code does not parse, so it was not applied")
