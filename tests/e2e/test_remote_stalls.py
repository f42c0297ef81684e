"""Remote model servers that never finish, answer with something that is not HTTP, or never accept the
connection: each ends within the request's time limits with one clear message, and the next request recovers.
(test_remote_failures.py covers refusals, HTTP errors, malformed streams and silence.)"""

import asyncio
import socket
import time

import pytest

from tests.e2e.test_remote_failures import TEXT, URI, no_local_model_env, warnings
from tests.support.lsp import complete, open_doc, running_server, status, wait_ready
from tests.support.stand_in_server import StandIn

LIMITS = {"reuseSuggestions": False, "prefetch": False, "promptTimeMs": 1000, "generateTimeMs": 500}


def options(kind: str, url: str, **remote) -> dict:
    return {"backend": kind, "remote": {"url": url, "model": "m", **remote}, "completion": LIMITS}


@pytest.mark.parametrize("kind", ["infill", "openai"])
async def test_a_server_trickling_tokens_is_cut_at_the_time_limits(tmp_path, kind):
    server = await StandIn(mode="slow", pieces=("x",) * 10_000, piece_delay_s=0.1).start()  # 1,000 s of answer
    try:
        async with running_server(None, options(kind, server.url), env=no_local_model_env(tmp_path)) as c:
            await wait_ready(c)
            open_doc(c, URI, TEXT)
            started = time.monotonic()
            result = await complete(c, URI, 1, 11)
            assert time.monotonic() - started < 30  # 1.5 s of limits, against 1,000 s of stream
            assert result is not None and result.items and set(result.items[0].insert_text) == {"x"}
            assert (await status(c))["last"]["stopReason"] == "time"
            for _ in range(40):  # the stand-in notices the closed stream at its next write
                if server.closed_early:
                    break
                await asyncio.sleep(0.05)
            assert server.closed_early == 1
            assert not warnings(c)  # slow, but it answered
    finally:
        await server.stop()


@pytest.mark.parametrize("kind", ["infill", "openai"])
async def test_a_server_sending_only_keep_alives_gives_one_message_then_recovers(tmp_path, kind):
    server = await StandIn(mode="slow", pieces=("",) * 10_000, piece_delay_s=0.1).start()  # events, never text
    try:
        async with running_server(None, options(kind, server.url), env=no_local_model_env(tmp_path)) as c:
            await wait_ready(c)
            open_doc(c, URI, TEXT)
            for _ in range(2):
                started = time.monotonic()
                result = await complete(c, URI, 1, 11)
                assert time.monotonic() - started < 30
                assert result is None or not result.items
            assert len(warnings(c)) == 1, c.messages
            assert "sent no text within 1 s (completion.promptTimeMs)" in warnings(c)[0]
            server.mode, server.pieces = "ok", ("a", " +", " b")
            result = await complete(c, URI, 1, 11)
            assert result is not None and result.items[0].insert_text == "a + b"
    finally:
        await server.stop()


async def test_an_answer_that_is_not_http_gives_one_message_then_recovers(tmp_path):
    server = await StandIn(mode="garbage").start()
    try:
        async with running_server(None, options("infill", server.url), env=no_local_model_env(tmp_path)) as c:
            await wait_ready(c)
            open_doc(c, URI, TEXT)
            for _ in range(2):
                result = await complete(c, URI, 1, 11)
                assert result is None or not result.items
            assert len(warnings(c)) == 1 and "answered with something that is not HTTP" in warnings(c)[0], c.messages
            server.mode = "ok"
            result = await complete(c, URI, 1, 11)
            assert result is not None and result.items[0].insert_text == "a + b"
    finally:
        await server.stop()


async def test_a_connection_never_accepted_times_out_with_a_message(tmp_path):
    # a listener whose backlog is full: the kernel drops further SYNs, so connecting hangs until the timeout
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    fillers = []
    for _ in range(4):
        s = socket.socket()
        s.setblocking(False)
        s.connect_ex(listener.getsockname())
        fillers.append(s)
    url = f"http://127.0.0.1:{listener.getsockname()[1]}"
    try:
        opts = options("infill", url, connectTimeoutMs=300)
        async with running_server(None, opts, env=no_local_model_env(tmp_path)) as c:
            await wait_ready(c)
            open_doc(c, URI, TEXT)
            started = time.monotonic()
            result = await complete(c, URI, 1, 11)
            assert time.monotonic() - started < 30
            assert result is None or not result.items
            assert len(warnings(c)) == 1 and "connection timed out" in warnings(c)[0], c.messages
            assert (await status(c))["state"] == "ready"
    finally:
        for s in fillers:
            s.close()
        listener.close()
