"""Code actions on a remote backend, against a loopback stand-in for the model server: what /v1/chat/completions
is sent (with the prefill only where the server continues it), the edit from either kind of answer, a cancel that
closes the stream, and a server failure that becomes one message."""

import asyncio

from lsprotocol import types

from tests.e2e.test_code_actions import end_message, started
from tests.e2e.test_remote_failures import no_local_model_env, options
from tests.support.editor import Editor, rng
from tests.support.lsp import running_server, wait_ready
from tests.support.stand_in_server import StandIn

URI = "file:///work/circle.py"
TEXT = "def area(r):\n    return 3.14159 * r * r\n"
DOCUMENTED = 'def area(r):\n    """Area of a circle of radius r."""\n    return 3.14159 * r * r\n'


async def _docstring(kind: str, pieces: tuple[str, ...], tmp_path) -> tuple[StandIn, str]:
    rest = ("x = 1\n",) * 20  # never sent: the closing quotes end the answer
    server = await StandIn(mode="slow", pieces=pieces + rest, piece_delay_s=0.05).start()
    try:
        async with running_server(None, options(kind, server.url), env=no_local_model_env(tmp_path)) as client:
            editor = Editor(client)
            await wait_ready(client)
            editor.open(URI, TEXT)
            actions = await editor.code_actions(URI, (0, 4), (0, 4))
            [docstring] = [a for a in actions if a.title == "offgrid: Add docstring"]
            resolved = await editor.resolve(docstring)
            assert resolved.edit is not None, [m.message for m in client.messages]
            assert editor.apply(resolved.edit)
            for _ in range(40):
                if server.closed_early:
                    break
                await asyncio.sleep(0.05)
            return server, editor.texts[URI]
    finally:
        await server.stop()


async def test_an_openai_compatible_server_writes_the_whole_answer_and_the_prefill_is_skipped(tmp_path):
    whole = ("Here it is:\n```python\n", "def area(r):\n", '    """Area of a circle', ' of radius r."""\n', "    ret")
    server, text = await _docstring("openai", whole, tmp_path)
    assert text == DOCUMENTED
    [(path, body)] = [r for r in server.requests if r[0] != "/v1/models"]
    assert path == "/v1/chat/completions" and body["stream"] is True and body["temperature"] == 0
    assert [m["role"] for m in body["messages"]] == ["system", "user"]  # no prefill: the server would close it
    assert "def area(r):" in body["messages"][1]["content"] and body["model"] == "stand-in-qwen2.5-coder"
    assert server.closed_early == 1


async def test_llama_server_gets_the_prefill_and_continues_it(tmp_path):
    server, text = await _docstring("infill", ("Area of a circle", ' of radius r."""\n', "    return"), tmp_path)
    assert text == DOCUMENTED
    [(path, body)] = server.requests
    assert server.closed_early == 1
    assert path == "/v1/chat/completions"
    assert body["messages"][-1] == {"role": "assistant", "content": '```python\ndef area(r):\n    """'}


async def test_cancelling_a_remote_action_closes_the_stream(tmp_path):
    server = await StandIn(mode="slow", pieces=("x = 1\n",) * 100, piece_delay_s=0.1).start()
    try:
        async with running_server(None, options("openai", server.url), env=no_local_model_env(tmp_path)) as client:
            editor = Editor(client)
            await wait_ready(client)
            editor.open(URI, TEXT)
            args = {"uri": URI, "range": rng((0, 0), (2, 0)), "instruction": "use math.pi"}
            task = editor.start_command("offgrid.rewrite", args)
            token = await started(client)
            while not any(p == "/v1/chat/completions" for p, _ in server.requests):
                await asyncio.sleep(0.05)
            await asyncio.sleep(0.3)
            client.window_work_done_progress_cancel(types.WorkDoneProgressCancelParams(token=token))
            result = await asyncio.wait_for(task, 30)
            assert not result["applied"] and end_message(client, token) == "cancelled"
            for _ in range(40):
                if server.closed_early:
                    break
                await asyncio.sleep(0.05)
            assert server.closed_early == 1  # long before the 10 s the stream would take
            assert editor.texts[URI] == TEXT and not editor.applied
    finally:
        await server.stop()


async def test_a_server_error_during_an_action_is_one_clear_message(tmp_path):
    server = await StandIn(mode="http500").start()
    try:
        async with running_server(None, options("openai", server.url), env=no_local_model_env(tmp_path)) as client:
            editor = Editor(client)
            await wait_ready(client)
            editor.open(URI, TEXT)
            args = {"uri": URI, "range": rng((0, 0), (2, 0)), "instruction": "use math.pi"}
            result = await editor.run_command("offgrid.rewrite", args)
            assert not result["applied"] and editor.texts[URI] == TEXT
            said = [m.message for m in client.messages if m.type != types.MessageType.Info]
            assert len(said) == 1 and "HTTP 500" in said[0] and "model crashed" in said[0], said
            assert (await wait_ready(client))["state"] == "ready"
    finally:
        await server.stop()
