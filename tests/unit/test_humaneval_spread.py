from offgrid.bench.humaneval import spread


def test_an_offset_picks_other_items_evenly():
    items = list(range(100))
    assert spread(items, 4) == [0, 25, 50, 75]
    assert spread(items, 4, 0.5) == [12, 37, 62, 87]
    assert spread(items, None, 0.5) == items
