"""What the post-processing rules see: a candidate suggestion, and the text around the cursor it is for.

The single-line or multi-line mode is decided once, here, and carried in the context; rules read it.
"""

import re
from dataclasses import dataclass, replace

CLOSERS = ")]}"
OPENERS = "([{"
# After the cursor, only closing brackets, quotes and punctuation: the line's end for completion purposes.
_LINE_END_REST = re.compile(r"^[\s)\]}\"'`;:,.>]*$")
_LINE_COMMENTS = {
    "python": ("#",),
    "ruby": ("#",),
    "shellscript": ("#",),
    "toml": ("#",),
    "yaml": ("#",),
    "lua": ("--",),
    "sql": ("--",),
    "haskell": ("--",),
}
_DEFAULT_LINE_COMMENTS = ("//",)


@dataclass(frozen=True)
class Candidate:
    """A suggestion on its way to the editor. Empty text means it was dropped."""

    text: str
    replace: int = 0  # characters after the cursor, on the cursor line, that the text replaces
    truncated: bool = False  # generation hit a token or time cap: the last line may be cut mid-way

    def with_text(self, text: str) -> "Candidate":
        return replace(self, text=text)


@dataclass(frozen=True)
class PostContext:
    """The text around the cursor and the completion mode."""

    before: str  # document text before the cursor
    after: str  # document text after the cursor
    language: str = ""
    multiline: bool = True

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


def in_line_comment(typed: str, language: str) -> bool:
    """The cursor follows a line comment marker (crude: strings are not parsed)."""
    markers = _LINE_COMMENTS.get(language, _DEFAULT_LINE_COMMENTS)
    return any(m in typed for m in markers)


def choose_multiline(typed: str, line_rest: str, language: str) -> bool:
    """Multi-line when the cursor is at the end of its line (closing brackets and quotes aside) and not in a
    line comment; single-line in the middle of a line or in a comment."""
    return bool(_LINE_END_REST.match(line_rest)) and not in_line_comment(typed, language)


def make_context(before: str, after: str, language: str = "") -> PostContext:
    """The context for a cursor between `before` and `after`, with its mode chosen."""
    typed = before[before.rfind("\n") + 1 :]
    i = after.find("\n")
    rest = after if i < 0 else after[:i]
    return PostContext(before, after, language, choose_multiline(typed, rest, language))


def indentation(line: str) -> int:
    """Width of a line's leading whitespace, in characters."""
    return len(line) - len(line.lstrip(" \t"))
