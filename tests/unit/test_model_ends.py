"""The grace for a block rule's cut goes to a model that ends its blocks itself, not to one that runs on."""

from offgrid.complete.model_ends import MIN_SEEN, WINDOW, ModelEnds


def test_a_new_model_gets_the_grace():
    assert ModelEnds().grace(64) == 64 and ModelEnds().share is None


def test_a_model_that_runs_on_to_the_cap_loses_it_and_one_that_ends_keeps_it():
    runs_on, ends = ModelEnds(), ModelEnds()
    for _ in range(MIN_SEEN):
        runs_on.record(False)
        ends.record(True)
    assert runs_on.grace(64) == 0 and ends.grace(64) == 64


def test_only_recent_answers_count():
    m = ModelEnds()
    for _ in range(WINDOW):
        m.record(False)
    assert m.grace(64) == 0
    for _ in range(WINDOW // 2):
        m.record(True)
    assert m.share == 0.5 and m.grace(64) == 64  # half of the recent ones ended by themselves
