"""The language registry, one-shot parsing and error counting."""

import pytest
from offgrid.context.languages import PURPOSES, all_languages, in_line_comment, language_for, line_comment
from offgrid.context.syntax import error_count, parse

IDS = {
    "python": "python",
    "javascript": "javascript",
    "javascriptreact": "javascript",
    "typescript": "typescript",
    "typescriptreact": "tsx",
    "go": "go",
    "rust": "rust",
    "java": "java",
    "c": "c",
    "cpp": "cpp",
    "lua": "lua",
    "ruby": "ruby",
}


@pytest.mark.parametrize(("language_id", "name"), IDS.items())
def test_lsp_language_ids_map(language_id, name):
    lang = language_for(language_id)
    assert lang is not None and lang.name == name


@pytest.mark.parametrize(
    ("path", "name"),
    [("a/b.py", "python"), ("x.TSX", "tsx"), ("m.mjs", "javascript"), ("h.hpp", "cpp"), ("k.h", "c"), ("r.rb", "ruby")],
)
def test_extensions_map_when_the_id_is_unknown(path, name):
    assert language_for(None, path).name == name
    assert language_for("plaintext", path).name == name


def test_unknown_language_is_none():
    assert language_for("cobol") is None
    assert language_for(None, "notes.txt") is None
    assert language_for(None) is None
    assert parse("anything", "cobol") is None


def test_one_table_gives_comment_markers_with_or_without_a_grammar():
    grammars = ("python", "ruby", "lua", "go", "typescriptreact")
    assert [language_for(i).comment for i in grammars] == ["#", "#", "--", "//", "//"]
    assert [line_comment(i) for i in ("python", "shellscript", "r", "yaml", "sql", "haskell", "c", "cobol")] == [
        "#", "#", "#", "#", "--", "--", "//", "//",
    ]  # fmt: skip
    assert in_line_comment("x = 1  # the ", "python") and not in_line_comment("x = 1  # the ", "go")


def test_every_language_loads_with_all_query_files():
    langs = all_languages()
    assert len(langs) == 11
    for lang in langs:
        assert set(lang.queries) == set(PURPOSES), lang.name


@pytest.mark.parametrize("lang", all_languages(), ids=lambda lang: lang.name)
def test_every_query_compiles_against_its_grammar(lang):
    for purpose in PURPOSES:
        assert lang.query(purpose) is not None, f"{lang.name}/{purpose}.scm"
        assert lang.query(purpose).capture_count > 0


@pytest.mark.parametrize(
    ("language_id", "good", "bad"),
    [
        ("python", "def f(x):\n    return x\n", "def f(x:\n    return x\n"),
        ("javascript", "function f(x) { return x; }\n", "function f(x { return x; }\n"),
        ("go", "package m\nfunc f() int { return 1 }\n", "package m\nfunc f() int { return 1 \n"),
        ("rust", "fn f() -> i32 { 1 }\n", "fn f( -> i32 { 1 }\n"),
        ("c", "int f(void) { return 1; }\n", "int f(void) { return 1 }\n"),
    ],
)
def test_error_count_sees_broken_syntax(language_id, good, bad):
    assert error_count(parse(good, language_id)) == 0
    assert error_count(parse(bad, language_id)) > 0


def test_error_count_counts_each_error():
    one = error_count(parse("def f(:\n    pass\n", "python"))
    two = error_count(parse("def f(:\n    pass\ndef g(:\n    pass\n", "python"))
    assert two > one > 0
