"""textDocument/codeAction and codeAction/resolve: offgrid's actions on a selection or at the cursor.

Offering is cheap (no model): the model runs when an action is resolved (docstring, complete body, fix), or when
its command runs (rewrite with the user's instruction, explain). See lsp/action_commands.py for the commands.
"""

import asyncio
import bisect
import logging
from typing import TYPE_CHECKING, Any

from lsprotocol import types

from offgrid.actions.body import completable
from offgrid.actions.definitions import definition_at
from offgrid.actions.docstring import documentable
from offgrid.actions.request import ActionKind, ActionRequest, ActionResult, TextEdit
from offgrid.actions.runner import plan_action
from offgrid.errors import ActionRefused, Cancelled, OffgridError
from offgrid.host import HostState
from offgrid.log_privacy import source_text_allowed
from offgrid.lsp.documents import Document
from offgrid.lsp.positions import column_to_utf16, line_starts

if TYPE_CHECKING:
    from offgrid.lsp.server import OffgridServer

log = logging.getLogger(__name__)

ASK_REWRITE = "offgrid.askRewrite"  # client side: the editor asks for the instruction, then runs REWRITE
REWRITE = "offgrid.rewrite"
EXPLAIN = "offgrid.explain"
RUN_ACTION = "offgrid.runAction"  # docstring, complete body and fix, for clients that cannot resolve edits
KINDS = [types.CodeActionKind.RefactorRewrite, types.CodeActionKind.QuickFix]
OPTIONS = types.CodeActionOptions(code_action_kinds=KINDS, resolve_provider=True)

TITLES = {
    ActionKind.DOCSTRING: "offgrid: Add docstring",
    ActionKind.COMPLETE_BODY: "offgrid: Complete this function body",
}


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


def workspace_edit(ls: "OffgridServer", doc: Document, edit: TextEdit) -> types.WorkspaceEdit:
    """One text edit on the changed range only, versioned where the client supports it (it then refuses to apply
    the edit to a newer text)."""
    rng = types.Range(position_at(doc, edit.start), position_at(doc, edit.end))
    text_edit = types.TextEdit(range=rng, new_text=edit.new_text)
    ws = ls.client_capabilities.workspace
    if ws and ws.workspace_edit and ws.workspace_edit.document_changes:
        ident = types.OptionalVersionedTextDocumentIdentifier(uri=doc.uri, version=doc.version)
        return types.WorkspaceEdit(document_changes=[types.TextDocumentEdit(text_document=ident, edits=[text_edit])])
    return types.WorkspaceEdit(changes={doc.uri: [text_edit]})


def action_request(ls: "OffgridServer", doc: Document, kind: ActionKind, raw: dict[str, Any]) -> ActionRequest:
    """The request for an action on `doc` from a code action's `data` or a command's argument."""
    if doc.uri in ls.oversized:
        raise ActionRefused("the document is over the size limit (setting maxDocumentBytes)")
    (sl, sc), (el, ec) = parse_range(raw.get("range"))
    start, end = doc.offset(sl, sc), doc.offset(el, ec)
    try:
        line = int(raw.get("line") or sl)
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


def _related_code(ls: "OffgridServer", doc: Document, row: int, column: int, last: int) -> str:
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
    ls: "OffgridServer", doc: Document, req: ActionRequest, stop: asyncio.Event | None = None
) -> ActionResult | None:
    """Plan and run an action on the model worker; None when it was cancelled (through `stop` or the request's own
    cancellation). Raises ActionRefused with a message for the user, also when the document changed meanwhile."""
    host = ls.host
    if host is None or host.state is not HostState.READY:
        raise ActionRefused("the model is not loaded yet" if host is None or host.error is None else host.error)
    plan = plan_action(req, ls.settings.actions)
    version = doc.version
    run, job = host.start_action(plan)
    waiter = asyncio.ensure_future(stop.wait()) if stop is not None else None
    done = asyncio.wrap_future(job.future)
    try:
        await asyncio.wait([done] + ([waiter] if waiter else []), return_when=asyncio.FIRST_COMPLETED)
    except asyncio.CancelledError:
        job.cancel()  # $/cancelRequest: stop the model within a token
        raise
    finally:
        if waiter is not None:
            waiter.cancel()
    if not done.done():  # stopped by the user
        job.cancel()
        return None
    log.info("action %s %s", req.kind.value, run.summary())
    if source_text_allowed():  # the user's debug setting logSourceText
        log.info("action %s answered: %r", req.kind.value, run.text())
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


