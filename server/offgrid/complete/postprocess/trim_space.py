"""Trailing whitespace never belongs in a suggestion, nor a second space after one already typed; but a line
break the model ended on before code that follows the cursor on its line is the suggestion's own."""

from offgrid.complete.postprocess.context import Candidate, PostContext


def trim_space(candidate: Candidate, ctx: PostContext) -> Candidate:
    """Strip trailing whitespace; strip leading spaces when the cursor already follows a space mid-line. When
    the model ended its text with a line break and the rest of the cursor line is code, the break and the
    indentation after it stay: they put that code on a line of its own (HumanEval random spans with the 1.5B,
    `... lst.remove(res[-1])\\n       ` before ` switch = not switch`)."""
    text = candidate.text.rstrip()
    tail = candidate.text[len(text) :]
    if candidate.ended and "\n" in tail and ctx.line_rest.strip():
        text += tail[tail.rindex("\n") :]
    typed = ctx.typed
    if typed.strip() and typed.endswith((" ", "\t")) and not text.startswith("\n"):
        text = text.lstrip(" \t")
    return candidate.with_text(text) if text != candidate.text else candidate
