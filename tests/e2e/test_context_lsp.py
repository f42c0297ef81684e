"""The context over LSP: workspace indexing with progress, watched files and saves, odd files, and (with the
real model) a suggestion that uses a function defined in another file."""

import asyncio
import os
import time

import pytest
from lsprotocol import types

from tests.support.lsp import change_doc, complete, open_doc, running_server, status, wait_ready

WIRE = '''"""Wire format for the relay."""


class Packet:
    def __init__(self, kind: str, body: bytes) -> None:
        self.kind = kind
        self.body = body


def encode_packet_v3(packet: Packet, *, compress: bool = False) -> bytes:
    """Serialize a packet for the wire."""
    head = packet.kind.encode() + b":"
    return head + (packet.body if not compress else packet.body[::-1])
'''
MAIN = "import wire\n\n\ndef send(sock, kind, body):\n    packet = wire.Packet(kind, body)\n    data = wire.\n"


async def wait_indexed(client, files: int, timeout: float = 60) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        st = (await status(client))["context"]
        if st["indexReady"] and st["indexedFiles"] >= files:
            return st
        assert time.monotonic() < deadline, st
        await asyncio.sleep(0.05)


async def test_workspace_is_indexed_with_progress_and_follows_watched_files_and_saves(tiny_model, tmp_path):
    (tmp_path / "wire.py").write_text(WIRE)
    (tmp_path / "big.py").write_text("x = 1\n" * 400_000)  # over the size limit: skipped
    os.symlink(tmp_path, tmp_path / "loop")  # a symlink loop: not followed
    (tmp_path / ".gitignore").write_text("ignored/\n")
    (tmp_path / "ignored").mkdir()
    (tmp_path / "ignored" / "x.py").write_text("def hidden(): pass\n")
    async with running_server(str(tiny_model), workspace=str(tmp_path)) as client:
        await wait_ready(client)
        st = await wait_indexed(client, 1)
        assert st["roots"] == [str(tmp_path.resolve())] and st["indexedFiles"] == 1
        reports = [r for values in client.progress_reports.values() for r in values]
        titles = [r.title for r in reports if isinstance(r, types.WorkDoneProgressBegin)]
        assert "offgrid: indexing the workspace" in titles
        assert isinstance(reports[-1], types.WorkDoneProgressEnd)

        new = tmp_path / "codec.py"
        new.write_text("def decode_packet(data: bytes): ...\n")
        client.workspace_did_change_watched_files(
            types.DidChangeWatchedFilesParams([types.FileEvent(new.as_uri(), types.FileChangeType.Created)])
        )
        await wait_indexed(client, 2)
        new.unlink()
        client.workspace_did_change_watched_files(
            types.DidChangeWatchedFilesParams([types.FileEvent(new.as_uri(), types.FileChangeType.Deleted)])
        )
        main = tmp_path / "main.py"
        main.write_text(MAIN)
        client.text_document_did_save(types.DidSaveTextDocumentParams(types.TextDocumentIdentifier(main.as_uri())))
        await asyncio.sleep(0.2)
        assert (await status(client))["context"]["indexedFiles"] == 2  # wire.py and the saved main.py

        open_doc(client, main.as_uri(), MAIN)
        result = await complete(client, main.as_uri(), 5, 16)
        assert result is not None
        assert (await status(client))["context"]["lastPackMs"] > 0


async def test_broken_and_odd_documents_never_break_completion(tiny_model, tmp_path):
    async with running_server(str(tiny_model), workspace=str(tmp_path)) as client:
        await wait_ready(client)
        docs = {
            "broken.py": "def f(:\n    class (\n  return ]]\n",
            "long.js": "var a = [" + "1," * 50_000 + "];\n",
            "min.ts": "function f(){" * 3000 + "\n",
            "nul.c": "int main() {\0\0 return 0; }\n",
        }
        for name, text in docs.items():
            uri = (tmp_path / name).as_uri()
            open_doc(
                client,
                uri,
                text,
                language={"py": "python", "js": "javascript", "ts": "typescript"}.get(name.rsplit(".", 1)[1], "c"),
            )
            result = await complete(client, uri, 0, 5)
            assert result is not None
        assert (await status(client))["state"] == "ready"


@pytest.mark.model
async def test_suggestion_uses_a_function_from_another_file(qwen_model, tmp_path):
    """wire.py is not open: only the workspace index knows encode_packet_v3."""
    (tmp_path / "wire.py").write_text(WIRE)
    main = tmp_path / "main.py"
    main.write_text(MAIN)
    suggestions = {}
    for enabled in (True, False):
        options = {"context": {"enabled": enabled}, "completion": {"promptTimeMs": None, "generateTimeMs": None}}
        async with running_server(str(qwen_model), options, workspace=str(tmp_path)) as client:
            await wait_ready(client, timeout=120)
            if enabled:
                await wait_indexed(client, 2)
            open_doc(client, main.as_uri(), MAIN)
            result = await complete(client, main.as_uri(), 5, 16, invoked=True)
            suggestions[enabled] = result.items[0].insert_text if result and result.items else ""
    assert suggestions[True].startswith("encode_packet_v3("), suggestions
    assert "encode_packet_v3" not in suggestions[False], suggestions  # the model cannot guess the name alone


async def test_the_tree_follows_incremental_changes(tiny_model, tmp_path):
    """Names typed into the document through didChange reach the pack: the server's tree saw the edits."""
    (tmp_path / "wire.py").write_text(WIRE)
    main = tmp_path / "main.py"
    options = {"completion": {"prefetch": False}}  # status shows the last pack built: not a prefetch's
    async with running_server(str(tiny_model), options, workspace=str(tmp_path)) as client:
        await wait_ready(client)
        await wait_indexed(client, 1)
        open_doc(client, main.as_uri(), "def send(sock):\n    \n")
        await complete(client, main.as_uri(), 1, 4)
        first = (await status(client))["context"]["lastPack"]
        assert first["files"] == [] and first["mode"] == "multi"
        change_doc(client, main.as_uri(), 2, (0, 0), (0, 0), "from wire import Packet\n\n")
        change_doc(client, main.as_uri(), 3, (3, 4), (3, 4), "packet = Packet(")
        await complete(client, main.as_uri(), 3, 20)
        after = (await status(client))["context"]["lastPack"]
        assert "Packet" in after["names"] and after["files"] == ["wire.py"]
        assert after["mode"] == "single"
