"""The completion pipeline asks the context pack for what the prompt will not show: when the prefix's token budget
drops the top of the line window, the scope headers and imports up there go into the pack's stub."""

from offgrid.complete.pipeline import Completer, CompletionSettings
from offgrid.complete.prompt import kept_prefix_lines
from offgrid.complete.request import CompletionRequest
from offgrid.context.service import ContextService, ContextSettings

BODY = "".join(f"        total += value_{i} * {i}\n" for i in range(60))
TEXT = "import math\n\n\nclass Ledger:\n    def tally(self):\n        total = 0\n" + BODY + "        \n"


def test_kept_prefix_lines_counts_what_the_token_budget_drops():
    def tokenize(text):  # a stand-in tokenizer: one token per word
        return text.split()

    prefix = "".join(f"a b c d\n{i}\n" for i in range(20))  # 40 lines, 100 tokens
    assert kept_prefix_lines(tokenize, prefix, 1000, 8) == 0
    assert kept_prefix_lines(tokenize, prefix, 50, 8) == 24  # 16 lines keep 40 tokens; 8 steps of 8 lines
    assert kept_prefix_lines(tokenize, prefix, 0, 8) == 40


def test_the_pack_holds_the_scope_headers_that_the_token_budget_cut(engine, tmp_path):
    (tmp_path / "ledger.py").write_text(TEXT)
    svc = ContextService(ContextSettings(recent_chunks=0), [tmp_path])
    svc.index.build()
    settings = CompletionSettings(
        prefix_tokens=128,
        suffix_tokens=32,
        max_tokens=2,
        prompt_time_ms=None,
        generate_time_ms=None,
        reuse_suggestions=False,
        prefetch=False,
    )
    completer = Completer(engine, settings, svc)
    row = TEXT.count("\n") - 1  # the blank line at the end of the body
    req = CompletionRequest(TEXT, row, 8, slot="a", language="python", uri=(tmp_path / "ledger.py").as_uri())
    completer.complete(req)
    stub = completer.last_context.stub
    assert "import math" in stub and "class Ledger:" in stub and "def tally(self):" in stub
