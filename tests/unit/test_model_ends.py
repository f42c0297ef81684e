"""The grace for a block rule's cut goes to a model that ends its blocks itself, not to one that runs on."""

from offgrid.complete.model_ends import MIN_SEEN, PROBE_AFTER, WINDOW, ModelEnds


def test_a_new_model_gets_the_grace():
    assert ModelEnds().grace(64) == 64 and ModelEnds().share is None


def test_a_model_that_runs_on_to_the_cap_loses_it_and_one_that_ends_keeps_it():
    runs_on, ends = ModelEnds(), ModelEnds()
    for _ in range(MIN_SEEN):
        runs_on.record(False)
        ends.record(True)
    assert runs_on.grace(64) == 0 and ends.grace(64) == 64


def test_a_few_answers_do_not_decide():
    m = ModelEnds()
    for ended in (True, False, False, False):  # the 1.5B's first four held line ends on random spans, seed 79
        m.record(ended)
    assert m.grace(64) == 64  # it ends 24 of its 28 there


def test_only_recent_answers_count():
    m = ModelEnds()
    for _ in range(WINDOW):
        m.record(False)
    assert m.grace(64) == 0
    for _ in range(WINDOW // 2):
        m.record(True)
    assert m.share == 0.5 and m.grace(64) == 64  # half of the recent ones ended by themselves


def _lose_the_grace() -> ModelEnds:
    m = ModelEnds()
    for _ in range(MIN_SEEN):
        m.observe("stop_rule", held=True, multiline=False)  # held line ends written past the grace
    assert m.grace(64) == 0
    return m


def test_without_the_grace_a_probe_comes_after_answers_that_showed_nothing_and_one_held_cut_ends_it():
    m = _lose_the_grace()
    for _ in range(PROBE_AFTER - 1):
        m.observe("stop_rule", held=False, multiline=False)  # cut at once: shows nothing
    assert m.grace(64) == 0
    m.observe("stop_rule", held=False, multiline=True)  # a block's firm cut shows nothing either
    assert m.grace(64) == 64 and m.seen == MIN_SEEN  # the probe: the next cut is held again
    m.observe("stop_rule", held=True, multiline=False)  # written past again
    assert m.grace(64) == 0 and m.seen == MIN_SEEN + 1


def test_a_model_that_lost_the_grace_by_bad_luck_earns_it_back_through_probes():
    m = _lose_the_grace()
    probes = 0
    while m.grace(64) == 0:
        assert probes < WINDOW, "never given back"
        for _ in range(PROBE_AFTER):
            m.observe("stop_rule", held=False, multiline=False)
        assert m.grace(64) == 64
        m.observe("end", held=True, multiline=False)  # the probe: the model ended within the grace
        probes += 1
    assert probes == MIN_SEEN and m.share == 0.5
