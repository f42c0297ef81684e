from offgrid.complete.postprocess.context import make_context
from offgrid.context.mode import fallback_mode


def test_end_of_line_is_multiline_and_mid_line_is_not():
    assert fallback_mode("    x = ", "", "python") == "multi"
    assert fallback_mode("foo(", ")", "python") == "multi"  # only an auto-closed bracket after the cursor
    assert fallback_mode('log("', '");', "javascript") == "multi"
    assert fallback_mode("    return a", " + b", "python") == "single"


def test_line_comment_is_single_line():
    assert fallback_mode("x = 1  # the ", "", "python") == "single"
    assert fallback_mode("let x = 1; // the ", "", "rust") == "single"
    assert fallback_mode("local x = 1 -- the ", "", "lua") == "single"


def test_context_splits_lines_around_the_cursor():
    ctx = make_context("a\nb\n  cc", "dd\ne\nf", "python")
    assert ctx.typed == "  cc" and ctx.line_rest == "dd"
    assert ctx.previous_lines() == ["a", "b"] and ctx.next_lines() == ["e", "f"]


def test_the_pack_mode_wins_over_the_text_around_the_cursor():
    assert not make_context("x = 1\n", "", "python", "single").multiline  # the text rule alone says multi
    assert make_context("    return a", " + b", "python", "multi").multiline
    assert make_context("x = 1\n", "", "python", None).multiline  # no pack: the text rule
