"""textDocument/codeAction and codeAction/resolve: offgrid's actions on a selection or at the cursor.

Offering is cheap (no model): the model runs when an action is resolved (docstring, complete body, fix), or when
its command runs (rewrite with the user's instruction, explain). See lsp/action_commands.py for the commands and
lsp/action_requests.py for what both share.
"""

from typing import Any

from lsprotocol import types

from offgrid.actions.body import completable
from offgrid.actions.definitions import definition_at
from offgrid.actions.docstring import documentable
from offgrid.actions.request import ActionKind, ActionRequest
from offgrid.errors import ActionRefused, OffgridError
from offgrid.host import HostState
from offgrid.lsp.action_requests import action_request, range_json, run_action, workspace_edit
from offgrid.lsp.documents import Document
from offgrid.lsp.state import OffgridServer

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


def code_action(ls: OffgridServer, params: types.CodeActionParams) -> list[types.CodeAction] | None:
    """The actions offered here (none when the model failed to load). Offering needs no model, so they are offered
    while it loads too; running one waits for the load (lsp/action_requests.py)."""
    doc = ls.documents.get(params.text_document.uri)
    failed = ls.host is not None and ls.host.state is HostState.FAILED
    if doc is None or failed or doc.uri in ls.oversized:
        return None
    return _offers(ls, doc, params) or None


async def code_action_resolve(ls: OffgridServer, action: types.CodeAction) -> types.CodeAction:
    """Run a lazy action (docstring, complete body, fix) and give it its edit; the user is told what went wrong."""
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


def _offers(ls: OffgridServer, doc: Document, params: types.CodeActionParams) -> list[types.CodeAction]:
    r = params.range
    cursor = ActionRequest(ActionKind.DOCSTRING, doc.text, doc.language_id, *sorted(_offsets(doc, r)))
    target = {"uri": doc.uri, "range": range_json(r)}
    selected = bool(cursor.end > cursor.start and doc.text[cursor.start : cursor.end].strip())
    actions: list[types.CodeAction] = []
    if selected:
        title = "offgrid: Rewrite selection…"
        cmd = types.Command(title=title, command=ASK_REWRITE, arguments=[target])
        actions.append(types.CodeAction(title=title, kind=types.CodeActionKind.RefactorRewrite, command=cmd))
    actions += _lazy_offers(doc, cursor, target, params.context.diagnostics)
    if selected or definition_at(doc.text, doc.language_id, cursor.start) is not None:
        cmd = types.Command(title="offgrid: Explain", command=EXPLAIN, arguments=[target])
        actions.append(types.CodeAction(title="offgrid: Explain", kind=types.CodeActionKind.Empty, command=cmd))
    if not _client_resolves_edits(ls):  # without resolve, the server runs the action and applies its edit itself
        for a in actions:
            if a.data is not None:
                a.command = types.Command(title=a.title, command=RUN_ACTION, arguments=[a.data])
                a.data = None
    only = [_kind(k) for k in params.context.only or []]
    if only:  # "refactor" asks for "refactor.rewrite" too
        actions = [a for a in actions if any(k and (_kind(a.kind) + ".").startswith(k + ".") for k in only)]
    return actions


def _lazy_offers(
    doc: Document, cursor: ActionRequest, target: dict[str, Any], diagnostics: list[types.Diagnostic]
) -> list[types.CodeAction]:
    """The actions whose edit is computed on resolve: docstring, complete body, and a fix per diagnostic."""
    actions: list[types.CodeAction] = []
    for kind, offered in ((ActionKind.DOCSTRING, documentable), (ActionKind.COMPLETE_BODY, completable)):
        if offered(cursor) is not None:
            title = TITLES[kind] if doc.language_id == "python" else TITLES[kind].replace("docstring", "doc comment")
            actions.append(_lazy(title, types.CodeActionKind.RefactorRewrite, {**target, "kind": kind.value}))
    for d in diagnostics:
        title = f"offgrid: Fix “{_short(d.message)}”"
        data = {**target, "kind": ActionKind.FIX.value, "diagnostic": d.message, "line": d.range.start.line}
        actions.append(_lazy(title, types.CodeActionKind.QuickFix, data, [d]))
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


def _client_resolves_edits(ls: OffgridServer) -> bool:
    td = ls.client_capabilities.text_document
    ca = td.code_action if td else None
    support = ca.resolve_support if ca else None
    return bool(support and "edit" in support.properties)
