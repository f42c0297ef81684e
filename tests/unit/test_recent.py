"""The recent-code ring: near-duplicates merged, the local window left out."""

from offgrid.context.recent import RecentChunks

LINES = [f"line {i} = compute({i})" for i in range(100)]


def test_typing_in_one_place_keeps_one_chunk():
    ring = RecentChunks(size=4)
    for row in (50, 50, 51, 51, 52):
        ring.note("file:///a.py", "/a.py", LINES, row)
    assert len(ring.chunks()) == 1 and ring.chunks()[0].first == 48


def test_far_apart_places_are_kept_newest_first_and_bounded():
    ring = RecentChunks(size=3)
    for row in (10, 30, 50, 70):
        ring.note("file:///a.py", "/a.py", LINES, row)
    assert [c.first for c in ring.chunks()] == [66, 46, 26]


def test_chunks_inside_the_local_window_are_left_out():
    ring = RecentChunks()
    ring.note("file:///a.py", "/a.py", LINES, 10)
    ring.note("file:///b.py", "/b.py", LINES, 10)
    left = ring.chunks(exclude_uri="file:///a.py", exclude_rows=(0, 20))
    assert [c.uri for c in left] == ["file:///b.py"]


def test_blank_regions_are_not_noted():
    ring = RecentChunks()
    ring.note("file:///a.py", "/a.py", [""] * 20, 10)
    assert ring.chunks() == []
