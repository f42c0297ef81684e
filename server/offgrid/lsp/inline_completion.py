"""textDocument/inlineCompletion: from memory when the user typed through a suggestion, from the prefetch when
they accepted one before it was done, else from the model; then a prefetch of the next one, and metrics."""

import asyncio
import bisect
import logging
import time
from typing import Any, NamedTuple

from lsprotocol import types

from offgrid.complete.request import CompletionRequest, Suggestion
from offgrid.context.languages import is_word_char
from offgrid.errors import Cancelled, OffgridError, RemoteError
from offgrid.log_privacy import source_text_allowed
from offgrid.lsp.documents import Document
from offgrid.lsp.notices import model_file_notice, remote_answered, remote_failed
from offgrid.lsp.positions import column_to_utf16, line_starts
from offgrid.lsp.prefetch import adopt_prefetch, prefetch
from offgrid.lsp.state import OffgridServer
from offgrid.lsp.warm import finish_capped

log = logging.getLogger(__name__)
METRICS_NOTIFICATION = "offgrid/metrics"
EMPTY = types.InlineCompletionList(items=[])


class Shown(NamedTuple):
    """One item to answer: `text` replaces the line from `column` to `end_column` (code points)."""

    line: int
    column: int
    end_column: int
    text: str


async def inline_completion(ls: OffgridServer, params: types.InlineCompletionParams) -> types.InlineCompletionList:
    """Answer one inline completion request; one that comes while the model loads waits for it."""
    doc = ls.documents.get(params.text_document.uri)
    if doc is None or doc.uri in ls.oversized:
        return EMPTY
    version = doc.version
    if await ls.loaded_host() is None:
        return EMPTY  # the load failed: lsp/notices.py told the user why
    if ls.documents.get(doc.uri) is not doc or doc.version != version or doc.uri in ls.oversized:
        return EMPTY  # typed (or closed) while the model loaded: the newer request is the one to answer
    t0 = time.perf_counter()
    line = min(max(params.position.line, 0), doc.line_count() - 1)
    column = doc.column(line, params.position.character)
    picked = _selected(doc, line, column, params.context.selected_completion_info)
    text, offset = doc.text, doc.offset(line, params.position.character)
    if picked is not None:  # suggest as if the selected item were typed: VS Code shows only what extends it
        start = offset - column + picked.column
        text = text[:start] + picked.text + text[start - picked.column + picked.end_column :]
        offset = start + len(picked.text)
        starts = line_starts(text)
        line = bisect.bisect_right(starts, offset) - 1
        column = offset - starts[line]
    req = CompletionRequest(
        text=text,
        line=line,
        column=column,
        slot=doc.uri,
        language=doc.language_id,
        uri=doc.uri,
        invoked=params.context.trigger_kind == types.InlineCompletionTriggerKind.Invoked,
    )
    shown = await _answer(ls, doc, req, offset, t0)
    if doc.version != version or ls.documents.get(doc.uri) is not doc:
        return EMPTY  # the document changed meanwhile: this answer is stale
    if picked is not None:
        shown = _after_selected(shown, picked, req, doc.text)
    return types.InlineCompletionList(items=[_item(doc, s) for s in shown])


class Selected(NamedTuple):
    """The suggest widget's selected item: `text` replaces the line from `column` to `end_column` (code points,
    the cursor between them)."""

    line: int
    column: int
    end_column: int
    text: str


def _selected(doc: Document, line: int, cursor: int, info: types.SelectedCompletionInfo | None) -> Selected | None:
    """The selected item where it replaces part of the cursor's line around the cursor; else None (answered as if
    there were none)."""
    if info is None or info.range.start.line != line or info.range.end.line != line:
        return None
    start, end = doc.column(line, info.range.start.character), doc.column(line, info.range.end.character)
    return Selected(line, start, end, info.text) if start <= cursor <= end else None


def _after_selected(shown: list[Shown], picked: Selected, req: CompletionRequest, text: str) -> list[Shown]:
    """The suggestions made after the selected item, as items over its range that begin with its text (what
    VS Code asks of an inline suggestion while its suggest widget is open); one that does not begin at the
    cursor cannot be said so and is dropped, and so is one that glues letters onto the item's name to make a name
    the document (`text`) does not have."""
    out = []
    for s in shown:
        if s.line == req.line and s.column == req.column and s.text and not _new_name(picked.text, s.text, text):
            # the line after the cursor in the assumed text is the real line after the item's range
            end = picked.end_column + s.end_column - s.column
            out.append(Shown(picked.line, picked.column, end, picked.text + s.text))
    return out


