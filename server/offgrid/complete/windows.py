"""The slices of a document that go into a prompt, chosen so ordinary typing changes only the prompt's tail.

The prefix is whole lines before the cursor line, the suffix is the rest of the cursor line and whole
lines after it, and the typed part of the cursor line is apart from both (complete/prompt.py places it). Window
edges move in steps of `step` lines, not one line at a time, so the cached prompt stays the same while
the cursor moves a little.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Windows:
    """Prompt pieces for one cursor position."""

    prefix: str  # whole lines before the cursor line, each ending in "\n"
    typed: str  # the cursor line up to the cursor
    suffix: str  # the cursor line after the cursor, "\n", then whole lines after the cursor line
    first: int = 0  # the first line the prefix shows
    last: int = 0  # the last line the suffix shows


def _floor_to(n: int, step: int) -> int:
    return n - n % step


def cut_windows(lines: list[str], line: int, column: int, prefix_lines: int, suffix_lines: int, step: int) -> Windows:
    """Cut the prompt windows around (line, column); `lines` have no line endings."""
    step = max(1, step)
    current = lines[line] if line < len(lines) else ""
    start = max(0, _floor_to(line - prefix_lines, step) if line > prefix_lines else 0)
    end = min(len(lines), _floor_to(line + 1 + suffix_lines + step - 1, step))
    prefix = "".join(f"{s}\n" for s in lines[start:line])
    after = current[column:]
    suffix = after + "".join(f"\n{s}" for s in lines[line + 1 : end])
    return Windows(prefix, current[:column], suffix, start, max(line, end - 1))


def split_lines(text: str) -> list[str]:
    """Lines without their endings (\\n, \\r\\n or \\r); an empty document has one empty line."""
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
