"""Drop suggestions with nothing to show."""

from offgrid.complete.postprocess.context import Candidate, PostContext, indentation
from offgrid.context.languages import INDENTING_OPENERS

_STEPS = {" ": (2, 4), "\t": (1,)}  # one level deeper, by the indentation's character


def _lays_out(text: str, ctx: PostContext) -> bool:
    """Accepted, the whitespace puts the code after the cursor at the indentation of the code line above or
    below it, or one level inside the line above where that opens a block, in the same characters: a level the
    file has. (Any other whitespace is a model that lost its way: invisible ghost text that Tab would accept.)"""
    if "\n" in text:  # a line break: the code after the cursor starts a line of its own below the cursor's
        nl = text.rindex("\n")
        head = ctx.typed + text[:nl]
        above, ws = head[head.rfind("\n") + 1 :], text[nl + 1 :]
    else:  # indentation: the cursor is in the line's own indentation
        above, ws = ctx.previous_code_line() or "", ctx.typed + text
    ws += ctx.line_rest[: indentation(ctx.line_rest)]
    if len(set(ws)) != 1:  # one character throughout, or it is no level of any file
        return False
    below = ctx.next_code_line() or ""
    levels = {indentation(ln) for ln in (above, below) if ln.strip() and set(ln[: indentation(ln)]) <= set(ws)}
    if above.rstrip().endswith(INDENTING_OPENERS) and set(above[: indentation(above)]) <= set(ws):
        levels |= {indentation(above) + step for step in _STEPS.get(ws[0], ())}
    return len(ws) in levels


def drop_blank(candidate: Candidate, ctx: PostContext) -> Candidate:
    """Empty or whitespace-only suggestions are dropped, unless they replace text after the cursor, or, one line
    asked for, the model ended on whitespace (trim_space keeps it there) that lays out the code after the
    cursor at a level of the code around it: a line break before it, or indentation (HumanEval random spans:
    `enumerate(l):` + `\\n        ` before `for j in ...`, `   ` before ` return n**2`)."""
    if candidate.text.strip() or (candidate.replace and candidate.text):
        return candidate
    text = candidate.text
    if text and candidate.ended and not ctx.multiline and ctx.line_rest.strip() and _lays_out(text, ctx):
        return candidate
    return Candidate("")
