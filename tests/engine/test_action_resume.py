"""An action stopped mid-way by a completion resumes from its cache and writes exactly what it would have written
uninterrupted (tiny random weights, real llama.cpp context)."""

import threading

import pytest
from offgrid.actions.local_model import LocalActionModel
from offgrid.actions.plan import Plan
from offgrid.actions.request import ActionResult
from offgrid.actions.runner import ActionRun
from offgrid.engine.llama_engine import LlamaEngine
from offgrid.engine.model import Model
from offgrid.host import quiet_llama

quiet_llama(False)


class StopAfter(threading.Event):
    """Reads as set from its n-th look on: a completion arriving while the action generates."""

    def __init__(self, n: int) -> None:
        super().__init__()
        self.looks, self.n = 0, n

    def is_set(self) -> bool:
        self.looks += 1
        return self.looks >= self.n


@pytest.fixture
def engine(tiny_model):
    model = Model(tiny_model, n_ctx=2048, n_seq_max=4)
    eng = LlamaEngine(model)
    yield eng
    eng.close()
    model.close()


def plan() -> Plan:
    text = "def add(a, b):\n    return a + b\n" * 8
    return Plan(
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
    run = ActionRun(LocalActionModel(engine), plan())
    assert run.step(StopAfter(200)) is None  # stopped part-way (the event is also polled during decoding)
    stopped_at = run.model.generated()
    resumed = run.step(threading.Event())
    assert resumed is not None and resumed.explanation == whole.explanation
    assert len(run.generations) == 2 and 0 < stopped_at < 40
    assert run.generations[1].n_evaluated <= 2  # the prompt and the tokens so far came from the cache