def _new_name(item: str, answer: str, text: str) -> bool:
    """True when `answer` goes on with the name the item ends with and the joined name is nowhere in `text`.
    The model was asked as if the item were typed, and a small model reads `add` as the start of a longer name
    (`addie`): it meant another word than the item, and VS Code would show the two as one. A longer name the
    document has (`results` after the item `result`) is one the widget ranked lower and stays."""
    if not item or not answer or not is_word_char(item[-1]) or not is_word_char(answer[0]):
        return False
    head = len(item)
    while head > 0 and is_word_char(item[head - 1]):
        head -= 1
    tail = 0
    while tail < len(answer) and is_word_char(answer[tail]):
        tail += 1
    name = item[head:] + answer[:tail]
    at = text.find(name)
    while at >= 0:
        before = text[at - 1] if at > 0 else ""
        after = text[at + len(name)] if at + len(name) < len(text) else ""
        if not (before and is_word_char(before)) and not (after and is_word_char(after)):
            return False
        at = text.find(name, at + 1)
    return True


async def _answer(ls: OffgridServer, doc: Document, req: CompletionRequest, offset: int, t0: float) -> list[Shown]:
    """The items for `req` at `offset`, from the cheapest source that has them; [] for none."""
    settings = ls.settings.completion
    # an explicit request asks for alternatives, which only the model can give
    reuse = settings.reuse_suggestions and not req.invoked
    if reuse and (hit := ls.suggestions.lookup(doc.uri, req.text, offset)):
        text, origin = hit
        source = "typed-through" if origin == "model" else "prefetch"
        _publish(ls, {"uri": doc.uri, "source": source, "serverMs": round((time.perf_counter() - t0) * 1000, 2)})
        return [Shown(req.line, req.column, req.column, text)]
    if reuse and (adopted := await adopt_prefetch(ls, doc.uri, req.text, offset)) is not None:
        _publish(ls, {**_metrics(doc.uri, adopted, t0), "source": "prefetch", "adopted": True})
        if settings.prefetch and adopted.text:
            prefetch(ls, req, offset, adopted.text)
        return [Shown(req.line, req.column, req.column, adopted.text)] if adopted.text else []
    return await _from_model(ls, doc, req, offset, t0)


async def _from_model(ls: OffgridServer, doc: Document, req: CompletionRequest, offset: int, t0: float) -> list[Shown]:
    version = doc.version
    suggestion = await _run(ls, req)
    model_file_notice(ls)
    if suggestion is None:
        return []
    capped = suggestion.generation is not None and suggestion.generation.stop_reason == "prompt_time"
    if capped and doc.version == version and ls.documents.get(doc.uri) is doc:
        character = column_to_utf16(req.text[offset - req.column : offset], req.column)
        finish_capped(ls, req, version, types.Position(req.line, character))
    if suggestion.generation is not None and suggestion.generation.round_trip_ms is not None:
        remote_answered(ls)
    _publish(ls, _metrics(doc.uri, suggestion, t0))
    if source_text_allowed():  # the user's debug setting logSourceText
        typed = req.text[offset - req.column : offset]
        texts = [s.text for s in (suggestion, *suggestion.more)]
        log.info("suggestion at %s:%d:%d after %r: %r", doc.uri, req.line, req.column, typed, texts)
    if suggestion.text and suggestion.replace_to_column == suggestion.column:  # memory answers only insert
        ls.suggestions.remember(doc.uri, req.text, offset, suggestion.text)
        if ls.settings.completion.prefetch:
            prefetch(ls, req, offset, suggestion.text)
    if not suggestion.text:
        return []
    return [Shown(s.line, s.column, s.replace_to_column, s.text) for s in (suggestion, *suggestion.more)]


async def _run(ls: OffgridServer, req: CompletionRequest) -> Suggestion | None:
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
        remote_failed(ls, str(e))
        return None
    except OffgridError as e:
        log.warning("completion failed: %s", e)
        return None


def _item(doc: Document, s: Shown) -> types.InlineCompletionItem:
    source = doc.line_text(s.line)
    start = types.Position(s.line, column_to_utf16(source, s.column))
    end = types.Position(s.line, column_to_utf16(source, s.end_column))
    return types.InlineCompletionItem(insert_text=s.text, range=types.Range(start, end))


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


def _publish(ls: OffgridServer, metrics: dict[str, Any]) -> None:
    """Keep the last request's figures for offgrid/status, log them (no source text), and notify the editor."""
    ls.last = metrics
    ls.counts[metrics["source"]] = ls.counts.get(metrics["source"], 0) + 1
    log.info("completion %s", {k: v for k, v in metrics.items() if k != "uri"})
    ls.protocol.notify(METRICS_NOTIFICATION, metrics)
