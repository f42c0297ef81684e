"""Similar code from other files: the windows sharing the most rare names with the lines above the cursor, never
from the current file, kept up to date with the index, and in the pack under their own budget."""

from pathlib import Path

from offgrid.config import ContextSettings
from offgrid.context.service import ContextService
from offgrid.context.similar import WINDOW, SimilarCode, occurrences, query_text, whole_blocks

CLIENT = """import json


def fetch_user(session, user_id):
    response = session.get_json(f"/users/{user_id}", timeout=Timeouts.SHORT)
    return User.from_payload(response)


def other(x):
    return x + 1
"""

ORDERS = """def fetch_order(session, order_id):
    response = session.get_json(f"/orders/{order_id}", timeout=Timeouts.SHORT)
    return Order.from_payload(response)
"""

NOISE = """def unrelated(self, value):
    if value is None:
        return self
    return value
"""


def read_from(files: dict[str, str]):
    return lambda p: files.get(p)


def test_the_window_with_the_same_usage_wins_and_the_current_file_is_never_shown():
    files = {"client.py": CLIENT, "orders.py": ORDERS, "noise.py": NOISE}
    index = SimilarCode()
    for path, text in files.items():
        index.add(path, text)
    query = "def fetch_invoice(session, invoice_id):\n    response = session."
    found = index.search(query, "orders.py", read_from(files), k=2)
    assert [w.path for w in found][:1] == ["client.py"]
    assert all(w.path != "orders.py" for w in found)
    shown = "\n".join(t for _, t in found[0].rows)
    assert "session.get_json(" in shown and "Timeouts.SHORT" in shown
    assert found[0].rows[0][0] == 0 and len(found[0].rows) <= WINDOW  # rows keep their numbers in the file


def test_names_every_file_uses_do_not_make_files_similar():
    files = {f"f{i}.py": f"def f{i}(self):\n    return self\n" for i in range(9)} | {"noise.py": NOISE}
    index = SimilarCode()
    for path, text in files.items():
        index.add(path, text)
    assert index.search("def g(self):\n    return self.", "new.py", read_from(files)) == []


def test_windows_of_one_file_do_not_overlap():
    text = "\n".join(f"    total = compute_total(order_{i}, ledger)" for i in range(40))
    files = {"a.py": text}
    index = SimilarCode()
    index.add("a.py", text)
    found = index.search("x = compute_total(order, ledger)", "b.py", read_from(files), k=3)
    starts = sorted(w.rows[0][0] for w in found)
    assert len(found) == 3 and all(b - a >= WINDOW for a, b in zip(starts, starts[1:], strict=False))


def test_a_changed_or_removed_file_changes_what_is_found():
    files = {"orders.py": ORDERS}
    index = SimilarCode()
    index.add("orders.py", ORDERS)
    query = "response = session.get_json(url, timeout=Timeouts.SHORT)"
    assert [w.path for w in index.search(query, "x.py", read_from(files))] == ["orders.py"]
    files["orders.py"] = NOISE
    index.add("orders.py", NOISE)
    assert index.search(query, "x.py", read_from(files)) == []
    index.add("orders.py", ORDERS)
    index.remove("orders.py")
    assert index.search(query, "x.py", read_from(files)) == [] and len(index) == 0


