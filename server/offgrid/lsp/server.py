"""LSP handlers: translate protocol messages to calls on the documents and the model host, and back."""

import asyncio
import logging
from typing import Any

from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams
from pygls.lsp.server import LanguageServer

from offgrid import __version__, log_privacy
from offgrid.complete.suggestion_cache import SuggestionCache
from offgrid.config import Settings, parse_settings
from offgrid.context.service import ContextService
from offgrid.host import HostState, ModelHost
from offgrid.lsp.code_actions import register_code_actions
from offgrid.lsp.context_sync import context_status, create_context, register_context_features, start_indexing
from offgrid.lsp.converter import strict_converter
from offgrid.lsp.documents import Documents
from offgrid.lsp.inline_completion import Prefetching, inline_completion_handler
from offgrid.lsp.jsonrpc import OffgridProtocol
from offgrid.lsp.limits import within_limit
from offgrid.lsp.progress import LspProgress
from offgrid.lsp.transport import serve_stdio, serve_tcp

log = logging.getLogger(__name__)

STATUS_REQUEST = "offgrid/status"
DIGEST_REQUEST = "offgrid/documentDigest"  # for tests: proves the server's copy equals the client's, without text


class OffgridServer(LanguageServer):
    """pygls server holding offgrid's state."""

    def __init__(self, cli_model: str | None = None) -> None:
        super().__init__("offgrid", __version__, protocol_cls=OffgridProtocol, converter_factory=strict_converter)
        self.cli_model = cli_model
        self.settings = Settings()
        self.documents = Documents()
        self.host: ModelHost | None = None
        self.last: dict[str, Any] = {}
        self.suggestions = SuggestionCache()
        self.counts: dict[str, int] = {}  # answers by source: model, typed-through, prefetch
        self.remote_problem: str | None = None  # the model server's failure the user was last told about
        self.last_file_notice: str | None = None  # what the user was told about the model file changing on disk
        self.prefetching: Prefetching | None = None  # the last prefetch submitted, adopted if the user accepts
        self.context = ContextService(self.settings.context)
        self.oversized: set[str] = set()  # documents over maxDocumentBytes whose user was told

    def serve_stdio(self) -> int:
        """Serve one editor over stdin/stdout until it leaves; then stop the model. Returns the exit code."""
        try:
            return serve_stdio(self.protocol)  # type: ignore[arg-type]
        finally:
            self.close()

    def serve_tcp(self, host: str, port: int) -> int:
        """Serve the first editor that connects to host:port, then stop the model."""
        try:
            return serve_tcp(self.protocol, host, port)  # type: ignore[arg-type]
        finally:
            self.close()

    def close(self) -> None:
        """Stop the model worker (cancelling what runs) so no thread outlives the connection."""
        if self.host is not None:
            self.host.close()

    def show(self, message: str, kind: types.MessageType = types.MessageType.Error) -> None:
        """Tell the user something they need to act on (once, not per keystroke)."""
        log.log(logging.ERROR if kind == types.MessageType.Error else logging.INFO, "%s", message)
        self.window_show_message(types.ShowMessageParams(type=kind, message=f"offgrid: {message}"))


