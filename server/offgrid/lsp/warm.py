"""Warm-ups in idle time, so the next keystroke at a place pays only for what it changed:

- offgrid/cursor: the editor says where the cursor rests (a file opened or focused, a jump, a search result), and
  the prompt there is evaluated. Params: {"textDocument": {"uri": ...}, "position": {"line": ..., "character":
  ...}} (the client's position encoding). Both shims send it after the cursor has rested briefly; a client that
  never sends it loses nothing.
- a request that promptTimeMs stopped (answered empty) has its prompt finished the same way; then offgrid/warmed
  ({"uri", "version", "position"}) tells the editor, which asks again if its cursor is still there (the shims
  do), so the suggestion comes without another keystroke.
"""

import asyncio
import logging
from typing import Any, NamedTuple

from offgrid.complete.request import CompletionRequest
from offgrid.lsp.state import OffgridServer

log = logging.getLogger(__name__)

CURSOR_NOTIFICATION = "offgrid/cursor"


def _field(params: Any, *names: str) -> Any:
    for name in names:
        params = params.get(name) if isinstance(params, dict) else getattr(params, name, None)
    return params


class Place(NamedTuple):
    uri: str
    line: int
    character: int


def cursor_rested(ls: OffgridServer, params: Any) -> None:
    """Queue the warm-up for the cursor's place (after the model has loaded, for the newest place told before);
    nothing when warm-ups are off or the document is unknown (a notification has no answer to carry an error,
    so bad params are only logged)."""
    uri, line, character = (
        _field(params, "textDocument", "uri"),
        _field(params, "position", "line"),
        _field(params, "position", "character"),
    )
    if not isinstance(uri, str) or not isinstance(line, int) or not isinstance(character, int):
        log.warning("%s wants {textDocument: {uri}, position: {line, character}}, got %r", CURSOR_NOTIFICATION, params)
        return
    if not ls.settings.completion.warm:
        return
    place = Place(uri, line, character)
    host = ls.host
    if host is not None and host.completer is not None:
        _warm(ls, place)
        return
    first = ls.rested_while_loading is None
    ls.rested_while_loading = place
    if first:
        asyncio.ensure_future(_after_load(ls))


async def _after_load(ls: OffgridServer) -> None:
    loaded = await ls.loaded_host()
    place, ls.rested_while_loading = ls.rested_while_loading, None
    if loaded is not None and place is not None:
        _warm(ls, Place(*place))


def _warm(ls: OffgridServer, place: Place) -> None:
    host, doc = ls.host, ls.documents.get(place.uri)
    if host is None or doc is None or doc.uri in ls.oversized:
        return
    line = min(max(place.line, 0), doc.line_count() - 1)
    req = CompletionRequest(
        text=doc.text,
        line=line,
        column=doc.column(line, max(place.character, 0)),
        slot=doc.uri,
        language=doc.language_id,
        uri=doc.uri,
    )
    host.submit_warm(req)


WARMED_NOTIFICATION = "offgrid/warmed"


def finish_capped(ls: OffgridServer, req: CompletionRequest, version: int, position: Any) -> None:
    """The request for `req` hit promptTimeMs: finish its prompt in idle time, then tell the editor."""
    host = ls.host
    if not ls.settings.completion.warm or host is None or host.completer is None:
        return
    job = host.submit_warm(req)
    loop = asyncio.get_running_loop()
    where = {"line": position.line, "character": position.character}

    def done(_f: object) -> None:  # on the model's thread
        if job.future.cancelled() or job.future.exception() is not None:
            return
        gen = job.future.result()
        if gen is not None and gen.stop_reason != "cancelled":
            params = {"uri": req.uri, "version": version, "position": where}
            loop.call_soon_threadsafe(ls.protocol.notify, WARMED_NOTIFICATION, params)

    job.future.add_done_callback(done)
