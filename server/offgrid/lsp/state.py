"""The server's state for one editor connection: documents, settings, the model host, what the user was told.

Every feature module imports this; only lsp/server.py imports the feature modules, so there is no circle.
"""

import asyncio
import contextlib
import logging
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any

from lsprotocol import types
from pygls.lsp.server import LanguageServer

from offgrid import __version__
from offgrid.complete.suggestion_cache import SuggestionCache
from offgrid.config import Settings
from offgrid.context.service import ContextService
from offgrid.engine.worker import Job
from offgrid.host import HostState, ModelHost
from offgrid.lsp.converter import strict_converter
from offgrid.lsp.documents import Documents
from offgrid.lsp.jsonrpc import OffgridProtocol
from offgrid.lsp.transport import serve_stdio, serve_tcp

log = logging.getLogger(__name__)


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


async def _done(future: Future) -> None:
    """Wait for a future of another thread without chaining to it: cancelling the wait leaves the future alone
    (asyncio.wrap_future would cancel it, and with it the load the other waiters wait for)."""
    loop = asyncio.get_running_loop()
    waiter: asyncio.Future[None] = loop.create_future()

    def wake(_f: Future) -> None:
        with contextlib.suppress(RuntimeError):  # the loop closed first: no one waits any more
            loop.call_soon_threadsafe(lambda: waiter.done() or waiter.set_result(None))

    future.add_done_callback(wake)
    await waiter


class OffgridServer(LanguageServer):
    """pygls server holding offgrid's state."""

    def __init__(self, cli_model: str | None = None) -> None:
        super().__init__("offgrid", __version__, protocol_cls=OffgridProtocol, converter_factory=strict_converter)
        self.cli_model = cli_model
        # The one resolved Settings (client options, workspace configuration, then --model), set by
        # lsp/lifecycle.py; the host is given this same object, so there is no copy to drift apart.
        self.settings = Settings()
        self.documents = Documents()
        self._host: ModelHost | None = None
        self._host_started = asyncio.Event()  # set with the host (lsp/lifecycle.py): requests before it wait
        self.last: dict[str, Any] = {}
        self.suggestions = SuggestionCache()
        self.counts: dict[str, int] = {}  # answers by source: model, typed-through, prefetch
        self.remote_problem: str | None = None  # the model server's failure the user was last told about
        self.last_file_notice: str | None = None  # what the user was told about the model file changing on disk
        self.prefetching: Prefetching | None = None  # the last prefetch submitted, adopted if the user accepts
        self.context = ContextService(self.settings.context)
        self.oversized: set[str] = set()  # documents over maxDocumentBytes whose user was told
        # the newest place the cursor rested at while the model loaded, warmed once it has (lsp/warm.py)
        self.rested_while_loading: tuple[str, int, int] | None = None

    @property
    def host(self) -> ModelHost | None:
        """The model host, None until `initialized` has read the settings and started it."""
        return self._host

    @host.setter
    def host(self, host: ModelHost | None) -> None:
        self._host = host
        if host is not None:
            self._host_started.set()

    async def loaded_host(self) -> ModelHost | None:
        """The host once its model is ready; None when loading failed. A request that comes while the server starts
        or the model loads waits here (the editor would not ask again, so an empty answer would show nothing
        until the next keystroke); its own cancellation still ends the wait, never the load."""
        await self._host_started.wait()
        host = self._host
        assert host is not None
        if host.state is HostState.LOADING:
            await _done(host.loaded)
        return host if host.state is HostState.READY else None

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
