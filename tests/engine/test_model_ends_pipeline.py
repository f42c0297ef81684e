"""The pipeline learns from each multi-line answer that no rule cut whether the model ends its blocks itself, and
holds the block rules' cuts only for one that does (complete/model_ends.py), on the tiny random-weight model (a rule
cut that was not held teaches nothing: tests/e2e/test_model_ends_evidence.py scripts one)."""

from offgrid.complete.model_ends import MIN_SEEN
from offgrid.complete.pipeline import Completer
from offgrid.complete.request import CompletionRequest
from offgrid.config import CompletionSettings

BLOCK = "def f(xs):\n    total = 0\n    \n    return total\n"  # the cursor on the blank line in the body
MID_LINE = "x = compute(1, 2)\n"


def _settings() -> CompletionSettings:
    return CompletionSettings(max_tokens=12, prompt_time_ms=None, generate_time_ms=None, reuse_suggestions=False)


def test_multi_line_answers_are_recorded_and_one_line_answers_where_the_line_s_end_was_held(engine):
    c = Completer(engine, _settings())
    shown = []  # whether each answer ended by itself, for those that could show it
    for k in range(5):
        g = c.complete(CompletionRequest(BLOCK, 2, 4, slot=f"b{k}")).generation
        if g.held or g.stop_reason in ("end", "max_tokens"):
            shown.append(g.stop_reason == "end")
    assert shown, "the tiny model's answers run to the token cap or end"
    assert c.ends.seen == len(shown) and c.ends.share == sum(shown) / len(shown)
    assert c.ends.grace(64) == (64 if len(shown) < MIN_SEEN or sum(shown) >= len(shown) / 2 else 0)
    # single-line mode: learnt from only where the line's end was held, so the model could show its own end
    held = []
    for k in range(3):
        s = c.complete(CompletionRequest(MID_LINE, 0, 12, slot=f"m{k}"))
        held.append(s.generation.held)
    assert c.ends.seen == len(shown) + sum(held)


def test_the_grace_setting_reaches_the_request_and_zero_turns_it_off(engine):
    from offgrid.config import parse_settings

    settings, problem = parse_settings({"completion": {"endGraceTokens": 0}})
    assert problem is None and settings.completion.end_grace_tokens == 0
    req = CompletionRequest(BLOCK, 2, 4, slot="g")
    off = Completer(engine, settings.completion)
    assert off.plan(req)[0].end_grace == 0
    assert Completer(engine, _settings()).plan(req)[0].end_grace == CompletionSettings().end_grace_tokens == 64