def create_server(cli_model: str | None = None) -> OffgridServer:
    """Build the server and register its features."""
    server = OffgridServer(cli_model)

    @server.feature(types.INITIALIZE)
    def initialize(ls: OffgridServer, params: types.InitializeParams) -> None:
        settings, problem = parse_settings(params.initialization_options)
        ls.settings = settings
        log_privacy.allow_source_text(settings.log_source_text)
        ls.context = create_context(settings.context, params)
        if problem:
            ls.show(problem, types.MessageType.Warning)

    @server.feature(types.INITIALIZED)
    async def initialized(ls: OffgridServer, _params: types.InitializedParams) -> None:
        await _read_workspace_configuration(ls)
        settings = ls.settings
        log_privacy.allow_source_text(settings.log_source_text)
        if ls.cli_model:
            settings = Settings(**{**settings.__dict__, "model": ls.cli_model})
        loop = asyncio.get_running_loop()
        progress = LspProgress(ls, loop, "offgrid: fetching the model") if _client_has_progress(ls) else None
        ls.context.configure(settings.context)
        start_indexing(ls, _client_has_progress(ls))
        ls.host = ModelHost(settings, progress, ls.context)
        await asyncio.wrap_future(ls.host.loaded)
        if ls.host.state is HostState.FAILED:
            ls.show(
                f"{ls.host.error}. Set `model` to a GGUF path or a preset in the offgrid settings, "
                "or run `offgrid doctor` in a terminal."
            )
        for notice in ls.host.notices:
            ls.show(notice, types.MessageType.Warning)

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: OffgridServer, params: types.DidOpenTextDocumentParams) -> None:
        d = params.text_document
        doc = ls.documents.open(d.uri, d.language_id, d.version, d.text)
        if within_limit(ls, doc):
            ls.context.opened(d.uri, d.language_id, d.text)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: OffgridServer, params: types.DidChangeTextDocumentParams) -> None:
        doc = ls.documents.get(params.text_document.uri)
        if doc is None:
            log.warning("change for a document that is not open: %s", params.text_document.uri)
            return
        had_tree = doc.uri not in ls.oversized
        for change in params.content_changes:
            before = doc.text
            if isinstance(change, types.TextDocumentContentChangePartial):
                r = change.range
                a, b = doc.apply((r.start.line, r.start.character), (r.end.line, r.end.character), change.text)
                if had_tree:
                    ls.context.changed(doc.uri, before, a, b, change.text)
            else:
                doc.apply(None, None, change.text)
                if had_tree:
                    ls.context.replaced(doc.uri, change.text)
        doc.version = params.text_document.version
        if not within_limit(ls, doc):
            ls.context.closed(doc.uri)  # no tree kept for a document over the cap
        elif not had_tree:
            ls.context.opened(doc.uri, doc.language_id, doc.text)  # back under the cap

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: OffgridServer, params: types.DidCloseTextDocumentParams) -> None:
        ls.documents.close(params.text_document.uri)
        ls.oversized.discard(params.text_document.uri)
        ls.context.closed(params.text_document.uri)
        ls.suggestions.forget(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_INLINE_COMPLETION, types.InlineCompletionOptions())
    async def inline_completion(
        ls: OffgridServer, params: types.InlineCompletionParams
    ) -> types.InlineCompletionList | None:
        return await inline_completion_handler(ls, params)

    register_context_features(server)
    register_code_actions(server)

    @server.feature(STATUS_REQUEST)
    def status(ls: OffgridServer, _params: Any) -> dict[str, Any]:
        return _status(ls)

    @server.feature(DIGEST_REQUEST)
    def document_digest(ls: OffgridServer, params: Any) -> dict[str, Any] | None:
        uri = getattr(params, "uri", None)
        if not isinstance(uri, str):
            raise JsonRpcInvalidParams('offgrid/documentDigest wants {"uri": string}')
        doc = ls.documents.get(uri)
        return None if doc is None else doc.digest()

    return server


async def _read_workspace_configuration(ls: OffgridServer) -> None:
    """Merge the `offgrid` workspace configuration section over initializationOptions, where the client has one."""
    caps = ls.client_capabilities.workspace
    if not (caps and caps.configuration):
        return
    try:
        items = [types.ConfigurationItem(section="offgrid")]
        result = await asyncio.wait_for(
            ls.workspace_configuration_async(types.ConfigurationParams(items=items)), timeout=5
        )
    except Exception as e:  # a client that answers badly or never must not stop the server
        log.warning("workspace/configuration failed: %s", e)
        return
    if result and isinstance(result[0], dict) and result[0]:
        ls.settings, problem = parse_settings(result[0], ls.settings)
        if problem:
            ls.show(problem, types.MessageType.Warning)


def _client_has_progress(ls: OffgridServer) -> bool:
    window = ls.client_capabilities.window
    return bool(window and window.work_done_progress)


def _status(ls: OffgridServer) -> dict[str, Any]:
    host = ls.host
    out: dict[str, Any] = {
        "version": __version__,
        "state": host.state.value if host else "starting",
        "error": host.error if host else None,
        "documents": len(ls.documents),
        "pendingRequests": ls.protocol.pending_requests(),
        "last": ls.last,
        "context": context_status(ls.context),
    }
    if host and host.model is not None:
        info = host.model.info
        out["model"] = {
            "path": str(info.path),
            "description": info.description,
            "fim": info.fim.name if info.fim else None,
            "threads": host.model.n_threads,
            "contextSize": host.model.n_ctx,
        }
    if host and host.completer is not None:
        out["backend"] = host.completer.backend.describe()
        if host.completer.engine is not None:
            out["totals"] = dict(host.completer.engine.totals)
        out["dropped"] = host.worker.dropped
        out["actionsRunning"] = host.actions_running()
        out["answers"] = dict(ls.counts)
    return out
