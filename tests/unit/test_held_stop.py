"""A stop rule's soft cut held for a grace of tokens: the model's own end within it keeps the longer text, else
the rule's cut applies (engine/generation.py HeldStop), for streamed remote text as for the local engine; a firm
cut applies at once."""

from offgrid.engine.backends.base import InfillRequest, TextPrompt
from offgrid.engine.backends.streamed import Collector
from offgrid.engine.generation import HeldStop, SoftCut, after_skip


def _at_newline(text: str) -> int | None:
    i = text.find("\n")
    return SoftCut(i) if i >= 0 else None


def _firm_at_newline(text: str) -> int | None:
    i = text.find("\n")
    return i if i >= 0 else None


def test_without_grace_the_rule_cuts_at_once():
    s = HeldStop(_at_newline)
    assert s.after_token("a") is None
    assert s.after_token("a\nb") == 1


def test_the_cut_is_held_for_the_grace_then_applies():
    s = HeldStop(_at_newline, grace=2)
    assert s.after_token("a\n") is None and s.held == 1
    assert s.after_token("a\nb") is None  # one token of grace
    assert s.after_token("a\nbc") is None  # two: a next token that ends the text would still be in time
    assert s.after_token("a\nbcd") == 1  # the model went on: the rule's cut


def test_a_firm_cut_is_not_held():
    s = HeldStop(_firm_at_newline, grace=5)
    assert s.after_token("a\nb") == 1 and s.held is None


def test_a_soft_cut_stays_soft_after_held_back_text():
    assert isinstance(after_skip(_at_newline, "x")("xa\nb"), SoftCut)
    assert not isinstance(after_skip(_firm_at_newline, "x")("xa\nb"), SoftCut)


def test_no_rule_never_stops():
    s = HeldStop(None, grace=3)
    assert all(s.after_token("x" * n) is None for n in range(1, 10)) and s.held is None


def _collector(grace: int, max_tokens: int = 100) -> Collector:
    return Collector(InfillRequest(TextPrompt(""), stop=_at_newline, end_grace=grace, max_tokens=max_tokens))


def test_a_stream_that_ends_within_the_grace_is_kept_whole():
    c = _collector(grace=4)
    for piece in ["x = 1", "\n", "y = 2"]:
        assert c.add(piece)
    g = c.generation()  # the server's stream ended: the model's own end
    assert g.text == "x = 1\ny = 2" and g.stop_reason == "end" and g.held
    c = _collector(grace=4)
    assert c.add("x = 1")
    assert not c.generation().held  # no cut was asked for: nothing learnt about the model's end


def test_a_stream_that_runs_past_the_grace_is_cut_where_the_rule_said():
    c = _collector(grace=2)
    assert c.add("x = 1") and c.add("\n") and c.add("y") and c.add(" =")
    assert not c.add(" 2")
    g = c.generation()
    assert g.text == "x = 1" and g.stop_reason == "stop_rule" and g.held


def test_a_stream_capped_while_held_is_cut_where_the_rule_said():
    c = _collector(grace=10, max_tokens=3)
    assert c.add("x = 1") and c.add("\n")
    assert not c.add("y")
    g = c.generation()
    assert g.text == "x = 1" and g.stop_reason == "stop_rule"


def test_a_held_cut_applies_at_a_cap_and_not_at_the_model_s_end():
    s = HeldStop(_at_newline, grace=5)
    s.after_token("a\nb")
    assert s.at_cap("max_tokens") == 1 and s.at_cap("time") == 1
    assert s.at_cap("end") is None
    assert HeldStop(_at_newline, grace=5).at_cap("max_tokens") is None  # nothing held
