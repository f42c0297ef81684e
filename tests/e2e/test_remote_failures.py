"""Remote backends through `offgrid serve` over stdio, against a loopback stand-in that can misbehave on cue:
request shapes, one message per outage, empty suggestions, recovery, and streams closed on cancel."""

import asyncio
import os
import socket

import pytest
from lsprotocol import types

from tests.support.lsp import complete, inline_params, open_doc, running_server, status, wait_ready
from tests.support.stand_in_server import StandIn

URI = "file:///work/example.py"
TEXT = "def add(a, b):\n    return \n"
NO_MEMORY = {"reuseSuggestions": False, "prefetch": False}


def no_local_model_env(tmp_path) -> dict[str, str]:
    """A model path that does not exist and an empty cache: any attempt to load or fetch a model would fail."""
    return {**os.environ, "OFFGRID_MODEL": str(tmp_path / "missing.gguf"), "OFFGRID_CACHE": str(tmp_path / "cache")}


def options(kind: str, url: str, **remote) -> dict:
    return {"backend": kind, "remote": {"url": url, **remote}, "completion": NO_MEMORY}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def warnings(client) -> list[str]:
    return [m.message for m in client.messages if m.type == types.MessageType.Warning]


async def test_openai_backend_sends_a_raw_fim_prompt_and_loads_no_model(tmp_path):
    server = await StandIn().start()
    try:
        env = {**no_local_model_env(tmp_path), "TEAM_KEY": "sekret"}
        async with running_server(None, options("openai", server.url + "/v1", apiKeyEnv="TEAM_KEY"), env=env) as c:
            st = await wait_ready(c)
            assert st["state"] == "ready" and "model" not in st, st
            assert st["backend"]["kind"] == "openai" and st["backend"]["url"] == server.url
            open_doc(c, URI, TEXT)
            result = await complete(c, URI, 1, 11)
            assert result is not None and result.items[0].insert_text == "a + b"
            assert result.items[0].range.start == types.Position(1, 11)
            path, body = server.requests[-1]
            assert path == "/v1/completions"
            # the model id names Qwen2.5-Coder, so its template, laid out PSM with the typed line ending the prefix;
            # its trailing space is held back
            assert body["prompt"] == "<|fim_prefix|>def add(a, b):\n    return<|fim_suffix|>\n<|fim_middle|>"
            assert body["model"] == "stand-in-qwen2.5-coder" and body["stream"] is True and body["temperature"] == 0
            assert "<|endoftext|>" in body["stop"]
            assert server.headers[-1]["authorization"] == "Bearer sekret"
            st = await status(c)
            assert st["last"]["roundTripMs"] > 0 and st["last"]["generated"] == 3
            assert st["backend"]["model"] == "stand-in-qwen2.5-coder" and st["backend"]["fim"] == "qwen2.5-coder"
            assert not warnings(c)  # loopback http: no warning
            assert "sekret" not in repr(st)
    finally:
        await server.stop()


async def test_infill_backend_request_shape(tmp_path):
    server = await StandIn().start()
    try:
        async with running_server(None, options("infill", server.url), env=no_local_model_env(tmp_path)) as c:
            await wait_ready(c)
            open_doc(c, URI, TEXT)
            result = await complete(c, URI, 1, 11)
            assert result is not None and result.items[0].insert_text == "a + b"
            path, body = server.requests[-1]
            assert path == "/infill"
            assert body["input_prefix"] == "def add(a, b):\n" and body["input_suffix"] == "\n"
            assert body["prompt"] == "    return" and body["input_extra"] == []
            assert body["cache_prompt"] is True and body["stream"] is True
            assert "n_indent" not in body and body["t_max_predict_ms"] == 1500  # a return statement: one line
            last = (await status(c))["last"]
            assert last["remoteServerMs"] == 3.0 and last["evaluated"] == 5 and last["reused"] == 2
            # in an empty block the suggestion may run to the block's end: the server stops at a dedent
            open_doc(c, "file:///work/block.py", "def add(a, b):\n    \n")
            await complete(c, "file:///work/block.py", 1, 4)
            assert server.requests[-1][1]["n_indent"] == 4
    finally:
        await server.stop()


