"""An engine on the tiny random-weight model, with chunk shifting on (so every reuse path can be exercised)."""

import pytest
from offgrid.engine.llama_engine import LlamaEngine
from offgrid.engine.model import Model
from offgrid.host import quiet_llama

quiet_llama(False)


@pytest.fixture
def engine(tiny_model):
    model = Model(tiny_model, n_ctx=2048, n_seq_max=4)
    eng = LlamaEngine(model, min_chunk=8, reuse="chunks")
    yield eng
    eng.close()
    model.close()
