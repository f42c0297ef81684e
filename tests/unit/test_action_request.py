"""The action request built from a code action's `data`: the diagnostic's own line, even when it is line 0."""

from types import SimpleNamespace

import pytest
from offgrid.actions.request import ActionKind
from offgrid.errors import ActionRefused
from offgrid.lsp.action_requests import action_request
from offgrid.lsp.documents import Document

TEXT = "import os, sys\n\n\ndef f():\n    return 1\n"
DOC = Document("file:///w/a.py", "python", 1, TEXT)
SERVER = SimpleNamespace(oversized=set(), context=None)
SELECTION = {"start": {"line": 3, "character": 0}, "end": {"line": 4, "character": 12}}


def fix(**data: object):
    return action_request(SERVER, DOC, ActionKind.FIX, {"range": SELECTION, "diagnostic": "unused import", **data})


def test_a_diagnostic_on_the_first_line_keeps_line_0_not_the_selections_start():
    assert fix(line=0).diagnostic_line == 0


def test_a_diagnostic_line_is_taken_as_given():
    assert fix(line=4).diagnostic_line == 4


def test_without_a_line_the_selections_start_is_the_line():
    assert fix().diagnostic_line == 3


def test_a_line_that_is_not_a_number_is_refused():
    with pytest.raises(ActionRefused, match="expected a line number"):
        fix(line="first")
