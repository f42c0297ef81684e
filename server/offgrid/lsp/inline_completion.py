"""textDocument/inlineCompletion: from memory when the user typed through a suggestion, else from the model;
then a speculative prefetch of the next one, and per-request metrics."""

import asyncio
import logging
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from lsprotocol import types

from offgrid.complete.request import CompletionRequest, Suggestion
from offgrid.complete.speculation import accepted_request
from offgrid.engine.worker import Job
from offgrid.errors import Cancelled, OffgridError, RemoteError
from offgrid.host import HostState
from offgrid.log_privacy import source_text_allowed
from offgrid.lsp.documents import Document
from offgrid.lsp.positions import column_to_utf16

if TYPE_CHECKING:
    from offgrid.lsp.server import OffgridServer

log = logging.getLogger(__name__)
METRICS_NOTIFICATION = "offgrid/metrics"
EMPTY = types.InlineCompletionList(items=[])


@dataclass(frozen=True)
class Prefetching:
    """The prefetch on the model now: the document text and cursor it assumes (the shown suggestion accepted)."""

    uri: str
    text: str
    offset: int
    job: Job
    # The accepted suggestion had several lines. The prefetch works on a copy of the document's cache, whose
    # cells it cannot shift (they are shared), so it evaluates again the code below the inserted lines; a request
    # of its own on the document's cache shifts them and is sooner done (0.4 s against 2.3 s at one accept point
    # of `offgrid bench latency`). Such a prefetch is used when it has finished, never waited for.
    multiline: bool = False


async def inline_completion_handler(
    ls: "OffgridServer", params: types.InlineCompletionParams
) -> types.InlineCompletionList:
    """Answer one inline completion request."""
    t0 = time.perf_counter()
    doc = ls.documents.get(params.text_document.uri)
    host = ls.host
    if doc is None or host is None or host.state is not HostState.READY or doc.uri in ls.oversized:
        return EMPTY
    line = min(max(params.position.line, 0), doc.line_count() - 1)
    column = doc.column(line, params.position.character)
    offset = doc.offset(line, params.position.character)
    settings = host.settings.completion
    invoked = params.context.trigger_kind == types.InlineCompletionTriggerKind.Invoked
    # an explicit request asks for alternatives, which only the model can give
    if settings.reuse_suggestions and not invoked and (hit := ls.suggestions.lookup(doc.uri, doc.text, offset)):
        text, origin = hit
        _publish(
            ls,
            {
                "uri": doc.uri,
                "source": "typed-through" if origin == "model" else "prefetch",
                "serverMs": round((time.perf_counter() - t0) * 1000, 2),
            },
        )
        return types.InlineCompletionList(items=[_item(doc, line, column, column, text)])
    req = CompletionRequest(
        text=doc.text,
        line=line,
        column=column,
        slot=doc.uri,
        language=doc.language_id,
        uri=doc.uri,
        invoked=invoked,
    )
    version = doc.version
    if settings.reuse_suggestions and not invoked and (adopted := await _adopt_prefetch(ls, doc.uri, req.text, offset)):
        _publish(ls, {**_metrics(doc.uri, adopted, t0), "source": "prefetch", "adopted": True})
        if settings.prefetch and adopted.text:
            _prefetch(ls, req, offset, adopted.text)
        if doc.version != version or ls.documents.get(doc.uri) is not doc or not adopted.text:
            return EMPTY
        return types.InlineCompletionList(items=[_item(doc, line, column, column, adopted.text)])
    suggestion = await _run(ls, req)
    _model_file_notice(ls)
    if suggestion is None:
        return EMPTY
    if suggestion.generation is not None and suggestion.generation.round_trip_ms is not None:
        _remote_answered(ls)
    _publish(ls, _metrics(doc.uri, suggestion, t0))
    if source_text_allowed():  # the user's debug setting logSourceText
        typed = doc.line_text(line)[:column]
        log.info(
            "suggestion at %s:%d:%d after %r: %r",
            doc.uri,
            line,
            column,
            typed,
            [s.text for s in (suggestion, *suggestion.more)],
        )
    if suggestion.text and suggestion.replace_to_column == suggestion.column:  # memory answers only insert
        ls.suggestions.remember(doc.uri, req.text, offset, suggestion.text)
        if settings.prefetch:
            _prefetch(ls, req, offset, suggestion.text)
    if doc.version != version or ls.documents.get(doc.uri) is not doc or not suggestion.text:
        return EMPTY  # the document changed meanwhile: this answer is stale
    return types.InlineCompletionList(
        items=[_item(doc, s.line, s.column, s.replace_to_column, s.text) for s in (suggestion, *suggestion.more)]
    )


