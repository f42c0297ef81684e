"""A small LSP client for benchmarks: starts `offgrid serve`, keeps documents in sync, collects metrics."""

import asyncio
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.lsp.client import LanguageClient

from offgrid.lsp.positions import column_to_utf16, line_starts


def lsp_position(text: str, offset: int) -> types.Position:
    """The LSP (UTF-16) position of a code-point offset."""
    starts = line_starts(text)
    line = max(i for i, s in enumerate(starts) if s <= offset)
    line_text = text[starts[line] : offset]
    return types.Position(line, column_to_utf16(line_text, len(line_text)))


def plain(value: Any) -> Any:
    """pygls answers custom requests with namedtuple-like Objects: turn them into dicts and lists."""
    if hasattr(value, "_asdict"):
        return {k: plain(v) for k, v in value._asdict().items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


@dataclass
class Request:
    """An inline completion request in flight."""

    msg_id: str
    future: "asyncio.Future[tuple[float, bool]]"
    owner: "BenchClient"
    text: str = ""  # the first suggestion's text, once answered

    def cancel(self) -> None:
        """What VS Code does with a request it no longer needs: $/cancelRequest (the server stops its work)."""
        if not self.future.done():
            self.owner.client.protocol.notify("$/cancelRequest", types.CancelParams(id=self.msg_id))


@dataclass
class BenchClient:
    """One server process under test."""

    client: LanguageClient = field(default_factory=lambda: LanguageClient("offgrid-bench", "1"))
    docs: dict[str, str] = field(default_factory=dict)
    versions: dict[str, int] = field(default_factory=dict)
    metrics: list[dict[str, Any]] = field(default_factory=list)

    async def start(
        self,
        model: str,
        options: dict[str, Any],
        capabilities: types.ClientCapabilities | None = None,
        workspace: Path | None = None,
    ) -> None:
        @self.client.feature("offgrid/metrics")
        def _metrics(_ls: LanguageClient, params: Any) -> None:
            self.metrics.append(plain(params))

        @self.client.feature(types.WINDOW_WORK_DONE_PROGRESS_CREATE)
        def _progress(_ls: LanguageClient, _params: Any) -> None:
            return None

        await self.client.start_io(sys.executable, "-m", "offgrid", "serve", "--model", model, "--log-level", "WARNING")
        self._drain = asyncio.ensure_future(self._drain_stderr())
        caps = capabilities or types.ClientCapabilities(window=types.WindowClientCapabilities(work_done_progress=True))
        folders = [types.WorkspaceFolder(workspace.as_uri(), workspace.name)] if workspace is not None else None
        params = types.InitializeParams(capabilities=caps, initialization_options=options, workspace_folders=folders)
        await self.client.initialize_async(params)
        self.client.initialized(types.InitializedParams())
        while (await self.status())["state"] in ("starting", "loading"):
            await asyncio.sleep(0.1)

    async def _drain_stderr(self) -> None:
        """Keep the server's stderr flowing (a full pipe would block it) into a log file next to the temp files."""
        stream = self.client._server.stderr  # type: ignore[union-attr]
        with open(Path(tempfile.gettempdir()) / "offgrid-bench-server.log", "ab") as log:
            while line := await stream.readline():
                log.write(line)

    async def status(self) -> dict[str, Any]:
        return plain(await self.client.protocol.send_request_async("offgrid/status", None))

    def server_pid(self) -> int:
        return self.client._server.pid  # type: ignore[union-attr]

    def open(self, uri: str, text: str) -> None:
        self.docs[uri], self.versions[uri] = text, 1
        item = types.TextDocumentItem(uri=uri, language_id="python", version=1, text=text)
        self.client.text_document_did_open(types.DidOpenTextDocumentParams(item))

    def edit(self, uri: str, start: int, end: int, new: str) -> None:
        if start == end and not new:
            return
        text = self.docs[uri]
        rng = types.Range(lsp_position(text, start), lsp_position(text, end))
        self.docs[uri] = text[:start] + new + text[end:]
        self.versions[uri] += 1
        ident = types.VersionedTextDocumentIdentifier(uri=uri, version=self.versions[uri])
        change = types.TextDocumentContentChangePartial(range=rng, text=new)
        self.client.text_document_did_change(types.DidChangeTextDocumentParams(ident, [change]))

    def request(self, uri: str, offset: int) -> "Request":
        """Ask for an inline completion; `Request.future` resolves to (milliseconds, whether a suggestion came)."""
        params = types.InlineCompletionParams(
            context=types.InlineCompletionContext(trigger_kind=types.InlineCompletionTriggerKind.Automatic),
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=lsp_position(self.docs[uri], offset),
        )
        msg_id = str(uuid.uuid4())
        t0 = time.perf_counter()
        sent = self.client.protocol.send_request_async(types.TEXT_DOCUMENT_INLINE_COMPLETION, params, msg_id=msg_id)

        async def run() -> tuple[float, bool]:
            result = await sent
            items = getattr(result, "items", None) or []
            req.text = items[0].insert_text if items and isinstance(items[0].insert_text, str) else ""
            return (time.perf_counter() - t0) * 1000, bool(req.text)

        req = Request(msg_id, asyncio.ensure_future(run()), self)
        return req

    async def stop(self) -> None:
        try:
            await asyncio.wait_for(self.client.shutdown_async(None), 10)
            self.client.exit(None)
        finally:
            await self.client.stop()
