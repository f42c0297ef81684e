"""`offgrid bench context`'s cases: only lines that need a name from another file of the package, cut two ways."""

from offgrid.bench.repo_cases import cases_in_file
from offgrid.bench.repo_context import first_line
from offgrid.context.index import WorkspaceIndex

HELPERS = """class Formatter:
    def write_paragraph_text(self, text):
        return text


def make_formatter(width):
    return Formatter()


def Path(x):
    return x
"""

USER = """from pathlib import Path
from .helpers import make_formatter


def local_helper(x):
    return x


def build(width, name):
    formatter = make_formatter(width=width)
    formatter.write_paragraph_text("some text")
    other = Path(name).resolve()
    again = local_helper(width)
    formatter.write_paragraph_text("again")  # a comment no model can guess
    return formatter
"""


def test_cases_need_a_name_from_another_file(tmp_path):
    (tmp_path / "helpers.py").write_text(HELPERS)
    (tmp_path / "user.py").write_text(USER)
    index = WorkspaceIndex([tmp_path])
    index.build()
    cases = cases_in_file("pkg", tmp_path / "user.py", index)
    # Path comes from pathlib, local_helper from this file, and the last call has a comment
    assert sorted({(c.row, c.name) for c in cases}) == [(9, "make_formatter"), (10, "write_paragraph_text")]
    by_cut = {(c.row, c.cut): c for c in cases}
    line = by_cut[(9, "line")]
    assert line.expected == "formatter = make_formatter(width=width)" and line.column == 4
    assert line.text.split("\n")[9] == "    "
    name = by_cut[(10, "name")]
    assert name.text.split("\n")[10] == "    formatter." and name.expected == 'write_paragraph_text("some text")'
    assert name.text.split("\n")[11] == USER.split("\n")[11]  # the rest of the file is untouched


def test_first_line_normalises_whitespace():
    assert first_line("\n   f(a,  b)  \n  more") == "f(a, b)"
    assert first_line("  \n ") == ""
