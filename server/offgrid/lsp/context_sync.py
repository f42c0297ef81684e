"""Feeding the context service from LSP: workspace folders, saves, watched-file changes, and index progress."""

import asyncio
import logging
from pathlib import Path
from typing import Any

from lsprotocol import types

from offgrid.config import ContextSettings
from offgrid.context.languages import known_extensions
from offgrid.context.service import ContextService, uri_to_path
from offgrid.lsp.progress import LspProgress
from offgrid.lsp.state import OffgridServer

log = logging.getLogger(__name__)


def workspace_roots(params: types.InitializeParams) -> list[Path]:
    """The workspace folders (or the deprecated rootUri / rootPath) as local paths."""
    uris = [f.uri for f in params.workspace_folders or []] or ([params.root_uri] if params.root_uri else [])
    paths = [Path(uri_to_path(u)) for u in uris if u.startswith("file:")]
    if not paths and params.root_path:
        paths = [Path(params.root_path)]
    return [p for p in paths if p.is_dir()]


def create_context(settings: ContextSettings, params: types.InitializeParams) -> ContextService:
    return ContextService(settings, workspace_roots(params))


def start_indexing(ls: OffgridServer, with_progress: bool) -> None:
    """Index the workspace in the background, with work-done progress where the client shows it."""
    ctx = ls.context
    if not ctx.settings.enabled or not ctx.settings.index_workspace or not ctx.roots:
        ctx.index.ready.set()
        return
    loop = asyncio.get_running_loop()
    progress = LspProgress(ls, loop, "offgrid: indexing the workspace") if with_progress else None

    def report(done: int, total: int) -> None:
        if progress is not None and (done == total or done % 25 == 0):
            progress.update(f"{done}/{total} files", done, total)

    def finished(stats: Any) -> None:  # on the index's thread
        if progress is not None:
            progress.finish(f"{stats.files} files, {stats.symbols} definitions")
        if stats.capped:
            message = (
                f"the workspace has more than {ctx.settings.max_files} source files; the index holds the first "
                f"{ctx.settings.max_files} (setting context.maxFiles)"
            )
            loop.call_soon_threadsafe(ls.show, message, types.MessageType.Info)

    ctx.index.start(report, finished)
    _watch_files(ls)


def _watch_files(ls: OffgridServer) -> None:
    """Ask the client to tell us about source files changed outside the editor (git checkout, codegen)."""
    caps = ls.client_capabilities.workspace
    watched = caps.did_change_watched_files if caps else None
    if not (watched and watched.dynamic_registration):
        return
    exts = ",".join(sorted(e.lstrip(".") for e in known_extensions()))
    options = types.DidChangeWatchedFilesRegistrationOptions(
        watchers=[types.FileSystemWatcher(glob_pattern=f"**/*.{{{exts}}}")]
    )
    reg = types.Registration(
        id="offgrid-watch", method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES, register_options=options
    )
    try:
        ls.client_register_capability(types.RegistrationParams(registrations=[reg]))
    except Exception as e:  # a client that refuses is fine: saves still update the index
        log.info("could not register file watching: %s", e)


def did_save(ls: OffgridServer, params: types.DidSaveTextDocumentParams) -> None:
    """A saved file is read again into the index."""
    ls.context.saved(params.text_document.uri)


def did_change_watched_files(ls: OffgridServer, params: types.DidChangeWatchedFilesParams) -> None:
    """Source files changed outside the editor (git checkout, codegen) are read again or dropped."""
    for change in params.changes:
        if not change.uri.startswith("file:"):
            continue
        path = Path(uri_to_path(change.uri))
        ls.context.file_changed(path, deleted=change.type == types.FileChangeType.Deleted)


def context_status(ctx: ContextService) -> dict[str, Any]:
    """What offgrid/status shows about the context."""
    return {
        "enabled": ctx.settings.enabled,
        "roots": [str(r) for r in ctx.roots],
        "indexReady": ctx.index.ready.is_set(),
        "indexedFiles": len(ctx.index),
        "openTrees": len(ctx.trees.uris()),
        "lastPackMs": round(ctx.last_ms, 2),
        "lastPack": {
            "names": list(pack.names),
            "files": [f.path for f in pack.files],
            "tokens": pack.tokens,
            "mode": pack.mode,
        }
        if (pack := ctx.last_pack) is not None
        else None,
    }
