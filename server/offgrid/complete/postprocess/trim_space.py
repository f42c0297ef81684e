"""Trailing whitespace never belongs in a suggestion, nor a second space after one already typed; but a line
break the model ended on before code that follows the cursor on its line is the suggestion's own, and so is a
space before a word that follows the cursor (without it the two run together), and indentation it ended on
before the code of the cursor's line."""

from offgrid.complete.postprocess.context import CLOSERS, Candidate, PostContext
from offgrid.context.languages import is_word_char

_NO_SPACE_BEFORE = CLOSERS + ",;:."  # a model's space before these is noise, not a separator


def trim_space(candidate: Candidate, ctx: PostContext) -> Candidate:
    """Strip trailing whitespace, but not a space before the word that follows the cursor, nor indentation the
    model ended on in the line's own indentation; strip leading spaces when the cursor already follows a space
    mid-line. When the model ended its text with a line break and the rest of the cursor line is code, the
    break and the indentation after it stay: they put that code on a line of its own (HumanEval random spans
    with the 1.5B, `... lst.remove(res[-1])\\n       ` before ` switch = not switch`)."""
    text = candidate.text.rstrip()
    tail = candidate.text[len(text) :]
    rest = ctx.line_rest
    if candidate.ended and "\n" in tail and rest.strip():
        text += tail[tail.rindex("\n") :]
    elif tail and text and "\n" not in tail and rest[:1].strip() and rest[0] not in _NO_SPACE_BEFORE:
        # a space the model ended on right before the line's rest (HumanEval random spans with the 1.5B:
        # `' '.join([s for s` then `in ...`, `*c` then `for c in ...`) keeps the words apart; where a cap or a
        # rule stopped it (a rule cut the 0.5B's copy of that rest: `subs` + `tring in x]` before `in x]`), one
        # space before a word still does: glued, `subsin x` is never right
        if candidate.ended:
            text += tail
        elif is_word_char(text[-1]) and is_word_char(rest[0]):
            text += " "
    elif candidate.ended and tail and not text and not ctx.typed.strip() and rest.strip():
        # only indentation, ended, with the cursor in the line's own indentation before its code (HumanEval
        # random spans: `   ` before ` return n**2`): the spaces may be the answer (drop_blank checks the level)
        text = tail
    typed = ctx.typed
    if typed.strip() and typed.endswith((" ", "\t")) and not text.startswith("\n"):
        text = text.lstrip(" \t")
    return candidate.with_text(text) if text != candidate.text else candidate
