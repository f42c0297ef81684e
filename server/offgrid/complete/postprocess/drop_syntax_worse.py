"""Drop suggestions that leave the code with more syntax errors than it had without them (tree-sitter)."""

from offgrid.complete.postprocess.context import Candidate, PostContext
from offgrid.context.syntax import error_count, parse


def drop_syntax_worse(candidate: Candidate, ctx: PostContext) -> Candidate:
    """Parse the text around the cursor with and without the suggestion; more errors with it drops it.
    Languages without a grammar pass unchanged."""
    if not candidate.text:
        return candidate
    before = parse(ctx.before + ctx.after, ctx.language)
    if before is None:
        return candidate
    after = parse(ctx.before + candidate.text + ctx.after[candidate.replace :], ctx.language)
    if after is not None and error_count(after) > error_count(before):
        return Candidate("")
    return candidate