def test_the_pack_shows_similar_code_of_another_file_within_its_budget(tmp_path: Path):
    (tmp_path / "orders.py").write_text(ORDERS)
    (tmp_path / "noise.py").write_text(NOISE)
    core = "def fetch_invoice(session, invoice_id):\n    response = session.\n"
    (tmp_path / "invoices.py").write_text(core)

    def pack(similar: int):
        svc = ContextService(ContextSettings(max_tokens=400, recent_chunks=0, similar_tokens=similar), [tmp_path])
        svc.index.build()
        uri = (tmp_path / "invoices.py").as_uri()
        return svc.for_cursor(uri, "python", core, 1, 23, 0, 1, lambda t: len(t) // 4 + 1)

    with_similar = pack(256)
    assert [f.path for f in with_similar.files] == ["orders.py"]
    assert 'session.get_json(f"/orders/{order_id}", timeout=Timeouts.SHORT)' in with_similar.files[0].text
    assert pack(0).files == ()  # nothing else in the workspace is defined or used here
    assert pack(8).files == ()  # a window that does not fit its budget is left out whole


def test_a_file_turned_into_a_link_out_of_the_workspace_is_not_read(tmp_path: Path):
    root, outside = tmp_path / "ws", tmp_path / "secret"
    root.mkdir()
    outside.mkdir()
    (root / "orders.py").write_text(ORDERS)
    (outside / "orders.py").write_text(ORDERS.replace("Order.from_payload", "PRIVATE_KEY"))
    core = "def fetch_invoice(session, invoice_id):\n    response = session.\n"
    svc = ContextService(ContextSettings(max_tokens=400, recent_chunks=0), [root])
    svc.index.build()
    uri = (root / "invoices.py").as_uri()
    (root / "orders.py").unlink()
    (root / "orders.py").symlink_to(outside / "orders.py")  # after indexing: the index still lists it
    pack = svc.for_cursor(uri, "python", core, 1, 23, 0, 1, lambda t: len(t) // 4 + 1)
    assert "PRIVATE_KEY" not in "".join(f.text for f in pack.files)


def test_names_are_found_as_whole_words_only():
    text = "fetch(x)\nprefetch = fetcher\n_fetch fetch_\n  fetch"
    assert occurrences(text, ["fetch", "x"]) == [(0, "fetch"), (6, "x"), (44, "fetch")]


def test_a_window_never_ends_inside_a_block_it_opened():
    lines = ["local M = {}", "", "function M.circle(r)", "  return { radius = r }", "end", "", "function M.total(cs)"]
    lines += ["  local total = 0", "  for _, c in ipairs(cs) do", "    total = total + c.radius", "  end"]
    lines += ["  return total", "end", "", "return M"]
    assert whole_blocks(lines, 0) == lines[:6]  # not `function M.total(cs)` with half a body
    assert whole_blocks(lines, 6) == lines[6:]  # the end of the file closes everything
    inside = ["def f(x):", "    if x:"] + ["        y = x"] * 20 + ["    return y"]
    assert whole_blocks(inside, 2) == inside[2:14]  # nothing closes within reach: the window as it is


DOCUMENTED = '''def fetch_order(session, order_id):
    """Fetch an order.

    Uses session.get_json with Timeouts.SHORT, like every fetch.
    """
    # session.get_json retries on Timeouts.SHORT
    return session.get_json(f"/orders/{order_id}", timeout=Timeouts.SHORT)
'''

PROSE_ONLY = '''"""How to fetch: call session.get_json(url, timeout=Timeouts.SHORT) and parse the response."""
# session.get_json with Timeouts.SHORT is the usual call
'''


def test_comments_and_docstrings_neither_match_nor_show():
    files = {"orders.py": DOCUMENTED, "guide.py": PROSE_ONLY}
    index = SimilarCode()
    for path, text in files.items():
        index.add(path, text)
    found = index.search("response = session.get_json(url, timeout=Timeouts.SHORT)", "x.py", read_from(files))
    assert [w.path for w in found] == ["orders.py"]  # the file of prose alone has no code to show
    shown = [t for _, t in found[0].rows]
    assert any(t.strip().startswith("return session.get_json(") for t in shown)
    assert not any('"""' in t or "#" in t or "Uses" in t for t in shown)


def test_the_query_is_the_code_above_the_cursor_not_its_docstring():
    lines = DOCUMENTED.split("\n")[:-2] + ["    response = session.", ""]
    query = query_text(lines, 6, len(lines[6]), "#")
    assert query.split("\n") == ["def fetch_order(session, order_id):", "    response = session."]
