"""Remote backends against real model servers on loopback, with the 0.5B coder model, through `offgrid serve`
over stdio and the CLI: the suggestion path is the real one, no stand-in."""

import subprocess
import sys

import pytest
from lsprotocol import types

from tests.e2e.test_context_lsp import MAIN, WIRE, wait_indexed
from tests.e2e.test_remote_failures import NO_MEMORY, no_local_model_env
from tests.support.lsp import complete, open_doc, running_server, status, wait_ready

pytestmark = pytest.mark.model
URI = "file:///work/geometry.py"
TEXT = "def add(a, b):\n    return \n\n\nprint(add(2, 3))\n"


async def _suggest_through_lsp(options: dict, tmp_path) -> tuple[str, dict]:
    async with running_server(None, options, env=no_local_model_env(tmp_path)) as client:
        st = await wait_ready(client)
        assert st["state"] == "ready" and "model" not in st, st  # nothing loaded in offgrid's process
        open_doc(client, URI, TEXT)
        result = await complete(client, URI, 1, 11)
        assert result is not None and result.items, client.messages
        item = result.items[0]
        assert item.range.start == types.Position(1, 11)
        assert not [m for m in client.messages if m.type != types.MessageType.Info], client.messages
        return item.insert_text, (await status(client))["last"]


async def test_openai_completions_from_llama_cpp_python_server(openai_url, tmp_path):
    options = {"backend": "openai", "remote": {"url": openai_url}, "completion": NO_MEMORY}
    text, last = await _suggest_through_lsp(options, tmp_path)
    assert text == "a + b"
    assert last["source"] == "model" and last["roundTripMs"] > 0


async def test_infill_from_llama_server(infill_url, tmp_path):
    options = {"backend": "infill", "remote": {"url": infill_url}, "completion": NO_MEMORY}
    text, last = await _suggest_through_lsp(options, tmp_path)
    assert text == "a + b"
    assert last["remoteServerMs"] > 0 and last["evaluated"] > 0  # the server's own timings came back


def _cli(*args: str, tmp_path) -> subprocess.CompletedProcess:
    env = no_local_model_env(tmp_path)
    cmd = [sys.executable, "-m", "offgrid", *args]
    return subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120)


def _cli_complete_and_doctor(kind: str, url: str, tmp_path) -> str:
    src = tmp_path / "demo.py"
    src.write_text("def add(a, b):\n    return \n")
    out = _cli("complete", f"{src}:2:12", "--backend", kind, "--url", url, tmp_path=tmp_path)
    assert out.returncode == 0 and out.stdout.strip() == "a + b", out.stderr
    out = _cli("doctor", "--backend", kind, "--url", url, tmp_path=tmp_path)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "READY" in out.stdout and "round trip" in out.stdout
    assert "/v1/chat/completions works" in out.stdout  # code actions can work too
    return out.stdout


def test_cli_complete_and_doctor_with_the_openai_backend(openai_url, tmp_path):
    report = _cli_complete_and_doctor("openai", openai_url, tmp_path)
    assert "qwen2.5-coder template" in report and "one special token" in report


def test_cli_complete_and_doctor_with_the_infill_backend(infill_url, tmp_path):
    report = _cli_complete_and_doctor("infill", infill_url, tmp_path)
    assert "/infill works" in report and "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf" in report


def test_doctor_says_not_ready_when_the_server_is_down(tmp_path):
    from tests.support.model_servers import free_port

    out = _cli("doctor", "--backend", "infill", "--url", f"http://127.0.0.1:{free_port()}", tmp_path=tmp_path)
    assert out.returncode == 1 and "NOT READY" in out.stdout and "connection refused" in out.stdout


@pytest.mark.parametrize("kind", ["openai", "infill"])
async def test_context_from_another_file_reaches_the_remote_model(kind, request, tmp_path):
    """wire.py is not open: only the workspace index knows encode_packet_v3, and the remote model gets it."""
    url = request.getfixturevalue(f"{kind}_url")
    (tmp_path / "wire.py").write_text(WIRE)
    main = tmp_path / "main.py"
    text = MAIN.replace("data = wire.\n", "data = wire.enc\n")  # "enc": only the other file tells how it goes on
    main.write_text(text)
    options = {"backend": kind, "remote": {"url": url}, "completion": NO_MEMORY}
    env = no_local_model_env(tmp_path / "env")
    async with running_server(None, options, workspace=str(tmp_path), env=env) as client:
        await wait_ready(client)
        await wait_indexed(client, 2)
        open_doc(client, main.as_uri(), text)
        result = await complete(client, main.as_uri(), 5, 19, invoked=True)
        # "_packet_v3" is in no file but wire.py; the spelling right after "enc" is the remote tokenizer's business
        # (offgrid cannot heal a remote token: llama-server once answered "od_packet_v3(packet)")
        assert result is not None and result.items and "_packet_v3(" in result.items[0].insert_text
