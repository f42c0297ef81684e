"""Drop a block header left without a body at the end of a multi-line suggestion (`else:` with nothing under it)."""

from offgrid.complete.postprocess.context import Candidate, PostContext, indentation
from offgrid.context.languages import BLOCK_HEADER_ENDS


def trim_dangling_header(candidate: Candidate, ctx: PostContext) -> Candidate:
    """When the suggestion's last line opens a block and the code after the cursor is not indented deeper (so
    it is not that block's body), the last line is dropped."""
    lines = candidate.text.split("\n")
    if len(lines) < 2 or not lines[-1].rstrip().endswith(BLOCK_HEADER_ENDS):
        return candidate
    following = ctx.next_code_line()
    if following is not None and indentation(following) > indentation(lines[-1]):
        return candidate
    return candidate.with_text("\n".join(lines[:-1]).rstrip())
