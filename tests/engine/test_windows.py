"""More than one cursor window per document (issue 22): a jump to a far place keeps the window it left, so
coming back costs only what changed; windows of every document share one least-recently-used order."""

import pytest
from offgrid.engine.generation import GenerationRequest
from offgrid.engine.llama_engine import LlamaEngine
from offgrid.engine.model import Model

HERE = "".join(f"def here_{i}(x):\n    return x * {i}\n" for i in range(12))
THERE = "".join(f"class There{i}:\n    value = '{i}'\n" for i in range(12))


@pytest.fixture
def engine_of(tiny_model):
    made = []

    def make(windows: int) -> LlamaEngine:
        model = Model(tiny_model, n_ctx=4096, n_seq_max=5)
        eng = LlamaEngine(model, min_chunk=8, reuse="chunks", windows_per_slot=windows)
        made.append((eng, model))
        return eng

    yield make
    for eng, model in made:
        eng.close()
        model.close()


def gen(engine, text, slot="doc"):
    prompt = tuple(engine.model.tokenize(text))
    return engine.generate(GenerationRequest(prompt=prompt, slot=slot, max_tokens=2))


def test_coming_back_after_a_jump_reuses_the_window_left_behind(engine_of):
    engine = engine_of(2)
    gen(engine, HERE)
    away = gen(engine, THERE)  # nothing in common: a new window
    assert away.n_reused == 0 and away.n_evaluated == away.n_prompt
    back = gen(engine, HERE + "    ")
    assert back.n_reused >= back.n_prompt - 4, back  # where the cursor was is still cached
    assert len(engine.pool.windows("doc")) == 2


def test_with_one_window_per_document_the_jump_back_pays_again(engine_of):
    engine = engine_of(1)
    gen(engine, HERE)
    gen(engine, THERE)
    back = gen(engine, HERE + "    ")
    assert back.n_evaluated > back.n_prompt // 2, back


def test_typing_on_stays_in_its_window_and_a_third_place_takes_the_oldest(engine_of):
    engine = engine_of(2)
    gen(engine, HERE)
    gen(engine, HERE + "    y")  # typing: the same window
    assert len(engine.pool.windows("doc")) == 1
    gen(engine, THERE)
    third = "".join(f"async def third_{i}():\n    await go({i})\n" for i in range(12))
    gen(engine, third)  # a third place: the window least recently used (HERE) is rebuilt for it
    assert len(engine.pool.windows("doc")) == 2
    there_again = gen(engine, THERE + "\n")
    assert there_again.n_reused >= there_again.n_prompt - 4, there_again


def test_other_documents_windows_are_evicted_by_least_recent_use(engine_of):
    engine = engine_of(2)  # four sequences for documents (one of five is scratch)
    gen(engine, HERE, slot="a")
    gen(engine, THERE, slot="a")
    gen(engine, HERE, slot="b")
    gen(engine, THERE, slot="c")
    gen(engine, HERE, slot="d")  # the fifth window: a's oldest (HERE) goes
    assert len(engine.pool.windows("a")) == 1
    assert gen(engine, THERE + "\n", slot="a").n_reused > 0


def test_a_window_stopped_part_way_through_the_prompt_is_the_one_to_go_on_in(engine_of):
    engine = engine_of(2)
    long = HERE * 3
    prompt = tuple(engine.model.tokenize(long))
    part = engine.generate(GenerationRequest(prompt=prompt[: len(prompt) // 3], slot="doc", max_tokens=0))
    assert part.n_evaluated == len(prompt) // 3  # a warm-up that a keystroke stopped a third of the way
    rest = engine.generate(GenerationRequest(prompt=prompt, slot="doc", max_tokens=2))
    assert rest.n_reused >= len(prompt) // 3 - 1, rest  # it goes on from there, not in a new window
    assert len(engine.pool.windows("doc")) == 1
