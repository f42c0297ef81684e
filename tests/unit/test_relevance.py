"""Context enters the prompt only when it shares names with the code being written."""

from offgrid.context.relevance import overlap, relevant
from offgrid.context.similar import names_in

QUERY = names_in("def below_zero(operations):\n    balance = 0\n    for op in operations:\n")


def test_code_sharing_names_with_the_cursor_passes():
    chunk = "def final_balance(operations):\n    balance = sum(operations)\n    return balance\n"
    assert overlap(QUERY, chunk) >= 0.5 and relevant(QUERY, chunk, 0.3)


def test_unrelated_code_and_a_single_shared_name_do_not():
    assert overlap(QUERY, "def shout(s):\n    return s.upper() + '!'\n") == 0
    assert overlap(QUERY, "for op in codes:\n    print(op)\n") == 0  # `op` alone is chance
    assert not relevant(QUERY, "def shout(s):\n    return s.upper()\n", 0.3)
    assert relevant(QUERY, "def shout(s):\n    return s.upper()\n", 0)  # a gate of 0 is off


def test_a_copy_of_the_code_shown_is_not_context():
    from offgrid.context.relevance import repeats_shown, shown_rows

    shown = shown_rows(["def below_zero(operations):", "    balance = 0", "    for op in operations:", "        x"])
    copy = ["def below_zero(operations):", "    balance = 0", "    for op in operations:", "        balance += op"]
    assert repeats_shown(shown, copy)  # three of its four distinctive rows are in the window already
    other = ["def final_balance(operations):", "    balance = sum(operations)", "    return balance"]
    assert not repeats_shown(shown, other)
    assert not repeats_shown(shown, ["x", "}", ""])  # nothing distinctive: nothing to judge


CODE = (
    "def grade(gpas):\n    letters = []\n    for gpa in gpas:\n        if gpa == 4.0:\n"
    "            letters.append('A+')\n        elif gpa > 3.7:\n            letters.append('A')\n"
    "        elif gpa > 3.3:\n            letters.append('A-')\n    return letters\n"
)


def test_the_pack_leaves_out_another_document_that_copies_the_window(tmp_path):
    # HumanEval multi-line: the other holes of one problem are open documents that copy the one being completed
    from offgrid.config import ContextSettings
    from offgrid.context.service import ContextService

    svc = ContextService(ContextSettings(), [tmp_path])
    rows = CODE.split("\n")
    hole = "\n".join(rows[:5] + [""] + rows[7:])  # lines 5-6 to write
    other_hole = "\n".join(rows[:8] + [""] + rows[9:])
    related = "def grade_points(gpas):\n    letters = grade(gpas)\n    return [points_of(g) for g in letters]\n"
    for name, text in (("a.py", hole), ("b.py", other_hole), ("c.py", related)):
        svc.opened((tmp_path / name).as_uri(), "python", text)
    for name, text in (("b.py", other_hole), ("c.py", related)):  # each viewed once: in the recent ring
        svc.for_cursor((tmp_path / name).as_uri(), "python", text, 1, 0, 0, 10, lambda s: len(s) // 4 + 1)
    lines = hole.split("\n")
    pack = svc.for_cursor((tmp_path / "a.py").as_uri(), "python", hole, 5, 0, 0, len(lines) - 1, lambda s: len(s) // 4)
    assert [f.path for f in pack.files] == ["c.py"]  # b.py copies the window; c.py shares names and is no copy
