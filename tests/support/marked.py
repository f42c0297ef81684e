"""Documents written inline: `║` marks the cursor, `├...┤` the model's text at the cursor (Tabby's notation)."""

from offgrid.complete.postprocess import Candidate, PostContext, make_context
from offgrid.context.mode import Mode


def parse_marked(
    marked: str, language: str = "python", truncated: bool = False, mode: Mode | None = None, ended: bool = False
) -> tuple[Candidate, PostContext]:
    """The candidate and context a marked document describes. Without `├┤` the model text is empty. `mode` is
    the syntax tree's, as the context pack gives it (else the fallback without a tree decides)."""
    if "├" in marked:
        before, rest = marked.split("├", 1)
        model, after = rest.split("┤", 1)
    else:
        before, after = marked.split("║", 1)
        model = ""
    return Candidate(model, truncated=truncated, ended=ended), make_context(before, after, language, mode)
