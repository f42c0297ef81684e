"""One test per filter, on documents written inline (║ cursor, ├model text┤)."""

from dataclasses import replace

from offgrid.complete.postprocess import postprocess
from offgrid.complete.postprocess.drop_blank import drop_blank
from offgrid.complete.postprocess.drop_duplicated import drop_duplicated
from offgrid.complete.postprocess.limit_scope import limit_scope
from offgrid.complete.postprocess.trim_line_suffix import trim_line_suffix, unmatched_closers
from offgrid.complete.postprocess.trim_partial_line import trim_partial_line
from offgrid.complete.postprocess.trim_repetition import trim_repetition
from offgrid.complete.postprocess.trim_space import trim_space
from offgrid.complete.postprocess.trim_suffix_lines import trim_suffix_lines

from tests.support.marked import parse_marked


def run(f, marked, language="python", truncated=False):
    return f(*parse_marked(marked, language, truncated))


def test_trim_partial_line_only_when_truncated():
    assert run(trim_partial_line, "├a = 1\nb = fo┤", truncated=True).text == "a = 1"
    assert run(trim_partial_line, "├a = 1\nb = fo┤").text == "a = 1\nb = fo"
    assert run(trim_partial_line, "├a = fo┤", truncated=True).text == "a = fo"  # a lone line stays


def test_limit_scope_applies_the_stop_rules_to_finished_text():
    assert run(limit_scope, "def f():\n    ├return 1\ndef g():\n    pass┤\n").text == "return 1"
    assert run(limit_scope, "x = g(├1)\ny┤ + 2\n").text == "1)"


def test_limit_scope_keeps_a_block_the_model_ended_itself():
    # HumanEval 72 with the 1.5B: the hole runs past the inner block, and the model's own end says so
    marked = "def f(q):\n    if sum(q) > w:\n├        return False\n    i = 0\n    while i < j:┤\n        i += 1\n"
    cut, ctx = parse_marked(marked)
    assert limit_scope(cut, ctx).text == "        return False"
    ended = limit_scope(replace(cut, ended=True), ctx).text
    assert ended == "        return False\n    i = 0\n    while i < j:"
    # the context's layout is cut even then
    echo = replace(cut, text="        return False\n<|file_sep|>other.py", ended=True)
    assert limit_scope(echo, ctx).text == "        return False\n"


def test_limit_scope_keeps_more_lines_mid_line_when_the_model_ended_them():
    # HumanEval random span 82/8 with the 1.5B: the span runs from mid-line into the lines below
    cut, ctx = parse_marked("def f(l):\n    if l├ == 1:\n        return┤ False\n    return True\n")
    assert not ctx.multiline and ctx.line_rest == " False"
    assert limit_scope(cut, ctx).text == " == 1:"
    assert limit_scope(replace(cut, ended=True), ctx).text == " == 1:\n        return"


def test_limit_scope_never_keeps_the_file_s_top_level_below_an_indented_line():
    # the 0.5B, given the grace before it is seen not to end, wrote example usage below the function and ended
    model = "a**2 + b**2)\n\n# Example usage:\na = 3\nprint(hypotenuse(a, 4))"
    cut, ctx = parse_marked(f"import math\n\ndef hypotenuse(a, b):\n    return math.sqrt(├{model}┤)\n")
    assert limit_scope(replace(cut, ended=True), ctx).text == "a**2 + b**2)"
    # a closing line at column 0 closes the definition: the other rules decide about it
    cut, ctx = parse_marked("function f() {\n  return g(├1);\n}┤\n", "javascript")
    assert limit_scope(replace(cut, ended=True), ctx).text == "1);\n}"
    # in the C family a preprocessor line sits at column 0 inside a function too (cuda-cpp is VS Code's CUDA)
    marked = "int f(void) {\n  int n = ├0;\n#ifdef DEBUG\n  n = 1;\n#endif┤\n  return n;\n}\n"
    for language in ("c", "cpp", "cuda-cpp"):
        cut, ctx = parse_marked(marked, language)
        assert limit_scope(replace(cut, ended=True), ctx).text == "0;\n#ifdef DEBUG\n  n = 1;\n#endif"


def test_trim_suffix_lines_drops_lines_that_follow_anyway():
    c = run(trim_suffix_lines, "def f(x):\n    ├y = x\n    return y┤\n    return y\n")
    assert c.text == "y = x"
    assert run(trim_suffix_lines, "├a\nb┤\nc\n").text == "a\nb"


def test_trim_repetition_keeps_one_copy():
    assert run(trim_repetition, "├a()\nb()\nb()\nb()┤").text == "a()\nb()"
    assert run(trim_repetition, "├x\ny\nx\ny\nx\ny┤").text == "x\ny"
    assert run(trim_repetition, "├a()\na()\nb()┤").text == "a()\na()\nb()"  # twice is not a loop


def test_unmatched_closers_counts_in_order():
    assert unmatched_closers("a)") == {")": 1}
    assert unmatched_closers("(a)") == {}
    assert unmatched_closers(")(") == {")": 1}
    assert unmatched_closers('x")') == {")": 1, '"': 1}


def test_trim_line_suffix_trims_or_replaces():
    assert run(trim_line_suffix, "f(├x)┤)").text == "x"
    assert run(trim_line_suffix, "f(├g(x)┤)").text == "g(x)"
    c = run(trim_line_suffix, "f(├x) + 1┤)")
    assert (c.text, c.replace) == ("x) + 1", 1)
    assert run(trim_line_suffix, "f(├x┤)").text == "x"
    assert run(trim_line_suffix, "a = ├b┤ + c").text == "b"  # real code after the cursor is left alone