def _offers(ls: "OffgridServer", doc: Document, params: types.CodeActionParams) -> list[types.CodeAction]:
    r = params.range
    cursor = ActionRequest(ActionKind.DOCSTRING, doc.text, doc.language_id, *sorted(_offsets(doc, r)))
    target = {"uri": doc.uri, "range": range_json(r)}
    can_resolve = _client_resolves_edits(ls)
    actions: list[types.CodeAction] = []
    selected = cursor.end > cursor.start and doc.text[cursor.start : cursor.end].strip()
    if selected:
        title = "offgrid: Rewrite selection…"
        cmd = types.Command(title=title, command=ASK_REWRITE, arguments=[target])
        actions.append(types.CodeAction(title=title, kind=types.CodeActionKind.RefactorRewrite, command=cmd))
    for kind, offered in ((ActionKind.DOCSTRING, documentable), (ActionKind.COMPLETE_BODY, completable)):
        if offered(cursor) is not None:
            title = TITLES[kind] if doc.language_id == "python" else TITLES[kind].replace("docstring", "doc comment")
            actions.append(_lazy(title, types.CodeActionKind.RefactorRewrite, {**target, "kind": kind.value}))
    for d in params.context.diagnostics:
        title = f"offgrid: Fix “{_short(d.message)}”"
        data = {**target, "kind": ActionKind.FIX.value, "diagnostic": d.message, "line": d.range.start.line}
        actions.append(_lazy(title, types.CodeActionKind.QuickFix, data, [d]))
    if selected or definition_at(doc.text, doc.language_id, cursor.start) is not None:
        cmd = types.Command(title="offgrid: Explain", command=EXPLAIN, arguments=[target])
        actions.append(types.CodeAction(title="offgrid: Explain", kind=types.CodeActionKind.Empty, command=cmd))
    if not can_resolve:  # without resolve, the server runs the action and applies its edit itself
        for a in actions:
            if a.data is not None:
                a.command = types.Command(title=a.title, command=RUN_ACTION, arguments=[a.data])
                a.data = None
    only = [_kind(k) for k in params.context.only or []]
    if only:  # "refactor" asks for "refactor.rewrite" too
        actions = [a for a in actions if any(k and (_kind(a.kind) + ".").startswith(k + ".") for k in only)]
    return actions


def _kind(kind: types.CodeActionKind | str | None) -> str:
    return kind.value if isinstance(kind, types.CodeActionKind) else kind or ""


def _lazy(
    title: str, kind: types.CodeActionKind, data: dict[str, Any], diags: list[types.Diagnostic] | None = None
) -> types.CodeAction:
    return types.CodeAction(title=title, kind=kind, data=data, diagnostics=diags)


def _offsets(doc: Document, r: types.Range) -> tuple[int, int]:
    return doc.offset(r.start.line, r.start.character), doc.offset(r.end.line, r.end.character)


def _short(message: str, n: int = 60) -> str:
    line = message.strip().splitlines()[0] if message.strip() else "this problem"
    return line if len(line) <= n else line[: n - 1] + "…"


def _client_resolves_edits(ls: "OffgridServer") -> bool:
    td = ls.client_capabilities.text_document
    ca = td.code_action if td else None
    support = ca.resolve_support if ca else None
    return bool(support and "edit" in support.properties)


def register_code_actions(server: "OffgridServer") -> None:
    """Register codeAction, codeAction/resolve and the action commands."""
    from offgrid.lsp.action_commands import register_commands

    @server.feature(types.TEXT_DOCUMENT_CODE_ACTION, OPTIONS)
    def code_action(ls: "OffgridServer", params: types.CodeActionParams) -> list[types.CodeAction] | None:
        doc = ls.documents.get(params.text_document.uri)
        if doc is None or ls.host is None or ls.host.state is not HostState.READY or doc.uri in ls.oversized:
            return None
        return _offers(ls, doc, params) or None

    @server.feature(types.CODE_ACTION_RESOLVE)
    async def code_action_resolve(ls: "OffgridServer", action: types.CodeAction) -> types.CodeAction:
        data = action.data if isinstance(action.data, dict) else {}
        if "kind" not in data:  # a command-only action (Rewrite selection…, Explain): nothing to compute here
            return action
        doc = ls.documents.get(str(data.get("uri")))
        try:
            if doc is None:
                raise ActionRefused("the document is not open")
            req = action_request(ls, doc, ActionKind(data.get("kind")), data)
            result = await run_action(ls, doc, req)
            if result is not None and result.edit is not None:
                action.edit = workspace_edit(ls, doc, result.edit)
        except (ActionRefused, ValueError) as e:
            ls.show(str(e), types.MessageType.Warning)
        except OffgridError as e:
            ls.show(f"{action.title} failed: {e}")
        return action

    register_commands(server)
