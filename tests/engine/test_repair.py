"""Shifted (approximate) cache is recomputed while the user pauses, and never lost when that is interrupted.

Whether the repaired cache gives the greedy answers of a fresh evaluation is measured on the real model by
`offgrid bench consistency --repair` (random weights amplify float noise too much to test it here)."""

import threading

from offgrid.engine.generation import GenerationRequest


def tokens(engine, text):
    return tuple(engine.model.tokenize(text))


HEAD = "import os\n"
BODY = "".join(f"value_{i} = compute({i}, scale={i * 3})\n" for i in range(16))


def shifted(engine):
    """A document cached, then a line inserted above its body: the body is moved, not recomputed."""
    engine.generate(GenerationRequest(prompt=tokens(engine, HEAD + BODY), slot="a", max_tokens=1))
    prompt = tokens(engine, HEAD + "import sys\n" + BODY)
    g = engine.generate(GenerationRequest(prompt=prompt, slot="a", max_tokens=1))
    assert g.n_shifted > 0
    return prompt


def test_a_shift_marks_the_cache_approximate_and_repair_clears_it(engine):
    prompt = shifted(engine)
    assert engine.needs_repair("a")
    n = engine.repair("a")
    assert n > len(tokens(engine, BODY)) - 8
    assert not engine.needs_repair("a") and engine.totals["repaired"] == n
    again = engine.generate(GenerationRequest(prompt=prompt, slot="a", max_tokens=1))
    assert again.n_evaluated == 1  # the repaired cache still holds the whole prompt


def test_prefix_reuse_never_needs_repair(engine):
    engine.generate(GenerationRequest(prompt=tokens(engine, HEAD + BODY), slot="a", max_tokens=1))
    engine.generate(GenerationRequest(prompt=tokens(engine, HEAD + BODY + "x = 1\n"), slot="a", max_tokens=1))
    assert not engine.needs_repair("a") and engine.repair("a") == 0


def test_an_interrupted_repair_keeps_the_old_cells(engine):
    prompt = shifted(engine)
    stop = threading.Event()
    stop.set()
    assert engine.repair("a", stop) == 0
    assert engine.needs_repair("a")  # still approximate, but nothing was lost
    again = engine.generate(GenerationRequest(prompt=prompt, slot="a", max_tokens=1))
    assert again.n_evaluated == 1


def test_a_fork_inherits_the_approximation(engine):
    prompt = shifted(engine)
    engine.generate(GenerationRequest(prompt=prompt + tokens(engine, "y"), slot="spec", fork_from="a", max_tokens=1))
    assert engine.needs_repair("spec")
