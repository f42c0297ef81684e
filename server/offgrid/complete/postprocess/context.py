"""What the post-processing rules see: a candidate suggestion, and the text around the cursor it is for.

The context carries the single-line or multi-line mode, which offgrid.context.mode decides; rules read it.
"""

from dataclasses import dataclass, replace

from offgrid.context.mode import Mode, completion_mode

CLOSERS = ")]}"
OPENERS = "([{"


@dataclass(frozen=True)
class Candidate:
    """A suggestion on its way to the editor. Empty text means it was dropped."""

    text: str
    replace: int = 0  # characters after the cursor, on the cursor line, that the text replaces
    truncated: bool = False  # generation hit a token or time cap: the last line may be cut mid-way
    ended: bool = False  # the model ended the text itself: in a block, its end is trusted over the block rules

    def with_text(self, text: str) -> "Candidate":
        return replace(self, text=text)


@dataclass(frozen=True)
class PostContext:
    """The text around the cursor and the completion mode."""

    before: str  # document text before the cursor
    after: str  # document text after the cursor
    language: str = ""
    multiline: bool = True
    echoes: frozenset[str] = frozenset()  # lines that only the prompt's context layout has (prompt.context_echoes)

    @property
    def typed(self) -> str:
        """The cursor line up to the cursor."""
        return self.before[self.before.rfind("\n") + 1 :]

    @property
    def line_rest(self) -> str:
        """The cursor line after the cursor."""
        i = self.after.find("\n")
        return self.after if i < 0 else self.after[:i]

    def next_lines(self) -> list[str]:
        """Whole lines after the cursor line."""
        i = self.after.find("\n")
        return [] if i < 0 else self.after[i + 1 :].split("\n")

    def previous_lines(self) -> list[str]:
        """Whole lines before the cursor line, nearest last."""
        i = self.before.rfind("\n")
        return [] if i < 0 else self.before[:i].split("\n")

    def next_code_line(self) -> str | None:
        """The first non-blank line after the cursor line."""
        return next((ln for ln in self.next_lines() if ln.strip()), None)

    def previous_code_line(self) -> str | None:
        """The nearest non-blank line before the cursor line."""
        return next((ln for ln in reversed(self.previous_lines()) if ln.strip()), None)


def make_context(
    before: str, after: str, language: str = "", mode: Mode | None = None, echoes: frozenset[str] = frozenset()
) -> PostContext:
    """The context for a cursor between `before` and `after`; `mode` is the context pack's, when there is one."""
    typed = before[before.rfind("\n") + 1 :]
    i = after.find("\n")
    rest = after if i < 0 else after[:i]
    return PostContext(before, after, language, completion_mode(mode, typed, rest, language) == "multi", echoes)


def indentation(line: str) -> int:
    """Width of a line's leading whitespace, in characters."""
    return len(line) - len(line.lstrip(" \t"))
