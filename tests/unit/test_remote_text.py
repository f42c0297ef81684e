"""Pure parts of the remote backends: text windows, FIM templates, held-back spaces, stream stopping, URLs."""

import re

import pytest
from offgrid.complete.fit import CHARS, Fitted, fit_prefix, fit_suffix
from offgrid.complete.prompt import Pieces, hold_back_space, render_infill, render_text
from offgrid.complete.stop_rules import single_line
from offgrid.context.pack import ContextPack, FileSnippet
from offgrid.engine.backends.base import InfillRequest, TextPrompt
from offgrid.engine.backends.llama_infill import infill_body
from offgrid.engine.backends.openai_completions import choose_template, completion_body, completions_root
from offgrid.engine.backends.remote import check_url, is_loopback, plain_http_warning
from offgrid.engine.backends.streamed import Collector, after_held
from offgrid.engine.fim import TEMPLATES, template_for
from offgrid.errors import RemoteError


def _prefix(text: str, tokens: int, step: int) -> str:
    return fit_prefix(CHARS, text, tokens, step).text()  # four characters a token


def _suffix(text: str, tokens: int) -> str:
    return fit_suffix(CHARS, text, tokens).text()


def test_prefix_window_drops_whole_lines_in_steps():
    text = "".join(f"line {i}\n" for i in range(40))  # 7 or 8 characters a line
    cut = _prefix(text, 25, 4)
    assert cut.startswith("line ") and cut.endswith("line 39\n") and len(cut) <= 100
    first = int(cut.split("\n")[0].split()[1])
    assert first % 4 == 0  # starts on a step boundary, so small cursor moves keep the server's cached prompt
    assert _prefix(text, 25, 4) == _prefix(text, 26, 4)  # a little more room changes nothing
    assert _prefix("x" * 50 + "\n", 3, 4) == "x" * 11 + "\n"  # one long line: its tail


def test_suffix_window_holds_whole_lines():
    assert _suffix("ab\ncd\nef", 100) == "ab\ncd\nef"
    assert _suffix("ab\ncd\nef", 1) == "ab\n"
    assert _suffix("ab\ncd\nef\ngh\nij", 3) == "ab\ncd\nef\ngh\n"  # the last whole line within 12 characters
    assert _suffix("ab\ncd\n\nef\ngh\nij", 3) == "ab\ncd\n\n"  # ends after a blank line in the second half


def test_trailing_spaces_are_held_back_and_dropped_from_the_answer():
    assert hold_back_space("    return ") == ("    return", " ")
    assert hold_back_space("    ") == ("    ", "")  # indentation alone is the prompt's business
    assert after_held(" a + b", " ") == "a + b"
    assert after_held("  a", " ") == " a"
    assert after_held("\n    x", " ") == "\n    x"
    assert after_held("x", "") == "x"


def render_fim(t, prefix, suffix, typed, pack=None, layout="typed-last") -> str:
    return render_text(t, Pieces(Fitted(list(prefix)), Fitted(list(suffix)), typed, pack, layout)).text


def test_templates_render_the_layouts():
    qwen = TEMPLATES["qwen2.5-coder"]
    assert render_fim(qwen, "P\n", "S", "  t", layout="psm") == "<|fim_prefix|>P\n  t<|fim_suffix|>S<|fim_middle|>"
    assert render_fim(qwen, "P\n", "S", "  t") == "<|fim_prefix|>P\n<|fim_suffix|>S<|fim_middle|>  t"
    assert render_fim(qwen, "P\n", "S", "  t", layout="spm") == "<|fim_suffix|>S<|fim_prefix|>P\n  t"
    assert render_fim(TEMPLATES["codestral"], "P", "S", "t", layout="psm") == "[SUFFIX]S[PREFIX]Pt"  # its own order
    assert render_fim(TEMPLATES["codellama"], "P", "S", "t") == "<PRE> P <SUF>S <MID>t"
    assert render_fim(None, "P\n", "S", "t") == "P\nt"  # no FIM: prefix only
    ctx = ContextPack("proj", "m.py", files=(FileSnippet("a.py", "def a(): ..."),), stub="import a\n")
    assert render_fim(qwen, "P", "S", "t", ctx) == (
        "<|repo_name|>proj\n<|file_sep|>a.py\ndef a(): ...\n<|file_sep|>m.py\n<|fim_prefix|>import a\nP<|fim_suffix|>S"
        "<|fim_middle|>t"
    )
    # a model without repo-level tokens gets the other files as comments before the prefix (as the local layout)
    assert render_fim(TEMPLATES["deepseek-coder"], "P", "S", "t", ctx).startswith(
        "<｜fim▁begin｜># a.py\n# def a(): ...\n# m.py\nimport a\nP<｜fim▁hole｜>S"
    )


