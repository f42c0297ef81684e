"""The engine against a real llama.cpp context (tiny random weights): cache accounting, cancellation, bad files."""

import threading
from pathlib import Path

import pytest
from offgrid.engine.generation import GenerationRequest, SoftCut
from offgrid.engine.model import Model
from offgrid.errors import ModelError

from tests.support.tiny_gguf import write_tiny_gguf


def prompt_of(engine, text):
    return tuple(engine.model.tokenize(text))


def gen(engine, prompt, slot="a", **kw):
    kw.setdefault("max_tokens", 4)
    return engine.generate(GenerationRequest(prompt=prompt, slot=slot, **kw))


def test_fim_tokens_found_in_the_tiny_model(engine):
    fim = engine.model.fim
    assert fim is not None and fim.name == "qwen2.5-coder"
    assert engine.model.ends_generation(fim.pad)


def test_typing_one_more_character_evaluates_only_the_new_tokens(engine):
    base = prompt_of(engine, "def add(a, b):\n    return a")
    first = gen(engine, base)
    assert first.n_evaluated == len(base) and first.n_reused == 0
    second = gen(engine, base + prompt_of(engine, " +"))
    assert second.n_reused == len(base)
    assert second.n_evaluated == second.n_prompt - len(base)


def test_the_same_prompt_again_evaluates_one_token(engine):
    p = prompt_of(engine, "x = 1\ny = 2\n")
    gen(engine, p)
    again = gen(engine, p)
    assert again.n_evaluated == 1 and again.n_reused == len(p) - 1


def test_lines_inserted_above_are_evaluated_and_the_rest_shifted(engine):
    head = prompt_of(engine, "import os\n")
    body = prompt_of(engine, "".join(f"value_{i} = compute({i})\n" for i in range(12)))
    gen(engine, head + body)
    inserted = prompt_of(engine, "import sys\n")
    after = gen(engine, head + inserted + body)
    assert after.n_shifted >= len(body) - 1
    assert after.n_evaluated <= len(inserted) + 2
    # and deleting it again shifts back down
    back = gen(engine, head + body)
    assert back.n_shifted >= len(body) - 8 and back.n_evaluated <= 8


def test_two_documents_keep_their_caches(engine):
    a = prompt_of(engine, "alpha = 1\n" * 20)
    b = prompt_of(engine, "beta = 2\n" * 20)
    gen(engine, a, slot="a")
    gen(engine, b, slot="b")
    again = gen(engine, a, slot="a")
    assert again.n_evaluated == 1


def test_cancel_stops_generation_within_one_token(engine):
    cancel = threading.Event()

    def stop_rule(text):
        cancel.set()  # the user cancels while the first token is being shown
        return None

    g = engine.generate(GenerationRequest(prompt=prompt_of(engine, "abc"), max_tokens=50, stop=stop_rule), cancel)
    assert g.stop_reason == "cancelled" and g.n_generated == 1


def test_prompt_abort_leaves_a_usable_cache(engine):
    p = prompt_of(engine, "some text to evaluate\n" * 10)
    aborted = gen(engine, p, prompt_time_limit_s=0.0)
    assert aborted.stop_reason == "prompt_time" and aborted.text == ""
    ok = gen(engine, p)
    assert ok.stop_reason in ("max_tokens", "end")
    assert ok.n_reused + ok.n_evaluated == len(p)  # nothing counted as cached that was not


def test_prompt_longer_than_the_context_is_refused_not_crashed(engine):
    huge = prompt_of(engine, "word " * 2100)
    g = gen(engine, huge)
    assert g.stop_reason == "context_full" and g.text == ""
    assert gen(engine, prompt_of(engine, "x = 1")).stop_reason in ("max_tokens", "end")


def test_stop_rule_cuts_text(engine):
    g = gen(engine, prompt_of(engine, "q"), max_tokens=20, stop=lambda t: 0 if len(t) >= 3 else None)
    assert g.stop_reason == "stop_rule" and g.text == ""


def test_missing_file(tmp_path):
    with pytest.raises(ModelError, match="does not exist"):
        Model(tmp_path / "nope.gguf")


def test_not_a_gguf_file(tmp_path):
    bad = tmp_path / "bad.gguf"
    bad.write_bytes(b"PK\x03\x04 not a model")
    with pytest.raises(ModelError, match="not a GGUF"):
        Model(bad)


def test_truncated_gguf(tmp_path, tiny_model):
    cut = tmp_path / "cut.gguf"
    cut.write_bytes(tiny_model.read_bytes()[:5000])
    with pytest.raises(ModelError, match="could not load"):
        Model(cut)


def test_unknown_architecture_is_named(tmp_path):
    odd = write_tiny_gguf(tmp_path / "odd.gguf", arch="notanarch")
    with pytest.raises(ModelError, match="notanarch"):
        Model(Path(odd))


def test_forced_prefix_constrains_the_first_tokens(engine):
    forced = b"resul"
    g = gen(engine, prompt_of(engine, "x = "), max_tokens=12, forced_prefix=forced)
    assert g.text.encode().startswith(forced)


def test_speculative_fork_reuses_a_document_cache_without_touching_it(engine):
    doc = prompt_of(engine, "def f(x):\n    return x\n" * 10)
    gen(engine, doc, slot="a")
    spec = gen(engine, doc + prompt_of(engine, "# more"), slot="spec", fork_from="a")
    assert spec.n_reused >= len(doc) - 1 and spec.n_evaluated <= 8
    again = gen(engine, doc, slot="a")
    assert again.n_evaluated == 1  # the document's own sequence is intact


class _SlowClock:
    """A clock that moves five seconds per reading: every prompt piece looks slow, as on a very busy machine."""

    def __init__(self) -> None:
        self.now = 0.0

    def monotonic(self) -> float:
        self.now += 5.0
        return self.now


@pytest.mark.parametrize("adaptive", [True, False])
def test_prompt_pieces_shrink_on_a_slow_machine_unless_fixed_for_benchmarks(tiny_model, monkeypatch, adaptive):
    from offgrid.engine import llama_engine

    model = Model(tiny_model, n_ctx=2048, n_seq_max=2)
    eng = llama_engine.LlamaEngine(model, adaptive_pieces=adaptive)
    try:
        start = eng.decode_chunk
        monkeypatch.setattr(llama_engine, "time", _SlowClock())
        gen(eng, prompt_of(eng, "value = compute(1, 'some words here')\n" * 40))
        assert eng.decode_chunk == (llama_engine.MIN_DECODE_CHUNK if adaptive else start)
    finally:
        eng.close()
        model.close()


def test_a_held_stop_rule_cut_applies_when_the_model_goes_on(engine):
    # the tiny model never ends by itself within 20 tokens here: the soft cut at the 3rd character applies,
    # after the grace's tokens were generated
    rule = lambda t: SoftCut(2) if len(t) >= 3 else None  # noqa: E731
    plain = gen(engine, prompt_of(engine, "q"), slot="b", max_tokens=40, stop=rule)
    held = gen(engine, prompt_of(engine, "q"), slot="c", max_tokens=40, stop=rule, end_grace=5)
    assert plain.stop_reason == held.stop_reason == "stop_rule"
    assert held.text == plain.text
    assert held.n_generated == plain.n_generated + 6
