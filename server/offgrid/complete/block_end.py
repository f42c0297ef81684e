"""Where a block the suggestion writes ends, guessed from its structure and the code around the cursor: the
multi-line rules, each a soft cut (a model seen to end its text itself may overrule them)."""

import difflib
import re
from collections.abc import Callable

from offgrid.complete.postprocess.context import CLOSERS, OPENERS, PostContext, indentation
from offgrid.complete.stop_text import complete_lines, cut_before, is_closing_line
from offgrid.context.languages import INDENTING_OPENERS, line_comment
from offgrid.engine.generation import StopRule

_LOOKAHEAD_LINES = 3
_DISTINCTIVE_CHARS = 10
_SIMILAR = 0.75  # difflib ratio above which a line is a rewrite of another


def leaves_block(ctx: PostContext) -> StopRule:
    """Stop before a line that leaves the block the cursor is in.

    Without a typed header that is a line indented less than both the cursor's line and the code that
    follows the cursor (text may close inner blocks down to the level the following code continues at; at
    the end of the file, down to the top-level definition's body).
    When the user has typed a block's header (`def f():`, `if (x) {`, `function f()`) and the cursor ends it,
    it is any line back at the header's level. A closing line (`}`, `end`) that the text after the cursor does
    not already have is kept, and ends the suggestion.
    """
    typed = ctx.typed
    following = ctx.next_code_line()

    def rule(text: str) -> int | None:
        lines = [(o, ln) for o, ln in complete_lines(typed, text) if ln.strip()]
        if not lines:
            return None
        base_offset, base = lines[0]
        indent = indentation(base)
        # at the end of the file nothing constrains the level: stay inside the top-level definition
        floor = min(indent, 1) if following is None else min(indent, indentation(following))
        header = bool(typed.strip()) and base_offset < 0 and len(lines) > 1
        opens = header and (base.rstrip().endswith(INDENTING_OPENERS) or indentation(lines[1][1]) > indent)
        for offset, line in lines[1:]:
            level = indentation(line)
            leaves = level <= indent if opens else level < indent
            if not leaves:
                continue
            if is_closing_line(line):
                if following is None or following.strip() != line.strip():
                    return offset + len(line)
                return cut_before(offset)
            if opens and not (_continues(line) and _heads_following(line, level, following)):
                return cut_before(offset)  # (`elif` at the header's level heading the code below goes on)
            if opens:
                continue
            if level < floor and not _goes_on(line, level, following):
                return cut_before(offset)
        return None

    return rule


# clauses that go on with the statement the block belongs to (`elif` after an `if` body), not new code
_CONTINUATIONS = ("elif", "else", "except", "finally", "} else", "} catch", "} finally", "case ", "default:")
_INDENT_STEP = 4  # at most this much deeper is the next level (a tab, two or four spaces)


def _continues(line: str) -> bool:
    return line.strip().startswith(_CONTINUATIONS)


def _heads_following(line: str, level: int, following: str | None) -> bool:
    """`line` opens a block whose body is the code after the cursor (`if val < 0:` above `return False`)."""
    return (
        following is not None
        and not _continues(following)
        and line.rstrip().endswith(INDENTING_OPENERS)
        and 0 < indentation(following) - level <= _INDENT_STEP
    )


def _goes_on(line: str, level: int, following: str | None) -> bool:
    """A line below the cursor's block that does not leave the code the cursor is in: a clause that goes on
    with the statement (`else:` after an `if` body, HumanEval 119 and 81 with the 1.5B model, which the plain
    prompt gets right), or the header of the block the code after the cursor is the body of (opens_following
    ends the suggestion after it)."""
    return _continues(line) or _heads_following(line, level, following)


# `s_list = []`, `total: int = 0`, `let n = 0;`, `n := 0`: a name given a value (not `==`, `<=`, `+=`)
_ASSIGNMENT = re.compile(r"^(?:(?:let|const|var|auto)\s+)?[A-Za-z_][\w.]*(?:\s*:\s*[^=]+)?\s*:?=(?!=)")


def _sets_up(line: str) -> bool:
    """An assignment that prepares what follows (`s_list = []` before the loop that fills it), not a jump that
    makes the code below dead, a call or clause that competes with it, or a block header."""
    s = line.strip()
    return bool(_ASSIGNMENT.match(s)) and not s.endswith(INDENTING_OPENERS)


def fills_the_gap(ctx: PostContext) -> StopRule:
    """On a blank line above code that goes on at a shallower level (the end of an inner block), stop before a
    line back at that level: the code after the cursor already goes on there, and what the model writes at that
    level competes with it (HumanEval: `return y`, then an invented `return -1` above the function's real rest).
    One assignment there may set up the code below (HumanEval 101 with the 1.5B: `return []` ends the
    `if`, then `s_list = []` before the loop that fills it); a second line at that level is cut. Where the code
    below is a clause (`elif gpa > 0.7:`), the clauses of its chain before it may come (HumanEval 81).
    """
    typed = ctx.typed
    following = ctx.next_code_line()

    def rule(text: str) -> int | None:
        if typed.strip() or following is None:
            return None
        level = indentation(following)
        lines = [(o, ln) for o, ln in complete_lines(typed, text) if ln.strip()]
        if not lines or indentation(lines[0][1]) <= level:
            return None
        set_up = False
        chain = _continues(following)  # the code below is a clause itself: earlier clauses of its chain may come
        for offset, line in lines[1:]:
            if indentation(line) > level or (chain and indentation(line) == level and _continues(line)):
                continue
            if set_up or indentation(line) < level or not _sets_up(line):
                return cut_before(offset)
            set_up = True
        return None

    return rule