async def _run(ls: "OffgridServer", req: CompletionRequest) -> Suggestion | None:
    assert ls.host is not None
    job = ls.host.submit_completion(req)
    try:
        return await asyncio.wrap_future(job.future)
    except asyncio.CancelledError:
        job.cancel()  # $/cancelRequest: stop the model within a token
        raise
    except Cancelled:
        return None
    except RemoteError as e:
        _remote_failed(ls, str(e))
        return None
    except OffgridError as e:
        log.warning("completion failed: %s", e)
        return None


def _model_file_notice(ls: "OffgridServer") -> None:
    """Say once that the model file was deleted or changed under the running server."""
    notice = ls.host.file_notice if ls.host else None
    if notice and ls.last_file_notice != notice:
        ls.last_file_notice = notice
        kind = types.MessageType.Error if ls.host and ls.host.state is HostState.FAILED else types.MessageType.Warning
        ls.show(notice, kind)


def _remote_failed(ls: "OffgridServer", problem: str) -> None:
    """Tell the user once per outage, not per keystroke; every request tries the server again."""
    log.warning("remote completion failed: %s", problem)
    if ls.remote_problem is None:
        ls.show(f"{problem} (suggestions resume once it answers again)", types.MessageType.Warning)
    ls.remote_problem = problem


def _remote_answered(ls: "OffgridServer") -> None:
    if ls.remote_problem is not None:
        ls.remote_problem = None
        ls.show("the model server answers again", types.MessageType.Info)


async def _adopt_prefetch(ls: "OffgridServer", uri: str, text: str, offset: int) -> Suggestion | None:
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


def _prefetch(ls: "OffgridServer", req: CompletionRequest, offset: int, text: str) -> None:
    """Compute, while idle, the suggestion that follows if this one is accepted; real requests stop it."""
    assert ls.host is not None
    nxt, end = accepted_request(req, offset, text)
    job = ls.host.submit_prefetch(nxt)
    ls.prefetching = Prefetching(req.slot, nxt.text, end, job, "\n" in text)
    loop = asyncio.get_running_loop()

    def done(_f: object) -> None:
        if job.future.cancelled() or job.future.exception() is not None:
            log.debug("prefetch stopped: %s", "cancelled" if job.future.cancelled() else job.future.exception())
            return
        result: Suggestion = job.future.result()
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
        if result.text:
            loop.call_soon_threadsafe(_remember_prefetched, ls, req.slot, nxt.text, end, result.text)

    job.future.add_done_callback(done)


def _remember_prefetched(ls: "OffgridServer", uri: str, doc_text: str, offset: int, text: str) -> None:
    ls.suggestions.remember(uri, doc_text, offset, text, "prefetch")
    ls.counts["prefetched"] = ls.counts.get("prefetched", 0) + 1


def _item(doc: Document, line: int, column: int, end_column: int, text: str) -> types.InlineCompletionItem:
    source = doc.line_text(line)
    start = types.Position(line, column_to_utf16(source, column))
    end = types.Position(line, column_to_utf16(source, end_column))
    return types.InlineCompletionItem(insert_text=text, range=types.Range(start, end))


def _metrics(uri: str, s: Suggestion, t0: float) -> dict[str, Any]:
    g = s.generation
    out: dict[str, Any] = {"uri": uri, "source": "model", "serverMs": round((time.perf_counter() - t0) * 1000, 1)}
    if g is not None:
        out.update(
            stopReason=g.stop_reason,
            promptTokens=g.n_prompt,
            reused=g.n_reused,
            shifted=g.n_shifted,
            evaluated=g.n_evaluated,
            changed=g.n_changed,
            generated=g.n_generated,
            promptMs=round(g.prompt_ms, 1),
            generateMs=round(g.generate_ms, 1),
        )
        if g.round_trip_ms is not None:  # remote: what the HTTP exchange took, and the server's own figure
            out["roundTripMs"] = round(g.round_trip_ms, 1)
            out["remoteServerMs"] = None if g.server_ms is None else round(g.server_ms, 1)
    return out


def _publish(ls: "OffgridServer", metrics: dict[str, Any]) -> None:
    """Keep the last request's figures for offgrid/status, log them (no source text), and notify the editor."""
    ls.last = metrics
    ls.counts[metrics["source"]] = ls.counts.get(metrics["source"], 0) + 1
    log.info("completion %s", {k: v for k, v in metrics.items() if k != "uri"})
    ls.protocol.notify(METRICS_NOTIFICATION, metrics)
