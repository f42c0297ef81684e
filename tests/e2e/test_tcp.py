"""`offgrid serve --tcp`: the same framing and message checks as stdio, one client, and the process ends with it."""

import asyncio
import json
import socket
import sys

from tests.support.raw_lsp import message


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def _read(reader: asyncio.StreamReader) -> dict:
    length = None
    while (line := await reader.readline()) not in (b"\r\n", b""):
        name, _, value = line.decode().partition(":")
        if name.lower() == "content-length":
            length = int(value)
    assert length is not None
    return json.loads(await reader.readexactly(length))


async def _answer(reader: asyncio.StreamReader, msg_id: int) -> dict:
    while "id" not in (msg := await _read(reader)) or msg["id"] != msg_id or "method" in msg:
        pass
    return msg


async def test_a_tcp_client_is_served_and_its_exit_ends_the_server(tiny_model):
    port = _free_port()
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "offgrid",
        "serve",
        "--model",
        str(tiny_model),
        "--tcp",
        f"127.0.0.1:{port}",
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        for _ in range(400):
            try:
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
                break
            except OSError:
                await asyncio.sleep(0.05)
        else:
            raise AssertionError("the server never listened")
        send = lambda payload: writer.write(message({"jsonrpc": "2.0", **payload}))  # noqa: E731
        send({"id": 1, "method": "initialize", "params": {"capabilities": {}}})
        assert "capabilities" in (await _answer(reader, 1))["result"]
        send({"method": "initialized", "params": {}})
        send({"id": 2, "method": "offgrid/status"})  # no params
        assert (await _answer(reader, 2))["result"]["version"]
        writer.write(b"Content-Length: 5\r\n\r\n{bad}")
        send({"id": 3, "method": "shutdown"})
        assert (await _answer(reader, 3))["result"] is None
        send({"method": "exit"})
        await writer.drain()
        assert await asyncio.wait_for(proc.wait(), 20) == 0
        err = (await proc.stderr.read()).decode()
        assert "Traceback" not in err and "parse error" in err
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
