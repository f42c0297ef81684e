"""Cut a finished suggestion where the streaming stop rules would have stopped it (text from any source)."""

from offgrid.complete.postprocess.context import Candidate, PostContext
from offgrid.complete.postprocess.stop_rules import stop_rule


def limit_scope(candidate: Candidate, ctx: PostContext) -> Candidate:
    """One line in single-line mode; in multi-line mode, no further than the end of the cursor's block."""
    cut = stop_rule(ctx)(candidate.text)
    return candidate if cut is None else candidate.with_text(candidate.text[:cut])