def _bracket_depth(text: str) -> int:
    """Open brackets minus closed ones (strings are not parsed: a heuristic)."""
    return sum(text.count(c) for c in OPENERS) - sum(text.count(c) for c in CLOSERS)


def blank_after_statement(ctx: PostContext) -> StopRule:
    """At the top level, stop at a blank line that follows some code when no bracket opened in the suggestion
    is still open. Inside a block a blank line only separates steps; the other rules bound it."""
    typed = ctx.typed

    def rule(text: str) -> int | None:
        seen_code = False
        for offset, line in complete_lines(typed, text):
            if line.strip():
                if not seen_code and indentation(line) > 0:
                    return None
                seen_code = seen_code or offset + len(line) > 0
            elif seen_code and _bracket_depth(typed + text[: max(0, offset)]) <= 0:
                return cut_before(offset)
        return None

    return rule


def _targets(ctx: PostContext) -> list[str]:
    """The next code lines after the cursor a suggestion must not write again: the first one whatever it is,
    the two after it when distinctive enough that writing them means the model skipped ahead."""
    code = [ln.rstrip() for ln in ctx.next_lines()[:32] if ln.strip()][:_LOOKAHEAD_LINES]
    return code[:1] + [ln for ln in code[1:] if len(ln.strip()) >= _DISTINCTIVE_CHARS]


def _rewrites(line: str, target: str) -> bool:
    """`line` is a variation of `target`: same indentation and first word, and mostly the same text. Clauses of
    one chain (`elif gpa > 1.7:` above `elif gpa > 0.7:`) are alike by nature, not rewrites."""
    a, b = line.strip(), target.strip()
    if indentation(line) != indentation(target) or len(a) < _DISTINCTIVE_CHARS or a.split()[0] != b.split()[0]:
        return False
    if _continues(line) and _continues(target):
        return False
    return difflib.SequenceMatcher(None, a, b).ratio() >= _SIMILAR


def _without_comment(line: str, marker: str) -> str:
    """The line's code before a trailing line comment (crude: strings are not parsed)."""
    i = line.find(f" {marker}")
    return line[:i].rstrip() if i > 0 and line[:i].strip() else line.rstrip()


def repeats_suffix(ctx: PostContext) -> StopRule:
    """Stop before a line identical (indentation included, a trailing comment aside) to the next code line after
    the cursor, or, after the suggestion's first line, to one of the two after it or a variation of the very
    next one: the model has reached the text that already follows. (A first line equal to a line further down
    is often just repeated code, `return 'No'` in a chain of checks, not a skip ahead.)"""
    typed = ctx.typed
    marker = line_comment(ctx.language)
    targets = [_without_comment(t, marker) for t in _targets(ctx)]

    def rule(text: str) -> int | None:
        if not targets:
            return None
        later = False  # past the suggestion's first line (the typed line counts when text was written on it)
        for offset, line in complete_lines(typed, text):
            if offset < 0 and typed.strip():
                later = offset + len(line) > 0  # the user's own line; a first newline leaves it as typed
                continue
            code = _without_comment(line, marker)
            if code == targets[0] or (later and (code in targets or _rewrites(line, targets[0]))):
                return cut_before(offset) if offset > 0 else 0
            later = True
        return None

    return rule


def opens_following(ctx: PostContext) -> StopRule:
    """Stop after a line that opens a block when the code after the cursor is indented deeper than that line:
    the block's body is already in the document (`for c in s:` written above its existing body). A clause that
    goes on with a statement (`else:`) after a deeper block of the suggestion is followed by its own body as
    often: it ends the suggestion only when the line after it is not deeper."""
    typed = ctx.typed
    following = ctx.next_code_line()

    def rule(text: str) -> int | None:
        if following is None or _continues(following):  # `elif ...:` below is no header's body: an `if` is due
            return None
        lines = [(o, ln) for o, ln in complete_lines(typed, text) if ln.strip()]
        for k, (offset, line) in enumerate(lines):
            if offset + len(line) <= 0:  # nothing generated on it yet
                continue
            # (two levels deeper, the code below still needs a header between: not this one, HumanEval 147)
            if not _heads_following(line, indentation(line), following):
                continue
            # a clause may write its own body (HumanEval 119: `else:` after the `if` body, then the header of the
            # code below); first in the suggestion, whether the code below is its body is known only at the end
            # (clause_left_open)
            if not _continues(line):
                return offset + len(line)
            if k + 1 < len(lines) and indentation(lines[k + 1][1]) <= indentation(line):
                return offset + len(line)
        return None

    return rule


def clause_left_open(ctx: PostContext, text: str) -> int | None:
    """For a finished suggestion: one that starts with a clause whose body could be the code below (`elif x:`
    above deeper code) and does not end with the header of a later clause or block for that code is cut after
    its first line: the code below is that clause's body (HumanEval 132: `elif string[i] == ']':` above
    `cnt -= 1`). An `elif` ladder that ends with the header whose body follows is kept whole (81)."""
    following = ctx.next_code_line()
    if following is None or ctx.typed.strip():
        return None
    lines = [(o, ln) for o, ln in complete_lines(ctx.typed, text + "\n") if ln.strip()]
    if len(lines) < 2:
        return None
    first = lines[0][1]
    if not (_continues(first) and _heads_following(first, indentation(first), following)):
        return None
    last = lines[-1][1]
    if indentation(last) == indentation(first) and last.rstrip().endswith(INDENTING_OPENERS):
        return None
    return lines[0][0] + len(first)


StopRules = Callable[[PostContext], StopRule]
MULTILINE_RULES: tuple[StopRules, ...] = (
    repeats_suffix,
    leaves_block,
    fills_the_gap,
    blank_after_statement,
    opens_following,
)
