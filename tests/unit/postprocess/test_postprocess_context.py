from offgrid.complete.postprocess.context import choose_multiline, make_context


def test_end_of_line_is_multiline_and_mid_line_is_not():
    assert choose_multiline("    x = ", "", "python")
    assert choose_multiline("foo(", ")", "python")  # only an auto-closed bracket after the cursor
    assert choose_multiline('log("', '");', "javascript")
    assert not choose_multiline("    return a", " + b", "python")


def test_line_comment_is_single_line():
    assert not choose_multiline("x = 1  # the ", "", "python")
    assert not choose_multiline("let x = 1; // the ", "", "rust")
    assert not choose_multiline("local x = 1 -- the ", "", "lua")


def test_context_splits_lines_around_the_cursor():
    ctx = make_context("a\nb\n  cc", "dd\ne\nf", "python")
    assert ctx.typed == "  cc" and ctx.line_rest == "dd"
    assert ctx.previous_lines() == ["a", "b"] and ctx.next_lines() == ["e", "f"]
