"""The plain baseline stops where llama-server's /infill stops for llama.vim."""

from offgrid.bench.plain_fim import plain_cut


def test_single_line_keeps_the_first_line():
    assert plain_cut("x + 1\n    y = 2\n", False, 4) == "x + 1"
    assert plain_cut("\nx", False, 0) == ""  # a first line left empty stays empty, as the plain client shows it


def test_multi_line_stops_at_a_line_indented_less_than_the_cursor_line():
    text = "total = 0\n        for x in xs:\n            total += x\n    return total\n"
    assert plain_cut(text, True, 8) == "total = 0\n        for x in xs:\n            total += x\n"
    assert plain_cut(text, True, 0) == text  # no indentation to keep: to the end of text or the token cap
    assert plain_cut("a\n\n    b\n", True, 4) == "a\n\n    b\n"  # blank lines do not count
