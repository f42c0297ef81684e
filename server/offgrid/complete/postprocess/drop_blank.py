"""Drop suggestions with nothing to show."""

from offgrid.complete.postprocess.context import Candidate, PostContext


def drop_blank(candidate: Candidate, ctx: PostContext) -> Candidate:
    """Empty or whitespace-only suggestions are dropped (unless they replace text after the cursor)."""
    if candidate.text.strip() or (candidate.replace and candidate.text):
        return candidate
    return Candidate("")
