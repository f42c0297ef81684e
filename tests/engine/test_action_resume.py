"""An action stopped mid-way by a completion resumes from its cache and writes exactly what it would have written
uninterrupted (tiny random weights, real llama.cpp context)."""

import threading

import pytest
from offgrid.actions.local_model import LocalActionModel
from offgrid.actions.plan import Plan
from offgrid.actions.request import ActionResult
from offgrid.actions.runner import ActionRun
from offgrid.engine.generation import StopRule
from offgrid.engine.llama_engine import LlamaEngine
from offgrid.engine.model import Model
from offgrid.host import quiet_llama

quiet_llama(False)


def cancel_after(tokens: int) -> tuple[threading.Event, StopRule]:
    """A cancel event and a stop rule that sets it once the answer is `tokens` tokens long (the rule sees the
    answer after each token): a completion arriving while the action generates."""
    cancel, seen = threading.Event(), [0]

    def rule(_answer: str) -> int | None:
        seen[0] += 1
        if seen[0] >= tokens:
            cancel.set()
        return None

    return cancel, rule


@pytest.fixture
def engine(tiny_model):
    model = Model(tiny_model, n_ctx=2048, n_seq_max=4)
    eng = LlamaEngine(model)
    yield eng
    eng.close()
    model.close()


def plan(stop: StopRule | None = None) -> Plan:
    text = "def add(a, b):\n    return a + b\n" * 8
    return Plan(
        stop=stop,
        user="",
        prefill="",
        fim_prefix=text,
        fim_suffix="\n",
        max_tokens=40,
        finish=lambda answer: ActionResult(explanation=answer),
        must_end=False,
    )


def test_a_preempted_action_resumes_where_it_stopped_with_the_same_answer(engine):
    whole = ActionRun(LocalActionModel(engine), plan()).step(threading.Event())
    assert whole is not None and whole.explanation
    cancel, rule = cancel_after(10)
    run = ActionRun(LocalActionModel(engine), plan(rule))
    assert run.step(cancel) is None  # stopped part-way
    stopped_at = run.model.generated()
    resumed = run.step(threading.Event())
    assert resumed is not None and resumed.explanation == whole.explanation
    assert len(run.generations) == 2 and 0 < stopped_at < 40
    assert run.generations[1].n_evaluated <= 2  # the prompt and the tokens so far came from the cache
