"""Cut a finished suggestion where the streaming stop rules would have stopped it (text from any source)."""

from offgrid.complete.postprocess.context import Candidate, PostContext
from offgrid.complete.postprocess.stop_rules import stop_rule


def limit_scope(candidate: Candidate, ctx: PostContext) -> Candidate:
    """One line in single-line mode; in multi-line mode, no further than the end of the cursor's block.
    The text is finished, so its last line counts as complete (the rules wait for a line's newline)."""
    text = candidate.text
    cut = stop_rule(ctx)(text + "\n")
    return candidate if cut is None or cut >= len(text) else candidate.with_text(text[:cut])
