"""The generated text as the lines stop rules read, and the two ways rules combine (earliest cut, soft cut).

A rule takes the text generated after the cursor so far and returns None to go on, or the length to cut the
text to. Each returns its earliest cut, so the same rules can also trim a finished text (see limit_scope).
"""

from collections.abc import Iterator

from offgrid.complete.postprocess.context import CLOSERS
from offgrid.engine.generation import SoftCut, StopRule

_CLOSING_LINE = set(CLOSERS + ";,") | {" "}
CLOSING_WORDS = {"end", "fi", "done", "esac"}


def complete_lines(typed: str, text: str) -> Iterator[tuple[int, str]]:
    """(offset in `text` where the line starts, line) for each finished line of the cursor line + `text`.
    The cursor line's offset is -len(typed): it starts before the generated text."""
    start = -len(typed)
    whole = typed + text
    pos = 0
    while (nl := whole.find("\n", pos)) >= 0:
        yield start + pos, whole[pos:nl]
        pos = nl + 1


def cut_before(offset: int) -> int:
    """Cut the text before a line that starts at `offset` (and the newline that ends the previous line)."""
    return max(0, offset - 1)


def is_closing_line(line: str) -> bool:
    s = line.strip()
    return bool(s) and (set(s) <= _CLOSING_LINE or s in CLOSING_WORDS)


def earliest(*rules: StopRule) -> StopRule:
    """The earliest cut any of the rules asks for (a firm one where a soft one is as early)."""

    def rule(text: str) -> int | None:
        cuts = [c for r in rules if (c := r(text)) is not None]
        return min(cuts, key=lambda c: (int(c), isinstance(c, SoftCut))) if cuts else None

    return rule


def soft(rule: StopRule) -> StopRule:
    """The rule's cuts as guesses a model that ends the text itself may overrule (engine HeldStop)."""

    def guess(text: str) -> int | None:
        cut = rule(text)
        return None if cut is None else SoftCut(cut)

    return guess
