"""Code actions without a model: targets, clean-up, indentation, minimal edits, and what the answers become."""

import ast

import pytest
from offgrid.actions.body import _end_of_body, plan_body
from offgrid.actions.clean import extract_code
from offgrid.actions.definitions import definition_at
from offgrid.actions.docstring import plan_docstring
from offgrid.actions.edit import minimal_edit, reindent
from offgrid.actions.request import ActionKind, ActionRequest, TextEdit
from offgrid.actions.rewrite import plan_fix, plan_rewrite
from offgrid.actions.syntax_check import error_count
from offgrid.actions.targets import selected_lines
from offgrid.config import ActionSettings
from offgrid.errors import ActionRefused

SETTINGS = ActionSettings()
CODE = '''class Shelf:
    def add(self, book):
        pass

    def count(self):
        """How many books."""
        total = 0
        for _ in self.books:
            total += 1
        return total
'''


def req(kind, text=CODE, start=0, end=None, **kw):
    return ActionRequest(kind, text, "python", start, start if end is None else end, **kw)


def apply(text: str, edit: TextEdit) -> str:
    return text[: edit.start] + edit.new_text + text[edit.end :]


def test_reindent_moves_code_to_the_surroundings_and_keeps_nesting():
    code = "if x:\n    y()\n\nz()"
    assert reindent(code, "        ") == "        if x:\n            y()\n\n        z()"
    assert reindent("    a\n        b", "\t") == "\ta\n\t\tb"


def test_minimal_edit_covers_only_the_lines_that_differ():
    text = "a\nb\nc\nd\n"
    assert minimal_edit(text, 0, len(text), "a\nB\nc\nd\n") == TextEdit(2, 4, "B\n")
    assert minimal_edit(text, 0, len(text), text) is None
    assert minimal_edit(text, 2, 6, "b\nx\nc\n") == TextEdit(4, 4, "x\n")


def test_code_is_taken_out_of_chatter_and_fences():
    assert extract_code("x = 1\ny = 2\n```\nThat is all.", inside_fence=True) == "x = 1\ny = 2"
    assert extract_code("Here is the code:\n```python\nx = 1\n```\nIt sets x.", inside_fence=False) == "x = 1"
    chatter = "Sure! Here is the rewritten code:\nx = 1\n\nThis version is shorter and easier to read."
    assert extract_code(chatter, inside_fence=False) == "x = 1"


def test_selected_lines_leave_out_a_line_the_selection_only_touches():
    text = "a = 1\n    b = 2\nc = 3\n"
    lines = selected_lines(text, 6, 16)  # line 1 to the start of line 2
    assert lines is not None and text[lines.start : lines.end] == "    b = 2\n" and lines.indent == "    "
    assert selected_lines(text, 10, 13) is None  # part of one line


def test_definition_at_finds_the_innermost_function_its_docstring_and_empty_body():
    add = definition_at(CODE, "python", CODE.index("pass"))
    assert add is not None and add.body_is_empty and not add.has_docstring and add.indent == "    "
    count = definition_at(CODE, "python", CODE.index("total += 1"))
    assert count is not None and count.has_docstring and not count.body_is_empty
    assert CODE[count.doc_end :].startswith("        total = 0")
    shelf = definition_at(CODE, "python", 3)
    assert shelf is not None and shelf.is_class
    assert definition_at("def f(:\n", "python", 2) is None


def test_a_rewrite_keeps_the_indentation_and_touches_only_the_selection():
    start, end = CODE.index("        total = 0"), CODE.index("        return total")
    plan = plan_rewrite(req(ActionKind.REWRITE, start=start, end=end, instruction="use sum"), SETTINGS)
    answer = "total = sum(1 for _ in self.books)\n```\nThis counts the books."
    edit = plan.finish(answer).edit
    assert edit == TextEdit(start, end, "        total = sum(1 for _ in self.books)\n")
    ast.parse(apply(CODE, edit))


def test_a_rewrite_that_does_not_parse_is_refused():
    start, end = CODE.index("        total = 0"), CODE.index("        return total")
    plan = plan_rewrite(req(ActionKind.REWRITE, start=start, end=end, instruction="use sum"), SETTINGS)
    with pytest.raises(ActionRefused, match="does not parse"):
        plan.finish("total = sum(1 for _ in\n```")
    with pytest.raises(ActionRefused, match="no code"):
        plan.finish("```")


def test_bad_selections_are_refused_with_the_reason():
    with pytest.raises(ActionRefused, match="select the code"):
        plan_rewrite(req(ActionKind.REWRITE, start=5, end=5, instruction="x"), SETTINGS)
    big = "".join(f"x{i} = {i}\n" for i in range(5000))
    with pytest.raises(ActionRefused, match="5000 lines.*maxSelectionLines"):
        plan_rewrite(req(ActionKind.REWRITE, big, 0, len(big), instruction="sort"), SETTINGS)
    with pytest.raises(ActionRefused, match="already has a docstring"):
        plan_docstring(req(ActionKind.DOCSTRING, start=CODE.index("total += 1")), SETTINGS)


