"""From raw model text to a suggestion worth showing: filters in order, after the stop rules cut it while streaming.

Each filter takes and returns a Candidate: unchanged, trimmed, or empty (dropped). The order matters: cap
leftovers first, then the block's scope, repeats of the text after the cursor, loops, the line's tail,
whitespace, and last the filters that drop whole suggestions.
"""

from collections.abc import Callable

from offgrid.complete.postprocess.context import Candidate, PostContext, make_context
from offgrid.complete.postprocess.drop_blank import drop_blank
from offgrid.complete.postprocess.drop_duplicated import drop_duplicated
from offgrid.complete.postprocess.drop_syntax_worse import drop_syntax_worse
from offgrid.complete.postprocess.limit_scope import limit_scope
from offgrid.complete.postprocess.trim_dangling_header import trim_dangling_header
from offgrid.complete.postprocess.trim_line_suffix import trim_line_suffix
from offgrid.complete.postprocess.trim_partial_line import trim_partial_line
from offgrid.complete.postprocess.trim_repetition import trim_repetition
from offgrid.complete.postprocess.trim_space import trim_space
from offgrid.complete.postprocess.trim_suffix_lines import trim_suffix_lines

Filter = Callable[[Candidate, PostContext], Candidate]

FILTERS: tuple[Filter, ...] = (
    trim_partial_line,
    limit_scope,
    trim_suffix_lines,
    trim_repetition,
    trim_dangling_header,
    trim_line_suffix,
    trim_space,
    drop_blank,
    drop_duplicated,
    drop_syntax_worse,
)


def postprocess(candidate: Candidate, ctx: PostContext, filters: tuple[Filter, ...] = FILTERS) -> Candidate:
    """Run the filters in order; stop as soon as one drops the candidate."""
    for f in filters:
        candidate = f(candidate, ctx)
        if not candidate.text and not candidate.replace:
            break
    return candidate


__all__ = ["FILTERS", "Candidate", "PostContext", "make_context", "postprocess"]
