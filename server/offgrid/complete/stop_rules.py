"""When to stop generating: rules checked after every token, so no time goes into text that would be cut."""

from offgrid.engine.generation import StopRule


def single_line() -> StopRule:
    """Stop at the end of the first line (used when the cursor is in the middle of a line)."""

    def rule(text: str) -> int | None:
        i = text.find("\n")
        return i if i >= 0 else None

    return rule


def end_of_block(indent: int) -> StopRule:
    """Multi-line: stop before a later line that is indented less than the cursor line (the block ended),
    or at a blank line after some code."""

    def rule(text: str) -> int | None:
        lines = text.split("\n")
        pos = len(lines[0]) + 1
        for ln in lines[1:-1]:  # only complete lines: the last one may still grow
            stripped = ln.strip()
            if not stripped:
                return pos - 1
            if len(ln) - len(ln.lstrip()) < indent:
                return pos - 1
            pos += len(ln) + 1
        return None

    return rule


def indentation(line: str) -> int:
    """Width of a line's leading whitespace, in characters."""
    return len(line) - len(line.lstrip(" \t"))
