"""What the pack looks up for the names around a cursor: signatures of other files' definitions, a rare member
with its class's other members, imported names before far guesses, and no out-of-place nested imports."""

from offgrid.config import ContextSettings
from offgrid.context.names import priority
from offgrid.context.service import ContextService

FORMAT = '''class HelpFormatter:
    """Formats help pages."""

    def __init__(self, width: int = 80) -> None:
        self.width = width
        self.buffer: list[str] = []

    def write_usage(self, prog: str, args: str = "") -> None:
        """Writes a usage line."""
        self.buffer.append(f"{prog} {args}")

    def write_dl(self, rows: list[tuple[str, str]], col_max: int = 30) -> None:
        """Writes a definition list."""
        for a, b in rows:
            self.buffer.append(f"{a}  {b}")

    def _private(self) -> None:
        pass

    def getvalue(self) -> str:
        return "".join(self.buffer)


def join_options(options: list[str]) -> tuple[str, bool]:
    """Joins options by commas.

    Long docstrings stay out of a signature stub.
    """
    return ", ".join(options), False
'''

CORE = """from .formatting import join_options
from .formatting import HelpFormatter

if True:
    import textwrap


def show(formatter, opts):
    formatter.write_usage("prog")

"""


def count(text):
    return len(text) // 4 + 1


def pack_for(tmp_path, text, row, column, budget=400, first=None, similar=0):
    """The pack for core.py (`text`); similar code from other files is off unless asked for, so the tests of
    definitions see definitions only."""
    (tmp_path / "formatting.py").write_text(FORMAT)
    (tmp_path / "other.py").write_text("def unrelated(x):\n    return x\n")
    settings = ContextSettings(max_tokens=budget, recent_chunks=0, similar_tokens=similar)
    svc = ContextService(settings, [tmp_path])
    svc.index.build()
    uri = (tmp_path / "core.py").as_uri()
    return svc.for_cursor(uri, "python", text, row, column, row - 2 if first is None else first, row + 1, count)


def test_other_files_show_signatures_not_docstrings_or_bodies(tmp_path):
    pack = pack_for(tmp_path, CORE, 9, 4)
    text = pack.files[0].text
    assert "def join_options(options: list[str]) -> tuple[str, bool]: ..." in text
    assert "Long docstrings" not in text and "return" not in text


def test_a_rare_member_brings_its_class_public_members(tmp_path):
    pack = pack_for(tmp_path, CORE, 9, 4)
    text = pack.files[0].text
    assert "write_usage" in pack.names
    assert "class HelpFormatter:" in text
    assert "    def write_dl(self, rows: list[tuple[str, str]], col_max: int = 30) -> None: ..." in text
    assert "_private" not in text


def test_imported_names_come_before_far_members_when_the_budget_is_short(tmp_path):
    far = CORE.replace('    formatter.write_usage("prog")\n', '    formatter.write_usage("prog")\n' + "    pass\n" * 12)
    pack = pack_for(tmp_path, far, 22, 4, budget=80, first=7)  # the same member, 14 rows up
    assert "join_options" in pack.names and "write_usage" not in pack.names


def test_the_stub_leaves_out_nested_imports(tmp_path):
    text = "\n" * 30 + CORE  # the imports are above the window, so they go in the stub
    pack = pack_for(tmp_path, text, 39, 4)
    assert "from .formatting import join_options" in pack.stub
    assert "import textwrap" not in pack.stub


def test_priority_plain_names_then_near_members_then_imports_then_far_members():
    refs = {
        "far_member": (20, True, False),
        "near_member": (1, True, False),
        "plain": (5, False, False),
        "used_import": (9, True, False),
    }
    order = [name for _, name in priority(refs, frozenset({"used_import", "unused_import"}))]
    assert order == ["plain", "used_import", "near_member", "unused_import", "far_member"]


def test_a_variable_whose_members_are_used_brings_the_class_its_name_suggests(tmp_path):
    text = "def show(formatter, opts):\n    formatter.buffer.clear()\n\n"
    pack = pack_for(tmp_path, text, 2, 4)
    assert "formatter" in pack.names
    assert "class HelpFormatter:" in pack.files[0].text and "def write_dl(" in pack.files[0].text


def test_a_pack_kept_for_the_cursor_is_rebuilt_when_the_settings_change(tmp_path):
    (tmp_path / "formatting.py").write_text(FORMAT)
    svc = ContextService(ContextSettings(max_tokens=400, recent_chunks=0, similar_tokens=0, format="repo"), [tmp_path])
    svc.index.build()
    uri = (tmp_path / "core.py").as_uri()
    repo = svc.for_cursor(uri, "python", CORE, 9, 4, 7, 10, count)
    svc.settings = ContextSettings(max_tokens=400, recent_chunks=0, similar_tokens=0, format="comments")
    comments = svc.for_cursor(uri, "python", CORE, 9, 4, 7, 10, count)
    assert (repo.format, comments.format) == ("repo", "comments")
    svc.settings = ContextSettings(max_tokens=20, recent_chunks=0, similar_tokens=0, format="comments")
    assert svc.for_cursor(uri, "python", CORE, 9, 4, 7, 10, count).tokens <= 20 < comments.tokens
