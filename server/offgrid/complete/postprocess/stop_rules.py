"""When to stop generating: rules checked after every token, so no time goes into text that would be cut.

A rule takes the text generated after the cursor so far and returns None to go on, or the length to cut the
text to. Each returns its earliest cut, so the same rules can also trim a finished text (see limit_scope).
"""

from collections.abc import Callable, Iterator

from offgrid.complete.postprocess.context import CLOSERS, OPENERS, PostContext, indentation
from offgrid.engine.generation import StopRule

_BLOCK_OPENERS = (":", "{", "(", "[", " do", " then", "=>")
_CLOSING_LINE = set(CLOSERS + ";,") | {" "}
_CLOSING_WORDS = {"end", "fi", "done", "esac"}


def _complete_lines(typed: str, text: str) -> Iterator[tuple[int, str]]:
    """(offset in `text` where the line starts, line) for each finished line of the cursor line + `text`.
    The cursor line's offset is -len(typed): it starts before the generated text."""
    start = -len(typed)
    whole = typed + text
    pos = 0
    while (nl := whole.find("\n", pos)) >= 0:
        yield start + pos, whole[pos:nl]
        pos = nl + 1


def _cut_before(offset: int) -> int:
    """Cut the text before a line that starts at `offset` (and the newline that ends the previous line)."""
    return max(0, offset - 1)


def single_line() -> StopRule:
    """Stop at the end of the first line (the cursor is in the middle of a line, or in a comment)."""

    def rule(text: str) -> int | None:
        i = text.find("\n")
        return i if i >= 0 else None

    return rule


def _next_code_line(ctx: PostContext) -> str | None:
    return next((ln for ln in ctx.next_lines() if ln.strip()), None)


def _is_closing_line(line: str) -> bool:
    s = line.strip()
    return bool(s) and (set(s) <= _CLOSING_LINE or s in _CLOSING_WORDS)


def leaves_block(ctx: PostContext) -> StopRule:
    """Stop before a line that leaves the block the cursor is in.

    Without a typed header that is a line indented less than both the cursor's line and the code that
    follows the cursor (text may close inner blocks down to the level the following code continues at).
    When the user has typed a block's header (`def f():`, `if (x) {`, `function f()`) and the cursor ends it,
    it is any line back at the header's level. A closing line (`}`, `end`) that the text after the cursor does
    not already have is kept, and ends the suggestion.
    """
    typed = ctx.typed
    following = _next_code_line(ctx)

    def rule(text: str) -> int | None:
        lines = [(o, ln) for o, ln in _complete_lines(typed, text) if ln.strip()]
        if not lines:
            return None
        base_offset, base = lines[0]
        indent = indentation(base)
        floor = indent if following is None else min(indent, indentation(following))
        header = bool(typed.strip()) and base_offset < 0 and len(lines) > 1
        opens = header and (base.rstrip().endswith(_BLOCK_OPENERS) or indentation(lines[1][1]) > indent)
        for offset, line in lines[1:]:
            level = indentation(line)
            leaves = level <= indent if opens else level < indent
            if not leaves:
                continue
            if _is_closing_line(line):
                if following is None or following.strip() != line.strip():
                    return offset + len(line)
                return _cut_before(offset)
            if opens or level < floor:
                return _cut_before(offset)
        return None

    return rule


def _bracket_depth(text: str) -> int:
    """Open brackets minus closed ones (strings are not parsed: a heuristic)."""
    return sum(text.count(c) for c in OPENERS) - sum(text.count(c) for c in CLOSERS)


def blank_after_statement(ctx: PostContext) -> StopRule:
    """Stop at a blank line that follows some code when no bracket opened in the suggestion is still open."""
    typed = ctx.typed

    def rule(text: str) -> int | None:
        seen_code = False
        for offset, line in _complete_lines(typed, text):
            if line.strip():
                seen_code = seen_code or offset + len(line) > 0
            elif seen_code and _bracket_depth(typed + text[: max(0, offset)]) <= 0:
                return _cut_before(offset)
        return None

    return rule


def repeats_suffix(ctx: PostContext) -> StopRule:
    """Stop before a line identical to the next code line after the cursor: the model has reached the text
    that already follows."""
    typed = ctx.typed
    target = _next_code_line(ctx)
    target = target.rstrip() if target is not None else None

    def rule(text: str) -> int | None:
        if not target:
            return None
        for offset, line in _complete_lines(typed, text):
            if line.rstrip() == target and (offset >= 0 or not typed.strip()):
                return _cut_before(max(offset, 0)) if offset > 0 else 0
        return None

    return rule


def earliest(*rules: StopRule) -> StopRule:
    """The earliest cut any of the rules asks for."""

    def rule(text: str) -> int | None:
        cuts = [c for r in rules if (c := r(text)) is not None]
        return min(cuts) if cuts else None

    return rule


StopRules = Callable[[PostContext], StopRule]
MULTILINE_RULES: tuple[StopRules, ...] = (repeats_suffix, leaves_block, blank_after_statement)


def stop_rule(ctx: PostContext) -> StopRule:
    """The streaming rule for a context: one line in single-line mode, else the end of the block."""
    if not ctx.multiline:
        return single_line()
    return earliest(*(make(ctx) for make in MULTILINE_RULES))
