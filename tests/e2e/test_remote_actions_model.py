"""Code actions on real model servers with the 0.5B coder model, through `offgrid serve` over stdio: the same
plans and clean-up as on the local model, only the model call goes to /v1/chat/completions."""

import ast
import asyncio

import pytest
from lsprotocol import types

from tests.e2e.test_code_actions import end_message, started
from tests.e2e.test_code_actions_model import TEXT, URI
from tests.e2e.test_remote_failures import no_local_model_env, options
from tests.support.editor import Editor, rng
from tests.support.lsp import complete, running_server, wait_ready

pytestmark = pytest.mark.model


def _with_remote(kind: str, url: str, tmp_path):
    # a server notices a closed stream only between prompt batches: on a busy machine a completion that preempts
    # an action can wait for the action's prompt for longer than the default read timeout
    return running_server(None, options(kind, url, readTimeoutMs=180_000), env=no_local_model_env(tmp_path))


async def test_add_docstring_through_llama_cpp_python_servers_chat_endpoint(openai_url, tmp_path):
    async with _with_remote("openai", openai_url, tmp_path) as client:
        editor = Editor(client)
        await wait_ready(client)
        editor.open(URI, TEXT)
        actions = await editor.code_actions(URI, (4, 4), (4, 4))
        [docstring] = [a for a in actions if a.title == "offgrid: Add docstring"]
        resolved = await editor.resolve(docstring)
        assert resolved.edit is not None, [m.message for m in client.messages]
        assert editor.apply(resolved.edit)
        tree = ast.parse(editor.texts[URI])
        functions = {f.name: f for f in tree.body if isinstance(f, ast.FunctionDef)}
        doc = ast.get_docstring(functions["moving_average"])
        assert doc and len(doc.split()) >= 3 and "def " not in doc and "```" not in doc
        [change] = resolved.edit.document_changes
        [edit] = change.edits
        assert edit.range.start == edit.range.end == types.Position(4, 0)  # an insertion: the code is untouched


async def test_rewrite_through_llama_server_which_continues_the_prefill(infill_url, tmp_path):
    async with _with_remote("infill", infill_url, tmp_path) as client:
        editor = Editor(client)
        await wait_ready(client)
        editor.open(URI, TEXT)
        args = {"uri": URI, "range": rng((11, 0), (15, 0)), "instruction": "use a list comprehension"}
        result = await editor.run_command("offgrid.rewrite", args)
        assert result["applied"], [m.message for m in client.messages]
        text = editor.texts[URI]
        lines, old = text.splitlines(keepends=True), TEXT.splitlines(keepends=True)
        assert lines[:11] == old[:11] and lines[-1:] == old[-1:]  # before and after the selection: untouched
        middle = "".join(lines[11:-1])
        assert "for name in os.listdir(root)" in middle and "[" in middle and "```" not in middle
        ast.parse(text)


@pytest.mark.parametrize("kind", ["openai", "infill"])
async def test_a_completion_preempts_a_remote_action_which_then_finishes(kind, request, tmp_path):
    """openai (llama-cpp-python's server) asks again from the start; infill (llama-server) goes on from the text
    it had, sent back as the start of the answer."""
    url = request.getfixturevalue(f"{kind}_url")
    async with _with_remote(kind, url, tmp_path) as client:
        editor = Editor(client)
        await wait_ready(client)
        editor.open(URI, TEXT)
        editor.open("file:///work/add.py", "def add(a, b):\n    return \n")
        args = {"uri": URI, "range": rng((11, 0), (15, 0)), "instruction": "use a list comprehension"}
        task = editor.start_command("offgrid.rewrite", args)
        token = await started(client)
        # one model worker: the completion is answered only because the action's stream was closed for it
        result = await complete(client, "file:///work/add.py", 1, 11)
        assert result is not None and result.items[0].insert_text == "a + b"
        assert end_message(client, token) is None and not task.done()
        result = await asyncio.wait_for(task, 300)
        assert result["applied"], [m.message for m in client.messages]  # asked again, and finished
        ast.parse(editor.texts[URI])