def test_a_docstring_answer_becomes_an_indented_docstring_inserted_before_the_body():
    plan = plan_docstring(req(ActionKind.DOCSTRING, start=CODE.index("pass")), SETTINGS)
    assert plan.prefill.endswith('def add(self, book):\n    """')
    edit = plan.finish('Add a book.\n\n    Args:\n        book: the book."""').edit
    assert edit.start == edit.end == CODE.index("        pass")
    text = apply(CODE, edit)
    method = ast.parse(text).body[0].body[0]
    assert ast.get_docstring(method) == "Add a book.\n\nArgs:\n    book: the book."
    assert text.replace(edit.new_text, "") == CODE


def test_a_body_ends_where_the_model_goes_back_to_the_top_level():
    assert _end_of_body("    return 1\n\ndef other():\n") == len("    return 1\n\n")
    plan = plan_body(req(ActionKind.COMPLETE_BODY, start=CODE.index("pass")), SETTINGS)
    edit = plan.finish("    self.books.append(book)\n```").edit
    assert apply(CODE, edit).startswith("class Shelf:\n    def add(self, book):\n        self.books.append(book)\n\n")


def test_a_fix_rewrites_the_function_around_the_diagnostic_and_names_the_problem():
    line = CODE[: CODE.index("total += 1")].count("\n")
    r = req(ActionKind.FIX, start=CODE.index("total += 1"), diagnostic="unused loop variable", diagnostic_line=line)
    plan = plan_fix(r, SETTINGS)
    assert "unused loop variable" in plan.user and "line 5" in plan.user and "def count(self):" in plan.user


def test_error_count_uses_a_parser_where_there_is_one():
    assert error_count("x = 1\n", "python") == 0
    assert error_count("x = (\n", "python") >= 1
    assert error_count("anything", "no-such-language") is None


JS = """import fs from "fs";

// Reads a file.
export function read(path) {
  return fs.readFileSync(path, "utf8");
}

export function add(a, b) {
}

class Shelf {
  count() {
    return this.books.length;
  }
}
"""


def test_definitions_in_a_brace_language_know_their_doc_comment_and_empty_body():
    read = definition_at(JS, "javascript", JS.index("readFileSync"))
    assert read is not None and read.braces and read.has_docstring and not read.body_is_empty
    add = definition_at(JS, "javascript", JS.index("add("))
    assert add is not None and not add.has_docstring and add.body_is_empty
    assert JS[add.start :].startswith("export function add") and JS[add.body_close] == "}"
    count = definition_at(JS, "javascript", JS.index("this.books"))
    assert count is not None and count.indent == "  " and count.body_indent == "    "


def test_a_doc_comment_is_inserted_above_the_definition():
    r = req(ActionKind.DOCSTRING, JS, JS.index("add("))
    r = ActionRequest(ActionKind.DOCSTRING, JS, "javascript", r.start, r.start)
    plan = plan_docstring(r, SETTINGS)
    assert plan.prefill.endswith("/**")
    answer = "\n * Adds two numbers.\n * @returns {number} the sum\n */\nexport function add(a, b) {\n"
    cut = plan.stop(answer)
    edit = plan.finish(answer[:cut]).edit
    text = apply(JS, edit)
    assert "/**\n * Adds two numbers.\n * @returns {number} the sum\n */\nexport function add(a, b) {" in text
    assert text.replace(edit.new_text, "") == JS


def test_an_empty_brace_body_is_filled_with_the_files_indentation():
    r = ActionRequest(ActionKind.COMPLETE_BODY, JS, "javascript", JS.index("add("), JS.index("add("))
    plan = plan_body(r, SETTINGS)
    answer = "    return a + b;\n}\n```"
    cut = plan.stop(answer)
    edit = plan.finish(answer[:cut]).edit
    assert "export function add(a, b) {\n  return a + b;\n}\n" in apply(JS, edit)


def test_a_selection_across_a_syntax_error_may_be_rewritten_but_not_made_worse():
    text = "def f(x):\n    y = (x +\n    return y\n"
    start, end = text.index("    y"), text.index("    return")
    plan = plan_rewrite(req(ActionKind.REWRITE, text, start, end, instruction="fix it"), SETTINGS)
    fixed = plan.finish("y = x + 1\n```").edit
    assert apply(text, fixed) == "def f(x):\n    y = x + 1\n    return y\n"
    with pytest.raises(ActionRefused, match="does not parse"):
        plan.finish("y = (x + [\nz = (((\n```")


def test_part_of_a_line_is_rewritten_in_place():
    text = "total = a+b  # sum\n"
    plan = plan_rewrite(req(ActionKind.REWRITE, text, 8, 11, instruction="spaces"), SETTINGS)
    edit = plan.finish("a + b\n```").edit
    assert apply(text, edit) == "total = a + b  # sum\n"
