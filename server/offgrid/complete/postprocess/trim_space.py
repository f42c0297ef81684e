"""Trailing whitespace never belongs in a suggestion, nor a second space after one already typed."""

from offgrid.complete.postprocess.context import Candidate, PostContext


def trim_space(candidate: Candidate, ctx: PostContext) -> Candidate:
    """Strip trailing whitespace; strip leading spaces when the cursor already follows a space mid-line."""
    text = candidate.text.rstrip()
    typed = ctx.typed
    if typed.strip() and typed.endswith((" ", "\t")) and not text.startswith("\n"):
        text = text.lstrip(" \t")
    return candidate.with_text(text) if text != candidate.text else candidate