def test_trim_space():
    assert run(trim_space, "x = ├ 1  ┤").text == "1"
    assert run(trim_space, "    ├return 1\n  ┤").text == "return 1"
    assert run(trim_space, "def f():├\n    pass┤").text == "\n    pass"


def test_trim_space_keeps_a_line_break_the_model_ended_on_before_the_line_s_rest():
    # HumanEval random span 70/7 with the 1.5B: the rest of the cursor line goes on a line of its own
    marked = "while├ lst:\n    res.append(lst.pop())\n   ┤ n += 1\n"
    cut, ctx = parse_marked(marked)
    assert trim_space(replace(cut, ended=True), ctx).text == " lst:\n    res.append(lst.pop())\n   "
    assert trim_space(cut, ctx).text == " lst:\n    res.append(lst.pop())"  # not ended: no more than shown
    assert run(trim_space, "x = ├1  \n┤").text == "1"  # nothing follows on the line


def test_drop_blank():
    assert run(drop_blank, "├  \n ┤").text == ""
    assert run(drop_blank, "├x┤").text == "x"


def test_drop_duplicated():
    assert run(drop_duplicated, "a = 1\n├a = 1┤\n").text == ""
    assert run(drop_duplicated, "├b = 2┤\nb = 2\n").text == ""
    assert run(drop_duplicated, "a = 1\n├b = 2┤\nc = 3\n").text == "b = 2"
    assert run(drop_duplicated, "x = a + ├a┤ + b\n").text == "a"  # mid-line text is never a repeated line


def test_drop_syntax_worse():
    from offgrid.complete.postprocess.drop_syntax_worse import drop_syntax_worse

    assert run(drop_syntax_worse, "def f(x):\n    return ├x + 1┤\n").text == "x + 1"
    assert run(drop_syntax_worse, "def f(x):\n    return ├x + (1┤\n").text == ""  # an unclosed bracket
    assert run(drop_syntax_worse, "fn f() -> i32 {\n    ├1 +┤\n}\n", "rust").text == ""
    assert run(drop_syntax_worse, "fn f() -> i32 {\n    ├1 + 2┤\n}\n", "rust").text == "1 + 2"
    # the user is half-way through a line: a suggestion that completes it makes things better, not worse
    assert run(drop_syntax_worse, "x = [1, ├2, 3]┤\n").text == "2, 3]"
    assert run(drop_syntax_worse, "anything ├goes┤", "plaintext").text == "goes"


def test_trim_dangling_header():
    from offgrid.complete.postprocess.trim_dangling_header import trim_dangling_header

    assert run(trim_dangling_header, "def f(n):\n    ├x = 1\n    if n:┤\n    return x\n").text == "x = 1"
    assert run(trim_dangling_header, "def f(n):\n    ├x = 1\n    if n:┤\n        return x\n").text == "x = 1\n    if n:"
    assert run(trim_dangling_header, "def f(n):\n    ├if n:┤\n    return 1\n").text == "if n:"  # one line: asked for


def test_a_call_opened_on_a_single_line_and_closed_below_survives_every_filter():
    """The syntax tree asks for one line (`return st.` is a statement begun); the model opens a call and puts
    its arguments one per line. The whole call is the suggestion, not the unclosed `times(` (which the syntax
    check would drop, leaving nothing)."""
    call = "times(\n        timezones=timezones(),\n    )"
    cand, ctx = parse_marked(f"def f():\n    return st.├{call}\n\n\ndef g():┤\n    pass\n")
    assert postprocess(cand, replace(ctx, multiline=False)).text == call


def _blank(marked, ended=True, mode="single"):
    candidate, ctx = parse_marked(marked, "python", False, mode, ended)
    return drop_blank(candidate, ctx).text


def test_drop_blank_keeps_whitespace_the_model_ended_on_only_where_it_lays_out_the_code_at_a_level_of_the_file():
    # a line break before the code after the cursor, at the level inside the `for` the cursor's line opens
    loop = "def f(l):\n    for i, x in enumerate(l):├\n        ┤for j in l:\n            pass\n"
    assert _blank(loop) == "\n        "
    assert _blank(loop, ended=False) == ""  # a cap or a rule stopped it: it says nothing
    assert _blank(loop, mode="multi") == ""  # several lines asked for: a blank answer is no answer
    assert _blank(loop.replace("├\n        ┤", "├\n       ┤")) == ""  # 7 spaces: no level of this file
    # indentation in the line's own indentation: 3 spaces before ` return` make the docstring's 4
    doc = 'def f(n):\n    """Doc."""\n├   ┤ return n\n'
    assert _blank(doc) == "   "
    assert _blank(doc.replace("├   ┤", "├       ┤")) == ""  # 8: deeper than anything around it
    assert _blank(doc.replace("├   ┤", "├\t┤")) == ""  # a tab before a space, in a file indented with spaces
    tabs = "func f() {\n\tif x {\n├\t┤\treturn\n\t}\n}\n"
    assert _blank(tabs) == "\t"  # tabs, one level inside the `if`
    assert _blank("x = f(├\n┤a)\n") == ""  # a line break to column 0 inside a call: no code there starts a line
