"""workspace/executeCommand for actions that run on request: the instruction-driven rewrite, explain, and any
action for clients that cannot resolve code actions. Each shows cancellable work-done progress; pygls does not
stop a command when its request is cancelled, so both a progress cancel and $/cancelRequest stop it here."""

import asyncio
import logging
import os
import re
import stat
import tempfile
import uuid
from pathlib import Path
from typing import Any

from lsprotocol import types

from offgrid.actions.request import ActionKind, ActionResult
from offgrid.errors import ActionRefused, OffgridError
from offgrid.host import HostState
from offgrid.lsp.action_requests import action_request, run_action, workspace_edit
from offgrid.lsp.state import OffgridServer

log = logging.getLogger(__name__)

PROGRESS_TITLES = {
    ActionKind.REWRITE: "offgrid: rewriting",
    ActionKind.EXPLAIN: "offgrid: explaining",
    ActionKind.DOCSTRING: "offgrid: writing a docstring",
    ActionKind.COMPLETE_BODY: "offgrid: completing the body",
    ActionKind.FIX: "offgrid: fixing",
}


class _Stopper:
    """An event set by a progress cancel or by $/cancelRequest of the command's own request."""

    def __init__(self, ls: OffgridServer) -> None:
        self.event = asyncio.Event()
        loop = asyncio.get_running_loop()
        # pygls keeps the executeCommand request's future under its id (private API: no public hook exists)
        outer = ls.protocol._request_futures.get(ls.protocol.msg_id)
        if outer is not None:
            outer.add_done_callback(lambda f: f.cancelled() and loop.call_soon_threadsafe(self.event.set))

    def watch(self, future: Any) -> None:
        loop = asyncio.get_running_loop()
        future.add_done_callback(lambda f: f.cancelled() and loop.call_soon_threadsafe(self.event.set))


async def _begin_progress(ls: OffgridServer, title: str, stopper: _Stopper) -> str | None:
    window = ls.client_capabilities.window
    if not (window and window.work_done_progress):
        return None
    token = f"offgrid-action-{uuid.uuid4()}"
    try:
        await asyncio.wait_for(ls.work_done_progress.create_async(token), 5)
    except Exception as e:  # no progress is no reason to fail the action
        log.warning("window/workDoneProgress/create failed: %s", e)
        return None
    ls.work_done_progress.begin(token, types.WorkDoneProgressBegin(title=title, cancellable=True))
    if (cancel := ls.work_done_progress.tokens.get(token)) is not None:
        stopper.watch(cancel)
    return token


async def _execute(ls: OffgridServer, kind: ActionKind, args: tuple[Any, ...]) -> ActionResult | None:
    """Run an action from a command's arguments with progress; None when it was cancelled or refused (the user is
    told why)."""
    stopper = _Stopper(ls)
    token, outcome = None, "cancelled"
    try:
        if len(args) != 1 or not isinstance(args[0], dict):
            raise ActionRefused("expected one argument: {uri, range, ...}")
        doc = ls.documents.get(str(args[0].get("uri")))
        if doc is None:
            raise ActionRefused("the document is not open")
        req = action_request(ls, doc, kind, args[0])
        token = await _begin_progress(ls, PROGRESS_TITLES[kind], stopper)
        if token is not None and (ls.host is None or ls.host.state is HostState.LOADING):
            ls.work_done_progress.report(token, types.WorkDoneProgressReport(message="waiting for the model to load"))
        result = await run_action(ls, doc, req, stopper.event)
        if result is not None and result.edit is not None:
            edit = workspace_edit(ls, doc, result.edit)
            applied = await ls.workspace_apply_edit_async(
                types.ApplyWorkspaceEditParams(edit=edit, label=PROGRESS_TITLES[kind])
            )
            if not applied.applied:
                raise ActionRefused(f"the editor did not apply the edit ({applied.failure_reason or 'no reason'})")
        outcome = "done" if result is not None else "cancelled"
        return result
    except ActionRefused as e:
        outcome = str(e)
        ls.show(str(e), types.MessageType.Warning)
        return None
    except OffgridError as e:
        outcome = str(e)
        ls.show(f"{PROGRESS_TITLES[kind]} failed: {e}")
        return None
    except Exception as e:  # a bug: the progress says it failed, not that the user cancelled
        outcome = f"failed: {e}"
        raise
    finally:
        if token is not None:
            ls.work_done_progress.end(token, types.WorkDoneProgressEnd(message=outcome))


def explanations_folder() -> Path:
    """The user's own folder for explanations, in the temp folder. Explanations quote code, and the temp folder is
    shared: the folder is created 0700 and used only while it is a real folder of this user's that no one else
    can read (never a link someone planted), else a fresh private one is made."""
    uid = os.getuid() if hasattr(os, "getuid") else None  # Windows' temp folder is the user's own
    folder = Path(tempfile.gettempdir()) / ("offgrid-explanations" + (f"-{uid}" if uid is not None else ""))
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
        st = folder.lstat()
        if stat.S_ISDIR(st.st_mode) and (uid is None or (st.st_uid == uid and not st.st_mode & 0o077)):
            return folder
    except OSError:
        pass
    return Path(tempfile.mkdtemp(prefix="offgrid-explanations-"))


def _show_explanation(ls: OffgridServer, text: str) -> None:
    """Short answers as a message; longer ones as a Markdown document beside the code."""
    window = ls.client_capabilities.window
    can_show = bool(window and window.show_document and window.show_document.support)
    if len(text) <= ls.settings.actions.message_chars or not can_show:
        ls.window_show_message(types.ShowMessageParams(type=types.MessageType.Info, message=text))
        return
    title = re.sub(r"[^\w.-]+", "-", text.split("\n", 1)[0][:40]).strip("-") or "explanation"
    path = explanations_folder() / f"{title}-{uuid.uuid4().hex[:6]}.md"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # a new file only the user can read
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text + "\n")
    ls.window_show_document(types.ShowDocumentParams(uri=path.as_uri(), take_focus=True))


async def rewrite(ls: OffgridServer, *args: Any) -> dict[str, Any]:
    """offgrid.rewrite: the selection rewritten after the user's instruction, applied by the server."""
    result = await _execute(ls, ActionKind.REWRITE, args)
    return {"applied": result is not None}


async def explain(ls: OffgridServer, *args: Any) -> dict[str, Any] | None:
    """offgrid.explain: the selection or definition explained, shown as a message or a document."""
    result = await _execute(ls, ActionKind.EXPLAIN, args)
    if result is None or result.explanation is None:
        return None
    _show_explanation(ls, result.explanation)
    return {"explanation": result.explanation}


async def run_any_action(ls: OffgridServer, *args: Any) -> dict[str, Any]:
    """offgrid.runAction: a lazy action (docstring, complete body, fix) for clients that cannot resolve edits."""
    kind = args[0].get("kind") if len(args) == 1 and isinstance(args[0], dict) else None
    if kind not in {k.value for k in ActionKind}:
        ls.show(f"unknown action {kind!r}", types.MessageType.Warning)
        return {"applied": False}
    result = await _execute(ls, ActionKind(kind), args)
    return {"applied": result is not None}
