"""Single- or multi-line, one golden case per rule: tests/golden/mode/<case>.toml (cursor at ║)."""

import tomllib
from pathlib import Path

import pytest
from offgrid.context.mode import text_mode, tree_mode
from offgrid.context.syntax import parse

CASES = sorted((Path(__file__).parent / "mode").glob("*.toml"))


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_mode(case):
    spec = tomllib.loads(case.read_text(encoding="utf-8"))
    marked = spec["text"]
    offset = marked.index("║")
    text = marked.replace("║", "")
    row = text.count("\n", 0, offset)
    column = offset - (text.rfind("\n", 0, offset) + 1)
    line = text.split("\n")[row]
    tree = parse(text, spec["language"])
    got = tree_mode(tree, line, row, column) if tree is not None else text_mode(line, column)
    assert got == spec["mode"], spec["description"]
