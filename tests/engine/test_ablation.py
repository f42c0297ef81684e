"""`bench quality --ablate`'s two sides on the tiny random-weight model: offgrid's prompt cut the plain way, and
the plain prompt cut offgrid's way (their answers are noise here; what is checked is which cut each applies)."""

from offgrid.bench.ablation import offgrid_prompt_plain_cut, plain_prompt_offgrid_cut
from offgrid.complete.pipeline import Completer
from offgrid.complete.request import CompletionRequest
from offgrid.config import CompletionSettings

TEXT = "def f(xs):\n    total = 0\n    \n    return total\n"


def _completer(engine) -> Completer:
    return Completer(engine, CompletionSettings(prompt_time_ms=None, generate_time_ms=None, reuse_suggestions=False))


def test_offgrid_s_prompt_with_the_plain_cut_keeps_one_line_for_a_one_line_task(engine):
    req = CompletionRequest(TEXT, 2, 4, slot="a")
    c = _completer(engine)
    text, replaced = offgrid_prompt_plain_cut(c, req, c.plan(req), multiline=False)
    assert "\n" not in text and replaced == 0


def test_the_plain_prompt_with_offgrid_s_cut_is_cleaned_like_a_suggestion(engine):
    req = CompletionRequest(TEXT, 2, 4, slot="b")
    c = _completer(engine)
    text, _ = plain_prompt_offgrid_cut(c, req, c.plan(req))
    assert text == text.rstrip()  # offgrid's filters ran: no trailing whitespace is ever suggested
