"""Start `offgrid serve` as a subprocess and drive it with pytest-lsp's real LSP client over stdio."""

import asyncio
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from lsprotocol import types
from offgrid.bench.lsp_client import plain
from pytest_lsp import LanguageClient, client_capabilities, make_test_lsp_client


@asynccontextmanager
async def running_server(
    model: str | None,
    init_options: dict[str, Any] | None = None,
    client_spec: str = "visual-studio-code",
    env: dict[str, str] | None = None,
    extra_args: tuple[str, ...] = (),
    workspace: str | None = None,
    capabilities: types.ClientCapabilities | None = None,
    launcher: tuple[str, ...] = (),
) -> AsyncIterator[LanguageClient]:
    """An initialized client talking to a fresh `offgrid serve`; shut down afterwards. `launcher` is a command
    prefix that runs the server (a network namespace, a tracer)."""
    client = make_test_lsp_client()
    client.metrics = []  # type: ignore[attr-defined]

    client.warmed = []  # type: ignore[attr-defined]

    @client.feature("offgrid/metrics")
    def _metrics(_ls: LanguageClient, params: Any) -> None:
        client.metrics.append(plain(params))  # type: ignore[attr-defined]

    @client.feature("offgrid/warmed")
    def _warmed(_ls: LanguageClient, params: Any) -> None:
        client.warmed.append(plain(params))  # type: ignore[attr-defined]

    args = ["-m", "offgrid", "serve", *extra_args] + (["--model", model] if model else [])
    await client.start_io(*launcher, sys.executable, *args, env=env)
    try:
        client.init_result = await client.initialize_session(  # type: ignore[attr-defined]
            types.InitializeParams(
                capabilities=capabilities or client_capabilities(client_spec),
                initialization_options=init_options,
                workspace_folders=[types.WorkspaceFolder(uri=_file_uri(workspace), name="ws")] if workspace else None,
            )
        )
        yield client
        await asyncio.wait_for(client.shutdown_session(), 30)
    finally:
        server = client._server  # a failed test must not leave the server running (stop() would wait for it)
        if server is not None and server.returncode is None:
            server.kill()
        await client.stop()


def _file_uri(path: str) -> str:
    from pathlib import Path

    return Path(path).resolve().as_uri()


async def wait_ready(client: LanguageClient, timeout: float = 60) -> dict[str, Any]:
    """Poll offgrid/status until the model has loaded or failed."""
    deadline = time.monotonic() + timeout
    while True:
        status = await globals()["status"](client)
        if status["state"] != "loading" and status["state"] != "starting":
            return status
        if time.monotonic() > deadline:
            raise TimeoutError(f"model still loading after {timeout}s: {status}")
        await asyncio.sleep(0.05)


async def status(client: LanguageClient) -> dict[str, Any]:
    """The server's offgrid/status answer as plain data."""
    return plain(await client.protocol.send_request_async("offgrid/status", None))


def open_doc(client: LanguageClient, uri: str, text: str, language: str = "python", version: int = 1) -> None:
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            types.TextDocumentItem(uri=uri, language_id=language, version=version, text=text)
        )
    )


def change_doc(
    client: LanguageClient, uri: str, version: int, start: tuple[int, int], end: tuple[int, int], text: str
) -> None:
    rng = types.Range(types.Position(*start), types.Position(*end))
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            [types.TextDocumentContentChangePartial(range=rng, text=text)],
        )
    )


def inline_params(uri: str, line: int, character: int, invoked: bool = False) -> types.InlineCompletionParams:
    kind = types.InlineCompletionTriggerKind.Invoked if invoked else types.InlineCompletionTriggerKind.Automatic
    return types.InlineCompletionParams(
        context=types.InlineCompletionContext(trigger_kind=kind),
        text_document=types.TextDocumentIdentifier(uri=uri),
        position=types.Position(line, character),
    )


async def complete(
    client: LanguageClient, uri: str, line: int, character: int, invoked: bool = False
) -> types.InlineCompletionList | None:
    result = await client.text_document_inline_completion_async(inline_params(uri, line, character, invoked))
    assert result is None or isinstance(result, types.InlineCompletionList), result
    return result
