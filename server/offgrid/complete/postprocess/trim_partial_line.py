"""Drop the last line of a suggestion that a token or time cap cut off mid-way."""

from offgrid.complete.postprocess.context import Candidate, PostContext


def trim_partial_line(candidate: Candidate, ctx: PostContext) -> Candidate:
    """Keep whole lines only when generation stopped on a cap; a lone first line is kept as it is."""
    text = candidate.text
    if candidate.truncated and "\n" in text:
        return candidate.with_text(text[: text.rfind("\n")])
    return candidate
