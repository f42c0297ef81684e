"""Golden cases for the whole post-processing chain, one TOML file per case under golden/postprocess/<topic>/.

Each case is run twice: once on the finished text (as `limit_scope` sees it), once streamed a character at a
time through the engine's stop rule first, the way generation meets it. Both must give the expected text.
"""

import tomllib
from dataclasses import replace
from pathlib import Path

import pytest
from offgrid.complete.postprocess import postprocess
from offgrid.complete.stop_rules import stop_rule

from tests.support.marked import parse_marked

CASES = sorted((Path(__file__).parent / "postprocess").glob("*/*.toml"))


def _streamed(text: str, rule) -> str:
    for n in range(1, len(text) + 1):
        if (cut := rule(text[:n])) is not None:
            return text[:n][:cut]
    return text


@pytest.mark.parametrize("path", CASES, ids=[f"{p.parent.name}/{p.stem}" for p in CASES])
def test_golden(path: Path):
    case = tomllib.loads(path.read_text(encoding="utf-8"))
    assert case.get("description"), "every case says what it checks"
    ctx_table, expected = case["context"], case["expected"]
    language, truncated = ctx_table.get("language", "python"), case.get("truncated", False)
    ended = case.get("ended", False)  # the model ended the text itself (not a cap or a rule)
    candidate, ctx = parse_marked(ctx_table["text"], language, truncated, ctx_table.get("tree_mode"), ended)
    if "multiline" in ctx_table:
        assert ctx.multiline == ctx_table["multiline"], "the mode chosen for this cursor"
    streamed = replace(candidate, text=_streamed(candidate.text, stop_rule(ctx)))
    for got in (postprocess(candidate, ctx), postprocess(streamed, ctx)):
        if expected.get("discard"):
            assert got.text == "" and got.replace == 0, got
        else:
            assert got.text == expected["text"]
            assert got.replace == expected.get("replace", 0)


def test_there_are_cases_for_each_language():
    languages = {tomllib.loads(p.read_text())["context"].get("language", "python") for p in CASES}
    assert {"python", "javascript", "go", "rust"} <= languages
