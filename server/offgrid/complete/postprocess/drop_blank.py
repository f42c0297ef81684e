"""Drop suggestions with nothing to show."""

from offgrid.complete.postprocess.context import Candidate, PostContext
from offgrid.context.languages import INDENTING_OPENERS

_STEPS = {" ": (2, 4), "\t": (1,)}  # one level deeper, by the indentation's character


def _indent(line: str) -> str:
    return line[: len(line) - len(line.lstrip(" \t"))]


def _lays_out(text: str, ctx: PostContext) -> bool:
    """Accepted, the whitespace puts the code after the cursor at the indentation of the code line above or
    below it, or one level inside the line above where that opens a block, in the same characters: a level the
    file has. (Any other whitespace is a model that lost its way: invisible ghost text that Tab would accept.)"""
    if "\n" in text:  # a line break: the code after the cursor starts a line of its own below the cursor's
        above = (ctx.typed + text)[: len(ctx.typed) + text.rindex("\n")]
        above = above[above.rfind("\n") + 1 :]
        ws = text[text.rindex("\n") + 1 :]
    else:  # indentation: the cursor is in the line's own indentation
        above = next((ln for ln in reversed(ctx.previous_lines()) if ln.strip()), "")
        ws = ctx.typed + text
    ws += _indent(ctx.line_rest)
    below = next((ln for ln in ctx.next_lines() if ln.strip()), "")
    levels = {len(_indent(ln)) for ln in (above, below) if ln.strip() and set(_indent(ln)) <= set(ws)}
    if above.rstrip().endswith(INDENTING_OPENERS) and set(_indent(above)) <= set(ws) and len(set(ws)) == 1:
        levels |= {len(_indent(above)) + step for step in _STEPS.get(ws[0], ())}
    return len(set(ws)) == 1 and len(ws) in levels


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
