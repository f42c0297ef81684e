"""Incremental parsing per open document: edits through tree.edit give the same tree as a fresh parse."""

import random

import tree_sitter
from offgrid.context.languages import language_for
from offgrid.context.syntax import parse
from offgrid.context.trees import DocumentTrees

SOURCE = 'import os\n\n\ndef greet(name: str) -> str:\n    """Say hi 😀 こんにちは."""\n    return "hi " + name\n'


def fresh(text: str) -> str:
    return str(parse(text, "python").root_node)


def test_random_edits_match_a_fresh_parse():
    rng = random.Random(4)
    trees = DocumentTrees()
    trees.open("file:///a.py", "python", SOURCE)
    text = SOURCE
    pieces = ["x", "(", "\n    ", "😀", "def f():\n", "こん", "", '"', "return 1\n"]
    for _ in range(200):
        a = rng.randrange(len(text) + 1)
        b = min(len(text), a + rng.choice([0, 0, 1, 3]))
        new = rng.choice(pieces)
        trees.edit("file:///a.py", text, a, b, new)
        text = text[:a] + new + text[b:]
        if rng.random() < 0.3:  # reparse now and then, as completions would
            doc = trees.get("file:///a.py")
            assert str(doc.current().root_node) == fresh(text)
    doc = trees.get("file:///a.py")
    assert doc.text == text
    assert str(doc.current().root_node) == fresh(text)


def test_a_burst_of_edits_costs_one_reparse():
    trees = DocumentTrees()
    trees.open("file:///a.py", "python", SOURCE)
    doc = trees.get("file:///a.py")
    doc.current()
    calls = []

    class Counting:  # tree_sitter.Parser cannot be subclassed
        def __init__(self, inner):
            self.inner = inner

        def parse(self, *args):
            calls.append(1)
            return self.inner.parse(*args)

    doc.parser = Counting(tree_sitter.Parser(language_for("python").ts_language))
    text = SOURCE
    for ch in "abc = 1\n":
        trees.edit("file:///a.py", text, len(text), len(text), ch)
        text += ch
    assert calls == []
    doc.current()
    doc.current()
    assert len(calls) == 1


def test_unknown_languages_are_not_tracked():
    trees = DocumentTrees()
    trees.open("file:///notes.txt", "plaintext", "hello")
    trees.edit("file:///notes.txt", "hello", 0, 0, "x")
    assert trees.get("file:///notes.txt") is None


def test_full_replacement_parses_from_scratch():
    trees = DocumentTrees()
    trees.open("file:///a.go", "go", "package a\n")
    trees.replace("file:///a.go", "package b\nfunc F() {}\n")
    assert "function_declaration" in str(trees.get("file:///a.go").current().root_node)
