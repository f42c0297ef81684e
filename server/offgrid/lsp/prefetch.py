"""The speculative prefetch: while the user looks at a suggestion, the one that follows if they accept it is
computed; its answer goes to the suggestion memory, or is waited for when the user accepts before it is done."""

import asyncio
import logging

from offgrid.complete.request import CompletionRequest, Suggestion
from offgrid.complete.speculation import accepted_request
from offgrid.errors import OffgridError
from offgrid.lsp.state import OffgridServer, Prefetching

log = logging.getLogger(__name__)


async def adopt_prefetch(ls: OffgridServer, uri: str, text: str, offset: int) -> Suggestion | None:
    """The user accepted a suggestion before its prefetch finished: wait for that prefetch instead of stopping it
    and asking the model again from the start. None when no prefetch is for this text and cursor, or when it
    followed a suggestion of several lines (see Prefetching.multiline). An empty answer that the model ended
    itself is the answer: the same prompt asked again would end the same way."""
    p = ls.prefetching
    if p is None or (p.uri, p.offset) != (uri, offset) or p.job.cancelled or p.text != text or p.multiline:
        return None
    if ls.host is None or ls.host.actions_running():  # queued behind an action: asking anew preempts it sooner
        return None
    try:  # shielded: a cancelled request must not cancel the prefetch, whose answer the memory keeps
        result: Suggestion = await asyncio.shield(asyncio.wrap_future(p.job.future))
    except OffgridError:  # stopped, superseded or failed: ask the model as usual
        return None
    ended = result.generation is not None and result.generation.stop_reason in ("end", "stop_rule")
    return result if result.text or ended else None


def prefetch(ls: OffgridServer, req: CompletionRequest, offset: int, text: str) -> None:
    """Compute, while idle, the suggestion that follows if this one is accepted; real requests stop it."""
    assert ls.host is not None
    nxt, end = accepted_request(req, offset, text)
    job = ls.host.submit_prefetch(nxt)
    ls.prefetching = Prefetching(req.slot, nxt.text, end, job, "\n" in text)
    loop = asyncio.get_running_loop()

    def done(_f: object) -> None:  # on the model's thread
        if job.future.cancelled() or job.future.exception() is not None:
            log.debug("prefetch stopped: %s", "cancelled" if job.future.cancelled() else job.future.exception())
            return
        result: Suggestion = job.future.result()
        _log_done(result)
        if result.text:
            loop.call_soon_threadsafe(_remember_prefetched, ls, req.slot, nxt.text, end, result.text)

    job.future.add_done_callback(done)


def _log_done(result: Suggestion) -> None:
    g = result.generation
    log.info(
        "prefetch done: %d characters (%s)%s",
        len(result.text),
        g.stop_reason if g else "no generation",
        f"; {g.n_evaluated} of {g.n_prompt} prompt tokens evaluated in {g.prompt_ms:.0f} ms, {g.n_generated}"
        f" generated in {g.generate_ms:.0f} ms"
        if g
        else "",
    )


def _remember_prefetched(ls: OffgridServer, uri: str, doc_text: str, offset: int, text: str) -> None:
    ls.suggestions.remember(uri, doc_text, offset, text, "prefetch")
    ls.counts["prefetched"] = ls.counts.get("prefetched", 0) + 1
