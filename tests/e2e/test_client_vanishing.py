"""The client closes the pipe (or dies, which the server sees the same way) while a completion and a code action run
on the model: the server stops the model's work and exits by itself, promptly, without a traceback, and no worker
thread keeps the process alive."""

import asyncio
import time

import pytest

from tests.support.raw_lsp import RawClient

URI = "file:///work/vanish.py"
TEXT = "".join(f"def helper_{i}(value):\n    return value * {i}\n\n" for i in range(60))
PROMPT_EXIT_S = 15  # the worker is told to stop at once; this is slack for a loaded 2-core machine


async def _status(client: RawClient) -> dict:
    return (await client.request("offgrid/status", {}))["result"]


async def _busy(slow_model) -> RawClient:
    """A server with a long rewrite running on the model and a completion waiting behind or beside it."""
    client = await RawClient.start(str(slow_model))
    await client.initialize(options={"actions": {"maxTokens": 4000}, "completion": {"prefetch": False}})
    for _ in range(600):
        if (await _status(client))["state"] not in ("starting", "loading"):
            break
        await asyncio.sleep(0.05)
    item = {"uri": URI, "languageId": "python", "version": 1, "text": TEXT}
    client.send("textDocument/didOpen", {"textDocument": item})
    rng = {"start": {"line": 3, "character": 0}, "end": {"line": 5, "character": 0}}
    args = {"uri": URI, "range": rng, "instruction": "inline value"}
    client.send("workspace/executeCommand", {"command": "offgrid.rewrite", "arguments": [args]}, client.new_id())
    for _ in range(600):
        if (await _status(client)).get("actionsRunning"):
            break
        await asyncio.sleep(0.05)
    else:
        raise AssertionError("the rewrite never started")
    position = {"line": 100, "character": 4}
    params = {"textDocument": {"uri": URI}, "position": position, "context": {"triggerKind": 1}}
    client.send("textDocument/inlineCompletion", params, client.new_id())
    await client.drain()
    await asyncio.sleep(0.2)
    return client


@pytest.mark.parametrize("how", ["both pipes", "stdin only"])
async def test_the_server_exits_promptly_when_the_client_vanishes_mid_request(slow_model, how):
    client = await _busy(slow_model)
    try:
        t0 = time.monotonic()
        await client.close_stdin()
        if how == "both pipes":
            client.proc._transport.get_pipe_transport(1).close()  # type: ignore[attr-defined]
        code = await client.wait_exit(60)
        elapsed = time.monotonic() - t0
        err = client.stderr_text()
        assert code == 0, err[-3000:]
        assert elapsed < PROMPT_EXIT_S, (elapsed, err[-3000:])
        assert "the client closed the connection" in err
        assert "Traceback" not in err, err[-3000:]
    finally:
        await client.stop()
