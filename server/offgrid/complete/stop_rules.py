"""When to stop generating: rules checked after every token, so no time goes into text that would be cut.
One line mid-line or in a comment, else the end of the block (block_end.py); never into the context's layout or
the file's top level (firm_cuts.py). The text as lines, and how rules combine: stop_text.py.
"""

from dataclasses import replace

from offgrid.complete.block_end import MULTILINE_RULES
from offgrid.complete.firm_cuts import echoes_context, firm_cuts
from offgrid.complete.postprocess.context import CLOSERS, OPENERS, PostContext, indentation
from offgrid.complete.stop_text import earliest, soft
from offgrid.context.languages import in_line_comment
from offgrid.engine.generation import SoftCut, StopRule

MAX_OPEN_LINES = 8  # lines a single-line suggestion may run on while a bracket it opened is open


def bracket_depth(text: str) -> int:
    """Brackets opened and not closed in `text`, outside quotes (crude: a quote ends at its line's end)."""
    depth, quote = 0, ""
    for ch in text:
        if ch == "\n":
            quote = ""
        elif quote:
            quote = "" if ch == quote else quote
        elif ch in "\"'`":
            quote = ch
        elif ch in OPENERS:
            depth += 1
        elif ch in CLOSERS:
            depth -= 1
    return depth


def single_line(typed: str = "", rest: str = "") -> StopRule:
    """Stop at the end of the first line (the cursor is in the middle of a line, or in a comment); but a call
    or literal left open there (`st.times(` then its arguments one per line, as formatters write them) runs on
    to the line that closes it, up to MAX_OPEN_LINES lines. `typed` and `rest` are the cursor line's text
    before and after the cursor, whose brackets count too."""

    def rule(text: str) -> int | None:
        start = 0
        for _ in range(MAX_OPEN_LINES):
            i = text.find("\n", start)
            if i < 0:
                return None
            if bracket_depth(typed + text[:i] + rest) <= 0:
                return i
            start = i + 1
        return start - 1

    return rule


def _block(ctx: PostContext) -> StopRule:
    """The end of the block, guessed from its structure (soft cuts), and never into the context's layout or the
    file's top level (firm_cuts)."""
    return earliest(firm_cuts(ctx), *(soft(make(ctx)) for make in MULTILINE_RULES))


def stop_rule(ctx: PostContext) -> StopRule:
    """The streaming rule for a context: one line in single-line mode, else the end of the block; in both, not
    into the context's layout. Mid-line, the line's end is a soft cut (a guess, like a block's end). At the end of
    a typed line, a model that starts with a newline says the line is done and goes on below: the block's rules
    apply then, not an empty one-line answer (HumanEval random spans with the 1.5B, which the plain prompt gets
    right). Mid-line, a newline first is held until the line below it is written: kept only if the model ends
    there."""
    if ctx.multiline:
        return _block(ctx)
    if in_line_comment(ctx.typed, ctx.language):
        return earliest(single_line(), echoes_context(ctx))
    line = single_line(ctx.typed, ctx.line_rest)
    if ctx.line_rest.strip():
        # mid-line, the line's end is a guess too: a model that ends its text itself within the grace meant more
        # lines (HumanEval random spans with the 1.5B, whose middles run on past the cursor's line). At the end of
        # a typed line it is not: the 0.5B, before it is known not to end, wrote `a + b`, then `print(...)`.
        def line_below(text: str) -> int | None:
            # a newline first breaks the line at the cursor: the line the model writes below is held too, not cut
            # at once, so a model that ends there is heard (HumanEval random spans: `enumerate(l):` + `\n        `
            # before `for j in ...`); one that goes on gets nothing, as before: cut after that line, the rest of
            # the cursor's line would be glued to it (`for i in range(n):arr[i] != ...`)
            if not text.startswith("\n"):
                return line(text)
            return None if line(text[1:]) is None else 0

        return earliest(soft(line_below), firm_cuts(ctx))
    one = earliest(line, firm_cuts(ctx))
    block = _block(replace(ctx, multiline=True))
    bodies: dict[str, StopRule] = {}  # the header's line -> the block rules below it (built once, not per token)

    def rule(text: str) -> int | None:
        if text.startswith("\n"):
            return block(text)
        cut = one(text)
        if cut is None or not _opens_empty_block(ctx, text[:cut]):
            return cut
        # the line the model finished is a header (`for n in numbers` + `[:-1]:`) with no body below it yet:
        # a body is asked for, as at the end of a typed header (the mode), under the block's rules from there
        if (body := bodies.get(text[:cut])) is None:
            body = bodies[text[:cut]] = _block(replace(ctx, before=ctx.before + text[:cut], multiline=True))
        below = body(text[cut:])
        if below is None:
            return None
        return SoftCut(cut + below) if isinstance(below, SoftCut) else cut + below

    return rule


HEADER_ENDS = (":", " do", " then")  # a `{` left open is the bracket rule's (single_line runs on to its close)


def _opens_empty_block(ctx: PostContext, first: str) -> bool:
    """The typed line, finished with the suggestion's first line, opens a block whose body is not written yet."""
    header = (ctx.typed + first).rstrip()
    if not header.endswith(HEADER_ENDS) or in_line_comment(ctx.typed + first, ctx.language):
        return False
    below = ctx.next_code_line()
    return below is None or indentation(below) <= indentation(ctx.typed)
