"""Drop trailing lines of a suggestion that repeat the lines already after the cursor."""

from offgrid.complete.postprocess.context import Candidate, PostContext


def _code(lines: list[str]) -> list[str]:
    return [ln.strip() for ln in lines if ln.strip()]


def trim_suffix_lines(candidate: Candidate, ctx: PostContext) -> Candidate:
    """If the suggestion's last code lines equal the first code lines after the cursor line, drop them."""
    lines = candidate.text.split("\n")
    if len(lines) < 2:
        return candidate
    ahead = _code(ctx.next_lines()[:64])
    for keep in range(1, len(lines)):  # the shortest head whose remaining lines all repeat what follows
        tail = _code(lines[keep:])
        if tail and tail == ahead[: len(tail)]:
            return candidate.with_text("\n".join(lines[:keep]).rstrip())
    return candidate
