"""Whether code parses, by tree-sitter (offgrid.context.syntax); unknown where no grammar covers the language."""

from offgrid.context import syntax
from offgrid.errors import ActionRefused


def error_count(text: str, language: str) -> int | None:
    """Syntax errors in `text`, or None when no grammar for `language` is available."""
    tree = syntax.parse(text, language)
    return None if tree is None else syntax.error_count(tree)


def check_still_parses(before: str, after: str, language: str) -> None:
    """Refuse an edit that adds syntax errors: the result must parse wherever the original did."""
    old = error_count(before, language)
    if old is None:
        return
    new = error_count(after, language)
    if new is not None and new > old:
        raise ActionRefused("the model's code does not parse, so it was not applied")
