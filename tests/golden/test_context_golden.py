"""Golden tests per language: what the context pack holds for the cursor (║) in tests/fixtures/languages/<lang>/.

The window is cut to a few rows around the cursor (4 above, 1 below), so imports and enclosing scopes are outside it.
Set OFFGRID_UPDATE_GOLDEN=1 to rewrite the expected files after checking a change by eye.
"""

import os
from pathlib import Path

import pytest
from offgrid.config import ContextSettings
from offgrid.context.service import ContextService

from tests.support.context import FIXTURES, pack_text, workspace

GOLDEN = Path(__file__).parent / "context"
LANGUAGE_IDS = {"tsx": "typescriptreact", "cpp": "cpp", "c": "c"}


def count(text: str) -> int:
    return len(text) // 4 + 1  # a stand-in tokenizer: the tests stay model-free and deterministic


@pytest.mark.parametrize("language", sorted(p.name for p in FIXTURES.iterdir()))
def test_context_pack(language, tmp_path):
    path, text, row, column = workspace(language, tmp_path / language)
    svc = ContextService(ContextSettings(max_tokens=400), [tmp_path / language])
    svc.index.build()
    pack = svc.for_cursor(
        path.as_uri(), LANGUAGE_IDS.get(language, language), text, row, column, row - 4, row + 1, count
    )
    got = pack_text(pack)
    golden = GOLDEN / f"{language}.txt"
    if os.environ.get("OFFGRID_UPDATE_GOLDEN") or not golden.exists():
        golden.write_text(got, encoding="utf-8")
    assert got == golden.read_text(encoding="utf-8")
    assert pack.tokens <= 400
