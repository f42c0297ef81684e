from offgrid.complete.fit import fit_prefix, fit_suffix, token_meter
from offgrid.complete.prompt import Pieces, Vocab, render_tokens
from offgrid.complete.windows import cut_windows, split_lines
from offgrid.engine.fim import FimFormat

FIM = FimFormat("test", prefix=-1, suffix=-2, middle=-3)


def chars(text):
    return [ord(c) for c in text]


def piece(t):
    return chr(t).encode()


def build_prompt(
    tokenize, piece, fim, w, prefix_tokens=1024, suffix_tokens=256, step_lines=16, bos=None, pack=None, layout="psm"
):
    """What the pipeline does: fit both windows with the model's tokens, then lay the tokens out."""
    meter = token_meter(tokenize, piece)
    prefix = fit_prefix(meter, w.prefix, prefix_tokens, step_lines)
    suffix = fit_suffix(meter, w.suffix, suffix_tokens)
    return render_tokens(Vocab(tokenize, piece, fim, bos), Pieces(prefix, suffix, w.typed, pack, layout))


def test_windows_put_whole_lines_in_prefix_and_typed_text_last():
    lines = split_lines("a\nbb\ncc dd\nee\n")
    w = cut_windows(lines, 2, 2, prefix_lines=10, suffix_lines=10, step=1)
    assert w.prefix == "a\nbb\n" and w.typed == "cc" and w.suffix == " dd\nee\n"


def test_window_edges_move_in_steps():
    lines = [f"l{i}" for i in range(100)]
    starts = {
        cut_windows(lines, n, 0, prefix_lines=20, suffix_lines=5, step=8).prefix.split("\n")[0] for n in range(44, 52)
    }
    assert len(starts) == 1  # eight cursor lines, one prefix window start: the cached prompt stays put
    every_line = {cut_windows(lines, n, 0, 20, 5, step=1).prefix.split("\n")[0] for n in range(44, 52)}
    assert len(every_line) == 8


def test_prompt_layouts_place_the_typed_part():
    w = cut_windows(split_lines("x = 1\ny = \nz = 3"), 1, 4, 10, 10, 1)
    p = build_prompt(chars, piece, FIM, w)  # psm: at the end of the prefix, as the model was trained
    assert p.ids == [-1, *chars("x = 1\ny ="), -2, *chars("\nz = 3"), -3]
    assert p.healed == b" "  # the typed part's last token is held back for the model to rewrite
    p = build_prompt(chars, piece, FIM, w, layout="typed-last")
    assert p.ids == [-1, *chars("x = 1\n"), -2, *chars("\nz = 3"), -3, *chars("y =")]
    p = build_prompt(chars, piece, FIM, w, layout="spm")
    assert p.ids == [-2, *chars("\nz = 3"), -1, *chars("x = 1\ny =")]


def test_prompt_without_fim_is_prefix_then_typed():
    w = cut_windows(split_lines("x = 1\ny = "), 1, 4, 10, 10, 1)
    assert build_prompt(chars, piece, None, w, bos=7).ids == [7, *chars("x = 1\ny =")]


def test_budgets_keep_the_end_of_the_prefix_and_the_start_of_the_suffix():
    w = cut_windows(split_lines("0123456789\nab\n9876543210"), 1, 1, 10, 10, 1)
    p = build_prompt(chars, piece, FIM, w, prefix_tokens=4, suffix_tokens=3, step_lines=1)
    assert p.ids == [-1, *chars("789\n"), -2, *chars("b\n"), -3] and p.healed == b"a"  # one line over budget


def test_suffix_holds_whole_lines_and_ends_at_a_blank_line():
    after = "\n    return x\n\n\ndef g(y):\n    return y\n"  # the rest of the cursor's line, then more
    w = cut_windows(split_lines("def f(x):\n    " + after), 1, 4, 10, 10, 1)

    def suffix(budget: int) -> str:
        ids = build_prompt(chars, piece, FIM, w, suffix_tokens=budget).ids
        return "".join(chr(t) for t in ids[ids.index(-2) + 1 : ids.index(-3)])

    assert suffix(len(after) - 1) == "\n    return x\n\n\n"  # not "...def g(y):\n    retur"
    assert suffix(5) == "\n"  # no whole line but the cursor's own fits
    assert suffix(1000) == after


def test_prefix_over_budget_drops_whole_lines_in_steps():
    lines = [f"line{i:02d}" for i in range(40)] + ["x"]
    starts = set()
    for n in range(30, 38):  # the cursor moves down eight lines
        w = cut_windows(lines[: n + 1], n, 0, 100, 0, 1)
        p = build_prompt(chars, piece, FIM, w, prefix_tokens=6 * 20, suffix_tokens=0, step_lines=4)
        prefix = "".join(chr(t) for t in p.ids[1 : p.ids.index(-2)])
        assert prefix.endswith("\n") and len(prefix) <= 120 and prefix.startswith("line")
        starts.add(prefix[:6])
    assert len(starts) <= 3  # the first line moved in steps of four, not once per line


def test_nothing_held_back_at_the_start_of_a_line():
    w = cut_windows(["x", ""], 1, 0, 10, 10, 1)
    assert build_prompt(chars, piece, FIM, w).healed == b""


def _pack(fmt="repo"):
    from offgrid.context.pack import ContextPack, FileSnippet

    files = (FileSnippet("lib/a.py", "def f(x): ..."),)
    return ContextPack("repo", "main.py", "#", files, "import a\n", "multi", 9, ("f",), fmt)


def test_context_pack_goes_first_with_repo_level_tokens():
    fim = FimFormat("test", prefix=-1, suffix=-2, middle=-3, repo_name=-4, file_sep=-5)
    w = cut_windows(split_lines("x = 1\ny = \n"), 1, 4, 10, 10, 1)
    p = build_prompt(chars, piece, fim, w, pack=_pack())
    head = [-4, *chars("repo\n"), -5, *chars("lib/a.py\ndef f(x): ...\n"), -5, *chars("main.py\n")]
    assert p.ids[: len(head)] == head
    rest = p.ids[len(head) :]
    assert rest[: 1 + len("import a\n")] == [-1, *chars("import a\n")]  # the stub opens the prefix
    assert rest[-1] == -3 and chars("x = 1\ny =") == rest[rest.index(-1) + 10 : rest.index(-2)]  # typed ends the prefix


def test_context_pack_as_comments_without_repo_tokens():
    w = cut_windows(split_lines("x = 1\ny = \n"), 1, 4, 10, 10, 1)
    for fim, fmt in ((FIM, "repo"), (FimFormat("t", -1, -2, -3, repo_name=-4, file_sep=-5), "comments")):
        p = build_prompt(chars, piece, fim, w, pack=_pack(fmt))
        text = "".join(chr(t) for t in p.ids if t >= 0)
        assert p.ids[0] == -1 and -4 not in p.ids
        assert text.startswith("# lib/a.py\n# def f(x): ...\n# main.py\nimport a\nx = 1\n")


def test_an_empty_pack_leaves_the_prompt_unchanged():
    from offgrid.context.pack import ContextPack

    w = cut_windows(split_lines("x = 1\ny = \n"), 1, 4, 10, 10, 1)
    fim = FimFormat("test", prefix=-1, suffix=-2, middle=-3, repo_name=-4, file_sep=-5)
    plain = build_prompt(chars, piece, fim, w)
    assert build_prompt(chars, piece, fim, w, pack=ContextPack(repo="r", mode="single")) == plain
