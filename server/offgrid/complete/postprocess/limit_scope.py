"""Cut a finished suggestion where the streaming stop rules would have stopped it (text from any source)."""

from offgrid.complete import stop_rules  # the module, not its names: it imports this package, which may come first
from offgrid.complete.postprocess.context import Candidate, PostContext


def limit_scope(candidate: Candidate, ctx: PostContext) -> Candidate:
    """One line in single-line mode; in multi-line mode, no further than the end of the cursor's block.
    The text is finished, so its last line counts as complete (the rules wait for a line's newline)."""
    text = candidate.text
    cut = stop_rules.stop_rule(ctx)(text + "\n")
    return candidate if cut is None or cut >= len(text) else candidate.with_text(text[:cut])
