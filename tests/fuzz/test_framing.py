"""Byte streams that cannot be split into messages any more (a lying or missing Content-Length, a garbled header):
the server answers -32700 with id null where it can, logs one line, and exits by itself with code 1, without a
traceback and without waiting for the client to close the pipe. A stream that merely stops mid-message ends the
same way once the client closes it."""

import asyncio
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.support.fuzz import Tally, fuzz_settings
from tests.support.raw_lsp import RawClient, message

STATUS = message({"jsonrpc": "2.0", "id": 7, "method": "offgrid/status", "params": None})
EXIT_WITHIN = 20  # seconds; generous for a loaded 2-core machine


async def _started(tiny_model) -> RawClient:
    client = await RawClient.start(str(tiny_model))
    await client.initialize()
    return client


def _clean(client: RawClient) -> None:
    err = client.stderr_text()
    assert "Traceback" not in err, err[-3000:]


@pytest.mark.parametrize(
    "garbage",
    [
        b"Content-Type: application/vscode-jsonrpc\r\n\r\n{}",  # no Content-Length
        b"Content-Length: -5\r\n\r\n{}",
        b"Content-Length: abc\r\n\r\n{}",
        b"Content-Length: 12.5\r\n\r\n{}",
        b"Content-Length: 99999999999999999999\r\n\r\n{}",  # over the limit
        b"Content-Length: 2\r\nContent-Length: 2\r\n\r\n{}",
        b"this is not a header\r\n\r\n",
        b'{"jsonrpc": "2.0", "id": 1, "method": "offgrid/status"}\r\n\r\n',  # a body without any header
    ],
)
async def test_an_unframeable_stream_ends_the_connection_cleanly(tiny_model, garbage):
    client = await _started(tiny_model)
    try:
        client.write(garbage + STATUS)
        await client.drain()
        code = await client.wait_exit(EXIT_WITHIN)  # by itself: stdin is still open
        assert code == 1
        assert client.answers[None][0]["error"]["code"] == -32700
        assert "unreadable message stream" in client.stderr_text()
        _clean(client)
    finally:
        await client.stop()


async def test_a_short_content_length_gets_a_parse_error_then_ends(tiny_model):
    client = await _started(tiny_model)
    try:
        body = json.dumps({"jsonrpc": "2.0", "id": 5, "method": "offgrid/status"}).encode()
        client.write(b"Content-Length: 10\r\n\r\n" + body + STATUS)
        await client.drain()
        assert await client.wait_exit(EXIT_WITHIN) == 1
        assert [a["error"]["code"] for a in client.answers[None]] == [-32700, -32700]  # the cut body, the stream
        _clean(client)
    finally:
        await client.stop()


@pytest.mark.parametrize("tail", [b'Content-Length: 500\r\n\r\n{"jsonrpc"', b"Content-Len", b""])
async def test_a_stream_that_stops_mid_message_ends_when_the_client_closes(tiny_model, tail):
    client = await _started(tiny_model)
    try:
        client.write(STATUS + tail)
        await client.drain()
        assert "result" in await client.answer(7)
        await client.close_stdin()
        assert await client.wait_exit(EXIT_WITHIN) == (1 if tail else 0)
        _clean(client)
    finally:
        await client.stop()


@pytest.mark.parametrize("shutdown", [True, False])
async def test_exit_ends_the_process_even_with_stdin_open(tiny_model, shutdown):
    client = await _started(tiny_model)
    try:
        if shutdown:
            assert (await client.request("shutdown"))["result"] is None
            late = await client.request("offgrid/status", {})
            assert late["error"]["code"] == -32600  # LSP: requests after shutdown are invalid
        client.send("exit")
        await client.drain()
        assert await client.wait_exit(EXIT_WITHIN) == (0 if shutdown else 1)
        _clean(client)
    finally:
        await client.stop()


header_bytes = st.lists(
    st.sampled_from([b"Content-Length: ", b"content-length:", b"12", b"-1", b"x", b":", b" ", b"\r\n", b"\n", b"{}"]),
    max_size=10,
).map(b"".join)


@pytest.mark.timeout(1800)
def test_random_header_bytes_never_hang_or_crash(tiny_model):
    tally = Tally("framing")

    @fuzz_settings(6, scale=0.01)
    @given(prefix=header_bytes)
    def run(prefix):
        asyncio.run(_one(tiny_model, prefix, tally))

    run()
    tally.report()


async def _one(tiny_model, prefix: bytes, tally: Tally) -> None:
    client = await _started(tiny_model)
    try:
        client.write(prefix + STATUS)
        await client.drain()
        await asyncio.sleep(0.2)
        await client.close_stdin()
        code = await client.wait_exit(EXIT_WITHIN)
        assert code in (0, 1)
        if code == 1:
            assert "unreadable message stream" in client.stderr_text()
        tally.add("ended cleanly" if code == 0 else "unframeable, closed")
        _clean(client)
    finally:
        await client.stop()


async def test_initialize_first_then_only_once(tiny_model):
    client = await RawClient.start(str(tiny_model))
    try:
        early = await client.request("offgrid/status", {})
        assert early["error"]["code"] == -32002  # LSP: not initialized
        await client.initialize()
        again = await client.request("initialize", {"capabilities": {}})
        assert again["error"]["code"] == -32600
        assert "result" in await client.request("offgrid/status", {})
    finally:
        await client.stop()