def test_template_from_format_preset_or_model_name():
    assert template_for("starcoder").name == "starcoder"
    assert template_for("qwen2.5-coder-1.5b").name == "qwen2.5-coder"  # a preset
    assert template_for("Qwen/Qwen2.5-Coder-7B-Instruct").name == "qwen2.5-coder"  # a vLLM model id
    assert template_for("/models/deepseek-coder-6.7b-base.Q4_K_M.gguf").name == "deepseek-coder"
    assert template_for("smollm2-135m") is None
    assert choose_template("", "my-model", "qwen2.5-coder-0.5b").name == "qwen2.5-coder"  # falls back to preset
    assert choose_template("none", "qwen2.5-coder", "qwen2.5-coder-0.5b") is None
    with pytest.raises(RemoteError, match="not a FIM format"):
        choose_template("gpt-9", "", "")


def test_request_bodies():
    ctx = ContextPack("proj", "m.py", files=(FileSnippet("u.py", "U"),), stub="import u\n")
    pieces = Pieces(Fitted(list("a\n")), Fitted(list("\nz")), "  b ", ctx)
    req = InfillRequest(render_infill(pieces), max_tokens=9)
    body = infill_body(req)
    assert body["prompt"] == "  b" and body["input_extra"] == [{"filename": "u.py", "text": "U"}]
    assert body["input_prefix"] == "import u\na\n"
    assert "n_indent" not in body and "t_max_predict_ms" not in body
    req = InfillRequest(render_text(TEMPLATES["starcoder"], pieces), max_tokens=9)
    body = completion_body(req, "m", TEMPLATES["starcoder"])
    assert (
        body["prompt"].endswith("a\n  b<fim_suffix>\nz<fim_middle>")
        and body["max_tokens"] == 9
        and len(body["stop"]) <= 4
    )
    assert req.prompt.held == " "
    assert "model" not in completion_body(req, "", None)
    assert completions_root("http://h:8000/v1") == "http://h:8000"


def _req(**kw) -> InfillRequest:
    return InfillRequest(TextPrompt(""), **kw)


def test_collector_applies_stop_rules_to_streamed_text():
    c = Collector(_req(stop=single_line()))
    assert c.add("foo") and c.add("(x)")
    assert not c.add(")\nnext")
    g = c.generation()
    assert g.text == "foo(x))" and g.stop_reason == "stop_rule" and g.n_generated == 3

    def dedent(text):  # stop before a complete line that is not indented
        m = re.search(r"\n\S[^\n]*\n", text)
        return m.start() if m else None

    c = Collector(_req(stop=dedent), held=" ")
    for piece in [" x = 1\n", "    y = 2\n", "z"]:
        c.add(piece)
    assert not c.add("\n")  # the dedented line is complete: the block ended
    assert c.generation().text == "x = 1\n    y = 2"


def test_stop_rules_see_the_text_without_the_held_back_space():
    def leading_space(text: str) -> int | None:
        return 0 if text.startswith(" ") else None

    c = Collector(_req(stop=leading_space), held=" ")
    assert c.add(" a") and c.add(" + b")
    assert c.generation().text == "a + b"
    c = Collector(_req(stop=single_line()), held=" ")
    c.add(" x\ny")
    assert c.generation().text == "x" and c.reason == "stop_rule"


def test_collector_stop_strings_and_token_cap():
    c = Collector(_req(max_tokens=100), stop_strings=("<|endoftext|>",))
    c.add("ab<|endo")
    assert not c.add("ftext|>junk")
    assert c.generation().text == "ab"
    c = Collector(_req(max_tokens=2))
    assert c.add("a") is True and c.add("b") is False and c.reason == "max_tokens"


def test_plain_http_warns_only_off_this_machine():
    assert plain_http_warning("http://127.0.0.1:8080") is None
    assert plain_http_warning("http://localhost:8080") is None
    assert plain_http_warning("http://[::1]:8080") is None
    assert plain_http_warning("https://gpu.example.com") is None
    assert "unencrypted" in plain_http_warning("http://gpu.example.com:8080")
    assert is_loopback("http://127.0.0.2") and not is_loopback("http://10.0.0.1")
    assert check_url(" http://h:1/ ") == "http://h:1"
    with pytest.raises(RemoteError, match="http:// or https://"):
        check_url("gpu-box:8080")
