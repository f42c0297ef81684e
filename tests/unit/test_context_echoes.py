"""A suggestion that starts writing the context pack's layout (path rows, other files' rows as comments, special
tokens) is stopped there: it is a copy of the prompt, not code for the cursor."""

from offgrid.complete.postprocess.context import make_context
from offgrid.complete.prompt import context_echoes
from offgrid.complete.stop_rules import stop_rule
from offgrid.context.pack import ContextPack, FileSnippet

PACK = ContextPack(
    "repo", "main.py", "#", (FileSnippet("lib/geometry.py", "def circle_area(r):\n    return math.pi * r * r"),)
)


def _cut(text: str, before: str, after: str = "\n", multi: bool = True) -> str:
    ctx = make_context(before, after, "python", "multi" if multi else "single", context_echoes(PACK))
    cut = stop_rule(ctx)(text)
    return text if cut is None else text[:cut]


def test_echoes_are_the_path_rows_and_the_commented_rows():
    echoes = context_echoes(PACK)
    assert "# lib/geometry.py" in echoes and "# def circle_area(r):" in echoes and "# main.py" in echoes
    assert "lib/geometry.py" in echoes  # as it follows a file separator in the repo-level format
    assert context_echoes(None) == frozenset() and context_echoes(ContextPack(stub="import a\n")) == frozenset()


def test_a_suggestion_that_writes_the_layout_is_cut_before_it():
    before = "def area(r):\n    "
    assert _cut("return r * r\n\n# lib/geometry.py\n# def circle_area(r):\n", before) == "return r * r"
    # (the top-level rule cuts the blank line too); a path row where code stays indented is the echo rule's alone
    assert _cut("return r * r\n    # lib/geometry.py\n", before) == "return r * r"
    assert _cut("# lib/geometry.py\n# def circle_area(r):", "", multi=False) == ""  # the whole suggestion
    assert _cut("x = 1<|file_sep|>lib/geometry.py", before, multi=False) == "x = 1"


def test_code_that_only_looks_like_the_pack_is_kept():
    before = "def area(r):\n    "
    assert _cut("return math.pi * r * r", before, multi=False) == "return math.pi * r * r"  # code, not a comment
    assert _cut("# the area\n    return r", before) == "# the area\n    return r"
