"""The model file deleted, truncated or replaced under a running server, and broken GGUF files at start-up.

llama.cpp memory-maps weights by default, and truncating a mapped file kills the process with SIGBUS on the next
access (seen with the 0.5B model: exit status 135). offgrid reads the weights into memory instead, so the server
keeps serving; with `engine.mmap` it stops using the model before touching the mapping again.
"""

import asyncio
import os
import shutil
from pathlib import Path

import pytest
from lsprotocol import types

from tests.support.lsp import complete, open_doc, running_server, status, wait_ready

URI = "file:///work/example.py"
FRESH = {"completion": {"reuseSuggestions": False, "prefetch": False}}  # every request reaches the model


def damage(path: Path, fault: str) -> None:
    if fault == "deleted":
        path.unlink()
    elif fault == "truncated":
        os.truncate(path, 4096)  # the header survives, the weights do not
    elif fault == "replaced":  # an update written next to it and renamed over it, as package managers do
        other = path.with_name("other.gguf")
        other.write_bytes(b"GGUF" + b"\0" * 100)
        other.replace(path)


def messages(client, kind: types.MessageType) -> list[str]:
    return [m.message for m in client.messages if m.type == kind]


async def evaluated(client) -> int:
    return (await status(client))["totals"]["evaluated"]


@pytest.mark.parametrize("fault", ["deleted", "truncated", "replaced"])
async def test_model_file_damaged_while_serving_keeps_suggestions_coming(fault, tmp_path, tiny_model):
    model = tmp_path / "model.gguf"
    shutil.copyfile(tiny_model, model)
    async with running_server(str(model), FRESH) as client:
        assert (await wait_ready(client))["state"] == "ready"
        open_doc(client, URI, "def add(a, b):\n    return ")
        await complete(client, URI, 1, 11)
        before = await evaluated(client)
        damage(model, fault)
        for column in (11, 10, 11):  # the model runs on after the fault: its weights are in memory
            assert isinstance(await complete(client, URI, 1, column, invoked=True), types.InlineCompletionList)
        st = await status(client)
        assert st["state"] == "ready", st
        assert st["totals"]["evaluated"] > before
        await asyncio.sleep(0.2)
        warnings = [m for m in messages(client, types.MessageType.Warning) if str(model) in m]
        assert len(warnings) == 1, client.messages  # said once, not per keystroke
        assert fault in warnings[0] and "keeps serving the copy in memory" in warnings[0]
        assert messages(client, types.MessageType.Error) == []


async def test_mapped_model_truncated_stops_suggestions_with_a_message_instead_of_dying(tmp_path, tiny_model):
    model = tmp_path / "model.gguf"
    shutil.copyfile(tiny_model, model)
    async with running_server(str(model), {**FRESH, "engine": {"mmap": True}}) as client:
        assert (await wait_ready(client))["state"] == "ready"
        open_doc(client, URI, "def add(a, b):\n    return ")
        await complete(client, URI, 1, 11)
        damage(model, "truncated")
        for column in (11, 10):
            result = await complete(client, URI, 1, column, invoked=True)
            assert result is not None and result.items == ()
        st = await status(client)  # the process is alive and answers
        assert st["state"] == "failed" and "truncated" in st["error"] and "engine.mmap" in st["error"]
        await asyncio.sleep(0.2)
        errors = messages(client, types.MessageType.Error)
        assert len(errors) == 1 and "truncated" in errors[0] and "restarts" in errors[0], errors


@pytest.mark.model
async def test_real_model_truncated_while_serving_gives_the_same_suggestion(tmp_path, qwen_model):
    """The 0.5B model died with SIGBUS here when its file was truncated, before weights were read into memory."""
    model = tmp_path / "model.gguf"
    shutil.copyfile(qwen_model, model)
    async with running_server(str(model), {**FRESH, "engine": {"threads": 1}}) as client:
        assert (await wait_ready(client, timeout=120))["state"] == "ready"
        open_doc(client, URI, "def add(a, b):\n    return ")
        first = await complete(client, URI, 1, 11, invoked=True)
        damage(model, "truncated")
        second = await complete(client, URI, 1, 11, invoked=True)
        assert first is not None and second is not None
        assert first.items and first.items[0].insert_text.startswith("a + b")
        assert [i.insert_text for i in second.items] == [i.insert_text for i in first.items]
        assert (await status(client))["state"] == "ready"


@pytest.mark.parametrize("keep", [5000, "half", "all-but-one"])
async def test_truncated_gguf_at_start_is_reported_once_and_the_server_keeps_answering(keep, tmp_path, tiny_model):
    data = tiny_model.read_bytes()
    size = {"half": len(data) // 2, "all-but-one": len(data) - 1}.get(keep, keep)
    model = tmp_path / "cut.gguf"
    model.write_bytes(data[:size])
    async with running_server(str(model)) as client:
        st = await wait_ready(client)
        assert st["state"] == "failed" and str(model) in st["error"]
        open_doc(client, URI, "x = ")
        assert (await complete(client, URI, 0, 4)).items == ()
        await asyncio.sleep(0.2)
        errors = messages(client, types.MessageType.Error)
        assert len(errors) == 1 and "is the file complete?" in errors[0], errors
