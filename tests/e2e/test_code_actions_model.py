"""Code actions with the real Qwen2.5-Coder-0.5B-Instruct model, driven as an editor would drive them."""

import ast
import asyncio

import pytest
from lsprotocol import types

from tests.support.editor import Editor, rng
from tests.support.lsp import running_server, wait_ready

pytestmark = pytest.mark.model
URI = "file:///work/stats.py"
TEXT = """import os


def moving_average(values, window):
    result = []
    for i in range(len(values) - window + 1):
        result.append(sum(values[i : i + window]) / window)
    return result


def python_files(root):
    found = []
    for name in os.listdir(root):
        if name.endswith(".py"):
            found.append(name)
    return found
"""


async def test_add_docstring_resolves_an_edit_that_keeps_the_file_parsing(qwen_model):
    async with running_server(str(qwen_model)) as client:
        editor = Editor(client)
        await wait_ready(client, timeout=120)
        editor.open(URI, TEXT)
        actions = await editor.code_actions(URI, (4, 4), (4, 4))
        [docstring] = [a for a in actions if a.title == "offgrid: Add docstring"]
        resolved = await editor.resolve(docstring)
        assert resolved.edit is not None, [m.message for m in client.messages]
        assert editor.apply(resolved.edit)
        text = editor.texts[URI]
        tree = ast.parse(text)
        functions = {f.name: f for f in tree.body if isinstance(f, ast.FunctionDef)}
        doc = ast.get_docstring(functions["moving_average"])
        assert doc and len(doc.split()) >= 3
        assert ast.get_docstring(functions["python_files"]) is None
        # one insertion before the body's first line: the code itself is untouched
        [change] = resolved.edit.document_changes
        [edit] = change.edits
        assert edit.range.start == edit.range.end == types.Position(4, 0)
        assert text == TEXT.replace("    result = []\n", edit.new_text + "    result = []\n", 1)


async def test_rewrite_by_instruction_changes_only_the_selection(qwen_model):
    async with running_server(str(qwen_model)) as client:
        editor = Editor(client)
        await wait_ready(client, timeout=120)
        editor.open(URI, TEXT)
        # lines 11-14: the loop that fills `found`
        result = await editor.run_command(
            "offgrid.rewrite", {"uri": URI, "range": rng((11, 0), (15, 0)), "instruction": "use a list comprehension"}
        )
        assert result["applied"], [m.message for m in client.messages]
        text = editor.texts[URI]
        lines, old = text.splitlines(keepends=True), TEXT.splitlines(keepends=True)
        assert lines[:11] == old[:11] and lines[-1:] == old[-1:]  # before and after the selection: untouched
        middle = "".join(lines[11:-1])
        assert middle != "".join(old[11:15]) and "for name in os.listdir(root)" in middle and "[" in middle
        ast.parse(text)
        [edit] = editor.applied
        [change] = edit.document_changes
        r = change.edits[0].range
        assert r.start.line >= 11 and r.end.line <= 15  # the edit covers the changed lines only
        progress = [v for k, v in client.progress_reports.items() if str(k).startswith("offgrid-action-")]
        assert progress and isinstance(progress[0][0], types.WorkDoneProgressBegin) and progress[0][0].cancellable


async def test_cancelling_a_rewrite_mid_way_leaves_the_document_as_it_was(qwen_model):
    async with running_server(str(qwen_model)) as client:
        editor = Editor(client)
        await wait_ready(client, timeout=120)
        editor.open(URI, TEXT)
        task = editor.start_command(
            "offgrid.rewrite", {"uri": URI, "range": rng((3, 0), (8, 0)), "instruction": "add type hints"}
        )
        token = None
        while token is None:
            token = next((k for k in client.progress_reports if str(k).startswith("offgrid-action-")), None)
            await asyncio.sleep(0.02)
        await asyncio.sleep(1.0)  # the model is evaluating the prompt or generating
        client.window_work_done_progress_cancel(types.WorkDoneProgressCancelParams(token=token))
        result = await asyncio.wait_for(task, 60)
        assert not result["applied"] and not editor.applied
        assert editor.texts[URI] == TEXT
        end = client.progress_reports[token][-1]
        assert isinstance(end, types.WorkDoneProgressEnd) and end.message == "cancelled"
