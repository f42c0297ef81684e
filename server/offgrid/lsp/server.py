"""The registration: every LSP message offgrid answers and the function that answers it. The handlers live in
feature modules that import the state (lsp/state.py), never this module."""

from lsprotocol import types

from offgrid.lsp import action_commands, code_actions, context_sync, document_sync, inline_completion, lifecycle, warm
from offgrid.lsp import status as status_requests
from offgrid.lsp.state import OffgridServer

__all__ = ["OffgridServer", "create_server"]


def create_server(cli_model: str | None = None) -> OffgridServer:
    """Build the server and register its features."""
    server = OffgridServer(cli_model)
    feature, command = server.feature, server.command
    feature(types.INITIALIZE)(lifecycle.initialize)
    feature(types.INITIALIZED)(lifecycle.initialized)
    feature(types.TEXT_DOCUMENT_DID_OPEN)(document_sync.did_open)
    feature(types.TEXT_DOCUMENT_DID_CHANGE)(document_sync.did_change)
    feature(types.TEXT_DOCUMENT_DID_CLOSE)(document_sync.did_close)
    feature(types.TEXT_DOCUMENT_INLINE_COMPLETION, types.InlineCompletionOptions())(inline_completion.inline_completion)
    feature(warm.CURSOR_NOTIFICATION)(warm.cursor_rested)
    feature(types.TEXT_DOCUMENT_DID_SAVE)(context_sync.did_save)
    feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)(context_sync.did_change_watched_files)
    feature(types.TEXT_DOCUMENT_CODE_ACTION, code_actions.OPTIONS)(code_actions.code_action)
    feature(types.CODE_ACTION_RESOLVE)(code_actions.code_action_resolve)
    command(code_actions.REWRITE)(action_commands.rewrite)
    command(code_actions.EXPLAIN)(action_commands.explain)
    command(code_actions.RUN_ACTION)(action_commands.run_any_action)
    feature(status_requests.STATUS_REQUEST)(status_requests.status)
    feature(status_requests.DIGEST_REQUEST)(status_requests.document_digest)
    return server
