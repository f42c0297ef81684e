"""From an action's LSP arguments to its run on the model and back: the request (range, line, context pack),
the run with its cancellation, and the workspace edit. Shared by lsp/code_actions.py (resolve) and
lsp/action_commands.py (commands)."""

import asyncio
import bisect
import logging
from typing import Any

from lsprotocol import types

from offgrid.actions.request import ActionKind, ActionRequest, ActionResult, TextEdit
from offgrid.actions.runner import plan_action
from offgrid.errors import ActionRefused, Cancelled
from offgrid.host import HostState
from offgrid.log_privacy import source_text_allowed
from offgrid.lsp.documents import Document
from offgrid.lsp.positions import column_to_utf16, line_starts
from offgrid.lsp.state import OffgridServer

log = logging.getLogger(__name__)


def range_json(r: types.Range) -> dict[str, Any]:
    """A Range as LSP JSON (what travels in `data` and command arguments)."""
    return {
        "start": {"line": r.start.line, "character": r.start.character},
        "end": {"line": r.end.line, "character": r.end.character},
    }


def parse_range(raw: Any) -> tuple[tuple[int, int], tuple[int, int]]:
    """(line, character) pairs of a Range in LSP JSON; ActionRefused when it is not one."""
    try:
        s, e = raw["start"], raw["end"]
        return (int(s["line"]), int(s["character"])), (int(e["line"]), int(e["character"]))
    except (KeyError, TypeError, ValueError) as err:
        raise ActionRefused(f"expected an LSP range, got {raw!r}") from err


def position_at(doc: Document, offset: int) -> types.Position:
    """The LSP position of a code-point offset."""
    starts = line_starts(doc.text)
    line = max(0, bisect.bisect_right(starts, offset) - 1)
    return types.Position(line, column_to_utf16(doc.line_text(line), offset - starts[line]))


def workspace_edit(ls: OffgridServer, doc: Document, edit: TextEdit) -> types.WorkspaceEdit:
    """One text edit on the changed range only, versioned where the client supports it (it then refuses to apply
    the edit to a newer text)."""
    rng = types.Range(position_at(doc, edit.start), position_at(doc, edit.end))
    text_edit = types.TextEdit(range=rng, new_text=edit.new_text)
    ws = ls.client_capabilities.workspace
    if ws and ws.workspace_edit and ws.workspace_edit.document_changes:
        ident = types.OptionalVersionedTextDocumentIdentifier(uri=doc.uri, version=doc.version)
        return types.WorkspaceEdit(document_changes=[types.TextDocumentEdit(text_document=ident, edits=[text_edit])])
    return types.WorkspaceEdit(changes={doc.uri: [text_edit]})


def action_request(ls: OffgridServer, doc: Document, kind: ActionKind, raw: dict[str, Any]) -> ActionRequest:
    """The request for an action on `doc` from a code action's `data` or a command's argument."""
    if doc.uri in ls.oversized:
        raise ActionRefused("the document is over the size limit (setting maxDocumentBytes)")
    (sl, sc), (el, ec) = parse_range(raw.get("range"))
    start, end = doc.offset(sl, sc), doc.offset(el, ec)
    try:
        line = sl if raw.get("line") is None else int(raw["line"])  # not `or`: line 0 is a line
    except (TypeError, ValueError) as err:
        raise ActionRefused(f"expected a line number, got {raw.get('line')!r}") from err
    return ActionRequest(
        kind=kind,
        text=doc.text,
        language=doc.language_id,
        start=min(start, end),
        end=max(start, end),
        instruction=str(raw.get("instruction") or ""),
        diagnostic=str(raw.get("diagnostic") or ""),
        diagnostic_line=line,
        related=_related_code(ls, doc, sl, sc, el),
    )


def _related_code(ls: OffgridServer, doc: Document, row: int, column: int, last: int) -> str:
    """The context pack for the action's lines (definitions they use from elsewhere, imports, enclosing headers)
    as plain text; '' without a context service or when it fails."""
    ctx = getattr(ls, "context", None)
    if ctx is None or not ctx.settings.enabled:
        return ""
    try:  # a rough token count: only the budget depends on it
        pack = ctx.for_cursor(doc.uri, doc.language_id, doc.text, row, column, row, last, lambda s: len(s) // 3 + 1)
    except Exception as e:  # context is a help, never a reason to fail the action
        log.warning("no context pack for the action: %s", e)
        return ""
    parts = [f"{pack.comment} {f.path}\n{f.text.rstrip()}" for f in pack.files]
    if pack.stub.strip():
        parts.append(f"{pack.comment} {pack.path}\n{pack.stub.rstrip()}")
    return "\n\n".join(parts)


async def run_action(
    ls: OffgridServer, doc: Document, req: ActionRequest, stop: asyncio.Event | None = None
) -> ActionResult | None:
    """Plan and run an action on the model worker, once the model has loaded; None when it was cancelled (through
    `stop` or the request's own cancellation). Raises ActionRefused with a message for the user, also when the
    document changed meanwhile."""
    version = doc.version
    plan = plan_action(req, ls.settings.actions)
    host = ls.host
    if host is None or host.state is HostState.LOADING:  # asked for while the model loads: wait for it
        loading = asyncio.ensure_future(ls.loaded_host())
        try:
            if not await _until(loading, stop):
                return None
        finally:
            loading.cancel()  # the wait only: the load goes on
        host = ls.host  # ready, or failed with its error
    if host is None or host.state is not HostState.READY:
        raise ActionRefused("the model is not loaded" if host is None or host.error is None else host.error)
    run, job = host.start_action(plan)
    done = asyncio.wrap_future(job.future)
    try:
        if not await _until(done, stop):  # stopped by the user
            job.cancel()
            return None
    except asyncio.CancelledError:
        job.cancel()  # $/cancelRequest: stop the model within a token
        raise
    log.info("action %s %s", req.kind.value, run.summary())
    if source_text_allowed():  # the user's debug setting logSourceText
        log.info("action %s answered: %r", req.kind.value, run.model.answer())
    try:
        result = done.result()
        if result is None:
            return None
    except Cancelled:
        return None
    except ActionRefused:
        if doc.version == version:
            raise
        result = ActionResult()  # the change below is the better reason to give
    changed = ls.documents.get(doc.uri) is not doc or doc.version != version
    if changed and result.explanation is None:  # an explanation of the older text is still worth showing
        raise ActionRefused("the document changed while the action ran, so its edit was dropped")
    return result


async def _until(future: asyncio.Future, stop: asyncio.Event | None) -> bool:
    """Wait for `future`; False when `stop` came first."""
    waiter = asyncio.ensure_future(stop.wait()) if stop is not None else None
    try:
        await asyncio.wait([future] + ([waiter] if waiter else []), return_when=asyncio.FIRST_COMPLETED)
    finally:
        if waiter is not None:
            waiter.cancel()
    return future.done()
