"""The completion pipeline asks the context pack for what the prompt will not show: when the prefix's token budget
drops the top of the line window, the scope headers and imports up there go into the pack's stub."""

from offgrid.complete.fit import fit_prefix, token_meter
from offgrid.complete.pipeline import Completer
from offgrid.complete.request import CompletionRequest
from offgrid.config import CompletionSettings, ContextSettings
from offgrid.context.service import ContextService

BODY = "".join(f"        total += value_{i} * {i}\n" for i in range(60))
TEXT = "import math\n\n\nclass Ledger:\n    def tally(self):\n        total = 0\n" + BODY + "        \n"


def test_the_fitted_prefix_counts_the_lines_the_token_budget_drops():
    meter = token_meter(str.split, str.encode)  # a stand-in tokenizer: one token per word

    prefix = "".join(f"a b c d\n{i}\n" for i in range(20))  # 40 lines, 100 tokens
    assert fit_prefix(meter, prefix, 1000, 8).skipped_lines == 0
    assert fit_prefix(meter, prefix, 50, 8).skipped_lines == 24  # 16 lines keep 40 tokens; 8 steps of 8 lines
    assert fit_prefix(meter, prefix, 0, 8).skipped_lines == 40


class RecordingContext(ContextService):
    """The real context service, keeping the last pack it gave the pipeline."""

    last = None

    def for_cursor(self, *args, **kwargs):
        self.last = super().for_cursor(*args, **kwargs)
        return self.last


def test_the_pack_holds_the_scope_headers_that_the_token_budget_cut(engine, tmp_path):
    (tmp_path / "ledger.py").write_text(TEXT)
    svc = RecordingContext(ContextSettings(recent_chunks=0), [tmp_path])
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
    stub = svc.last.stub
    assert "import math" in stub and "class Ledger:" in stub and "def tally(self):" in stub
