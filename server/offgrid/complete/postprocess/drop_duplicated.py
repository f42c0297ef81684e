"""Drop suggestions that only repeat the lines right before or right after the cursor."""

from offgrid.complete.postprocess.context import Candidate, PostContext


def _code(lines: list[str]) -> list[str]:
    return [ln.strip() for ln in lines if ln.strip()]


def drop_duplicated(candidate: Candidate, ctx: PostContext) -> Candidate:
    """A suggestion whose code lines equal the code lines just above the cursor line, or just below it, is
    dropped: accepting it would duplicate them."""
    if "\n" not in candidate.text and not ctx.multiline:
        return candidate  # mid-line text: equal to a nearby line is not a repeat
    mine = _code((ctx.typed + candidate.text).split("\n"))
    if not mine:
        return candidate
    above = _code(ctx.previous_lines()[-64:])
    below = _code(ctx.next_lines()[:64])
    if above[-len(mine) :] == mine or below[: len(mine)] == mine:
        return Candidate("")
    return candidate
