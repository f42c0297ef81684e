"""Speculative prefetch: the request the editor will send if the user accepts the suggestion now shown."""

from dataclasses import replace

from offgrid.complete.request import CompletionRequest
from offgrid.complete.windows import split_lines

SPECULATIVE_SLOT = "speculative"  # one KV sequence for prefetches, forked from the document's, which stays intact


def accepted_request(req: CompletionRequest, offset: int, suggestion: str) -> tuple[CompletionRequest, int]:
    """The request for the cursor after inserting `suggestion` at code-point `offset`, and that cursor's offset."""
    text = req.text[:offset] + suggestion + req.text[offset:]
    end = offset + len(suggestion)
    lines = split_lines(text[:end])
    spec = replace(
        req,
        text=text,
        line=len(lines) - 1,
        column=len(lines[-1]),
        invoked=False,
        slot=SPECULATIVE_SLOT,
        fork_from=req.slot,
    )
    return spec, end
