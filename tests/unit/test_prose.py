"""Comments and docstrings are told from code by the text alone, per language, so that similar-code retrieval
neither matches on them nor shows them."""

from offgrid.context.prose import ProseRows, prose_rows

PY = '''def send(self, request):
    """Send a given PreparedRequest.

    :param proxies: the proxies to use
    """
    # Set defaults that the hooks can utilize
    kwargs.setdefault("proxies", self.proxies)
    query = """
SELECT 1
"""
    return r"""raw one-liner"""
'''


def test_python_docstrings_comments_and_multirow_strings_are_prose():
    prose = prose_rows(PY, "#")
    assert prose == {1, 2, 3, 4, 5, 8, 9}  # `return r"""..."""` is code: a string that closes on its row
    assert 7 not in prose  # `query = """` is code; the rows after it are data


def test_c_block_comments_are_prose_and_preprocessor_rows_are_code():
    lines = [
        "#include <stdio.h>",
        "/* Open the file.",
        " * Returns NULL on error.",
        " */",
        "// why",
        "f(x);",
        "*p = 1;",
    ]
    assert prose_rows("\n".join(lines), "//") == {1, 2, 3, 4}


def test_lua_and_ruby_use_their_own_markers():
    assert prose_rows("-- a note\nlocal x = f()\n# not lua", "--") == {0}
    assert prose_rows("# a note\nx = f()", "#") == {0}


def test_the_cache_answers_for_the_text_it_was_given():
    cache = ProseRows(size=1)
    first = cache.get("a.py", PY, "#")
    assert cache.get("a.py", PY, "#") is first and 1 in first
    assert cache.get("a.py", "x = 1\n# changed\n", "#") == {1}
