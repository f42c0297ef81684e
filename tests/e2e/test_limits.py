"""The caps on document size, index size and action prompt size, through the real server: each is told once
with the setting's name, the server keeps working, and lifting the cause lifts the limit."""

import asyncio
import time

from tests.support.editor import Editor, rng
from tests.support.lsp import complete, running_server, status, wait_ready

URI = "file:///work/big.py"
SMALL = "def area(r):\n    pass\n\n\ndef double(x):\n    return \n"


def said(client, word: str) -> list[str]:
    return [m.message for m in client.messages if word in m.message]


async def test_a_document_over_max_document_bytes_is_told_once_and_left_alone(tiny_model):
    big = SMALL + "x = 1  # filler\n" * 400  # about 6 KB
    options = {"maxDocumentBytes": 4096, "completion": {"prefetch": False, "maxTokens": 4}}
    async with running_server(str(tiny_model), options) as client:
        editor = Editor(client)
        await wait_ready(client)
        editor.open(URI, big)
        for i in range(5):  # typing in it: no suggestion, no second message
            editor.edit(URI, (5, 11 + i), (5, 11 + i), "x")
            result = await complete(client, URI, 5, 12 + i)
            assert result is None or not result.items
        assert await editor.code_actions(URI, (0, 4), (0, 4)) == []
        result = await editor.run_command("offgrid.explain", {"uri": URI, "range": rng((0, 0), (2, 0))})
        assert result is None
        assert len(said(client, "maxDocumentBytes")) == 2, client.messages  # the warning, then the refused command
        [warning] = said(client, "no suggestions or actions")
        assert warning.startswith("offgrid: big.py is 6.") and "over the 4.0 KB limit" in warning
        assert (await status(client))["answers"] == {}  # the model was never asked
        # cut it down under the cap: suggestions come back (the model is asked again)
        editor.edit(URI, (6, 0), (6 + 400, 0), "")
        await complete(client, URI, 5, 16)
        assert (await status(client))["answers"].get("model") == 1
        assert await editor.code_actions(URI, (0, 4), (0, 4))
        assert len(said(client, "no suggestions or actions")) == 1


async def test_an_action_prompt_over_max_prompt_tokens_is_refused_with_the_setting(tiny_model):
    long_function = "def area(r):\n" + "".join(f"    v{i} = r * {i}\n" for i in range(80)) + "    return v1\n"
    async with running_server(str(tiny_model), {"actions": {"maxPromptTokens": 200}}) as client:
        editor = Editor(client)
        await wait_ready(client)
        editor.open(URI, long_function)
        [docstring] = [a for a in await editor.code_actions(URI, (1, 4), (1, 4)) if "docstring" in a.title]
        resolved = await editor.resolve(docstring)
        assert resolved.edit is None
        [message] = said(client, "maxPromptTokens")
        assert "at most 200" in message
        # a short function still gets its action run (the cap is on the prompt, not on actions)
        editor.open("file:///work/small.py", SMALL)
        [docstring] = [
            a for a in await editor.code_actions("file:///work/small.py", (1, 4), (1, 4)) if "doc" in a.title
        ]
        await editor.resolve(docstring)
        assert len(said(client, "maxPromptTokens")) == 1


async def test_a_workspace_over_max_files_is_indexed_up_to_the_cap_and_told_once(tiny_model, tmp_path):
    for i in range(6):
        (tmp_path / f"m{i}.py").write_text(f"def f{i}(): pass\n")
    options = {"context": {"maxFiles": 4}}
    async with running_server(str(tiny_model), options, workspace=str(tmp_path)) as client:
        await wait_ready(client)
        deadline = time.monotonic() + 60
        while not (st := (await status(client))["context"])["indexReady"] or not said(client, "maxFiles"):
            assert time.monotonic() < deadline, (st, client.messages)
            await asyncio.sleep(0.05)
        assert st["indexedFiles"] == 4
        [message] = said(client, "maxFiles")
        assert "more than 4 source files" in message
