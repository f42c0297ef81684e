"""`offgrid bench soak`, short: the real server over stdio with the tiny model, every check of the long run."""

import subprocess
import sys

from lsprotocol import types
from offgrid.bench.soak import misfit, soak
from offgrid.bench.soak_session import SOAK_MODULES, build_soak_session


async def test_a_short_soak_finds_no_problem_and_answers_every_request(tiny_model):
    result = await soak(str(tiny_model), 200, threads=1, pace_ms=10, max_request_s=60)
    assert result["problems"] == []
    [row] = result["rows"]
    assert row["keystrokes"] == 200 and row["requests"] == 200
    assert row["answered"] + row["cancelled"] == 200  # each request got a result or the answer to its cancel
    assert row["rss_mb"] > 0 and row["errors"] == 0 and row["stale"] == 0


def test_the_soak_command_prints_its_table(tiny_model):
    cmd = [sys.executable, "-m", "offgrid", "bench", "soak", "--model", str(tiny_model), "--keystrokes", "60"]
    run = subprocess.run(cmd + ["--threads", "1", "--pace-ms", "5"], capture_output=True, text=True, timeout=240)
    assert run.returncode == 0, run.stderr[-2000:]
    lines = run.stdout.splitlines()
    assert lines[1].split("|")[0].strip() == "keys" and "RSS MB" in lines[1] and "p95 ms" in lines[1]
    assert lines[3].split("|")[0].strip() == "60"
    assert "problems: none" in run.stdout


def test_the_session_spans_five_files_and_replays_cleanly():
    docs, edits = build_soak_session(3000)
    assert len(docs) == len(SOAK_MODULES) == 5 and len(edits) == 3000
    assert {e.uri for e in edits} == set(docs)
    assert {"type", "enter", "backspace", "switch", "jump"} <= {e.kind for e in edits}
    for e in edits:
        text = docs[e.uri]
        assert 0 <= e.start <= e.end <= len(text)
        docs[e.uri] = text[: e.start] + e.text + text[e.end :]
        assert 0 <= e.cursor <= len(docs[e.uri])


def item(text: str, start: tuple[int, int], end: tuple[int, int]) -> types.InlineCompletionItem:
    return types.InlineCompletionItem(insert_text=text, range=types.Range(types.Position(*start), types.Position(*end)))


def test_a_suggestion_that_does_not_fit_the_version_asked_about_is_caught():
    now = "def f(x):\n    print(x, )\n"  # asked with the cursor before ")"
    at = types.Position(1, 13)
    assert misfit(now, at, item("y", (1, 13), (1, 13))) is None
    assert misfit(now, at, item("y)", (1, 13), (1, 14))) is None  # replaces the ")" after the cursor
    assert "not at the cursor" in misfit(now, at, item("y", (1, 12), (1, 12)))  # an older cursor
    assert "past the end of the line" in misfit(now, at, item("y", (1, 13), (1, 20)))  # an older, longer line
    assert "leaves the cursor's line" in misfit(now, at, item("y", (1, 13), (2, 0)))
