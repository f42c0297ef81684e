"""The replayed editing session is a valid sequence of edits, long sessions included."""

from offgrid.bench.accept import accept_points
from offgrid.bench.session import build_session, module_file


def replay(docs, edits):
    docs = dict(docs)
    for e in edits:
        text = docs[e.uri]
        assert 0 <= e.start <= e.end <= len(text), e
        docs[e.uri] = text[: e.start] + e.text + text[e.end :]
        assert 0 <= e.cursor <= len(docs[e.uri]), e
    return docs


def test_a_long_session_retypes_the_function_and_stays_valid():
    docs, edits = build_session(5000)
    assert len(edits) == 5000
    kinds = {e.kind for e in edits}
    assert {"type", "enter", "backspace", "jump", "edit-above", "switch", "undo"} <= kinds
    replay(docs, edits)


def test_each_round_types_the_original_function_back():
    docs, edits = build_session(5000)
    first_undo = next(i for i, e in enumerate(edits) if e.kind == "undo")
    a_uri = edits[0].uri
    typed = replay(docs, edits[:first_undo])[a_uri].replace("import sys\n", "", 1)
    full = module_file("pygls.workspace.text_document").read_text()
    # the retyped file is the real one again, up to blank lines after the function
    assert typed.split() == full.split() and len(typed) > len(docs[a_uri]) + 500


def test_accept_points_are_line_ends_inside_code():
    docs, _ = build_session(10)
    text = list(docs.values())[-1]
    points = accept_points(text, 10)
    assert len(points) == 10
    for p in points:
        assert text[p] == "\n" and text[text.rfind("\n", 0, p) + 1 :].startswith("    ")