async def test_refused_connection_one_message_empty_suggestions_then_recovery(tmp_path):
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    async with running_server(None, options("openai", url, model="m"), env=no_local_model_env(tmp_path)) as c:
        await wait_ready(c)
        open_doc(c, URI, TEXT)
        for _ in range(3):
            result = await complete(c, URI, 1, 11)
            assert result is None or not result.items
        assert len(warnings(c)) == 1, c.messages
        assert "cannot reach" in warnings(c)[0] and "connection refused" in warnings(c)[0]
        server = await StandIn().start(port)  # the server comes back on the same port
        try:
            result = await complete(c, URI, 1, 11)
            assert result is not None and result.items[0].insert_text == "a + b"
            infos = [m.message for m in c.messages if m.type == types.MessageType.Info]
            assert any("answers again" in m for m in infos), c.messages
        finally:
            await server.stop()
        assert (await status(c))["state"] == "ready"


@pytest.mark.parametrize(
    ("mode", "expected", "remote"),
    [
        ("http500", "answered HTTP 500: model crashed", {}),
        ("malformed", "malformed answer (not JSON)", {}),
        ("unstreamed", "no server-sent events", {}),
        ("drop", "broke off the answer", {}),
        ("silent", "sent nothing for 0.5 s", {"readTimeoutMs": 500}),
    ],
)
async def test_server_failures_give_one_clear_message_and_no_suggestion(tmp_path, mode, expected, remote):
    server = await StandIn(mode=mode).start()
    try:
        opts = options("infill", server.url, **remote)
        async with running_server(None, opts, env=no_local_model_env(tmp_path)) as c:
            await wait_ready(c)
            open_doc(c, URI, TEXT)
            for _ in range(2):
                result = await complete(c, URI, 1, 11)
                assert result is None or not result.items
            assert len(warnings(c)) == 1 and expected in warnings(c)[0], c.messages
            server.mode = "ok"  # fixed: the next request succeeds
            result = await complete(c, URI, 1, 11)
            assert result is not None and result.items[0].insert_text == "a + b"
    finally:
        await server.stop()


async def test_cancelling_a_request_closes_the_stream(tmp_path):
    server = await StandIn(mode="slow", pieces=("x",) * 50, piece_delay_s=0.2).start()
    try:
        opts = options("openai", server.url, model="m")
        async with running_server(None, opts, env=no_local_model_env(tmp_path)) as c:
            await wait_ready(c)
            open_doc(c, URI, TEXT)
            method = types.TEXT_DOCUMENT_INLINE_COMPLETION
            task = asyncio.ensure_future(c.protocol.send_request_async(method, inline_params(URI, 1, 11), msg_id="r1"))
            while not server.requests:
                await asyncio.sleep(0.05)
            await asyncio.sleep(0.5)
            c.protocol.notify("$/cancelRequest", types.CancelParams(id="r1"))  # what VS Code sends
            with pytest.raises(Exception, match="cancel"):
                await task
            for _ in range(40):
                if server.closed_early:
                    break
                await asyncio.sleep(0.05)
            assert server.closed_early == 1  # long before the 10 s the stream would take
            assert (await status(c))["state"] == "ready"
    finally:
        await server.stop()


async def test_a_stop_rule_closes_the_stream_early(tmp_path):
    # mid-line: the first line ends the suggestion, and the rest is never generated
    server = await StandIn(mode="slow", pieces=("b", ")", "\n", *("y",) * 50), piece_delay_s=0.05).start()
    try:
        opts = options("openai", server.url, model="m")
        async with running_server(None, opts, env=no_local_model_env(tmp_path)) as c:
            await wait_ready(c)
            open_doc(c, URI, "print(a, )\n")
            result = await complete(c, URI, 0, 9)
            assert result is not None and result.items[0].insert_text == "b"
            for _ in range(40):
                if server.closed_early:
                    break
                await asyncio.sleep(0.05)
            assert server.closed_early == 1
    finally:
        await server.stop()


async def test_plain_http_to_another_machine_warns_once(tmp_path):
    # 192.0.2.1 is TEST-NET-1 (never routed): nothing is sent until a completion is asked for
    async with running_server(None, options("openai", "http://192.0.2.1:8080"), env=no_local_model_env(tmp_path)) as c:
        await wait_ready(c)
        # the status can say ready a moment before the warning reaches the client (shown once loading is over)
        for _ in range(100):
            if warnings(c):
                break
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.2)  # a second one would have come by now
        assert len(warnings(c)) == 1 and "unencrypted" in warnings(c)[0]


async def test_remote_without_url_reports_the_setting(tmp_path):
    async with running_server(None, {"backend": "infill"}, env=no_local_model_env(tmp_path)) as c:
        st = await wait_ready(c)
        assert st["state"] == "failed" and "remote.url" in st["error"]
