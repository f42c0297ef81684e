"""Cut a finished suggestion where the streaming stop rules would have stopped it (text from any source)."""

from offgrid.complete.postprocess.context import Candidate, PostContext
from offgrid.engine.generation import SoftCut


def limit_scope(candidate: Candidate, ctx: PostContext) -> Candidate:
    """One line in single-line mode; in multi-line mode, no further than the end of the cursor's block, and no
    clause left without the header its code below needs (block_end.clause_left_open); a block the model ended
    itself is kept whole. The text is finished, so its last line counts as complete (the rules wait for a
    line's newline)."""
    # imported here, not above: the stop rules import this package (its context), which imports this module
    from offgrid.complete import block_end, firm_cuts, stop_rules

    text = candidate.text
    cut = stop_rules.stop_rule(ctx)(text + "\n")
    if candidate.ended and isinstance(cut, SoftCut):
        # a model that ended the text itself knew where the block ends better than the rules' guess (HeldStop);
        # only the context's layout and the file's top level are never kept
        cut = firm_cuts.firm_cuts(ctx)(text + "\n")
    if cut is not None and cut < len(text):
        text = text[:cut]
    if ctx.multiline and not candidate.ended and (left_open := block_end.clause_left_open(ctx, text)) is not None:
        text = text[:left_open]
    return candidate if text == candidate.text else candidate.with_text(text)
