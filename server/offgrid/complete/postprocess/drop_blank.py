"""Drop suggestions with nothing to show."""

from offgrid.complete.postprocess.context import Candidate, PostContext


def drop_blank(candidate: Candidate, ctx: PostContext) -> Candidate:
    """Empty or whitespace-only suggestions are dropped, unless they replace text after the cursor, or the model
    ended on whitespace before code after the cursor: a line break or indentation that lays out that code
    (trim_space kept it) is the model's whole answer there."""
    if candidate.text.strip() or (candidate.replace and candidate.text):
        return candidate
    if candidate.text and candidate.ended and ctx.line_rest.strip():
        return candidate
    return Candidate("")
