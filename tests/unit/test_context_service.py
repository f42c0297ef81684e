"""The context service: sticky packs while typing, open documents over the index, budgets, odd input."""

from offgrid.config import ContextSettings
from offgrid.context.service import ContextService

LIB = "def parse_config(path: str, strict: bool = False) -> dict:\n    '''Read a config file.'''\n    return {}\n"
MAIN = "from lib import parse_config\n\n\ndef load(p):\n    cfg = parse_config(p)\n    \n\n\ndef other():\n    pass\n"


def count(text):
    return len(text) // 4 + 1


def service(tmp_path, **settings):
    (tmp_path / "lib.py").write_text(LIB)
    svc = ContextService(ContextSettings(**settings), [tmp_path])
    svc.index.build()
    return svc


def pack_at(svc, tmp_path, text, row, column):
    return svc.for_cursor((tmp_path / "main.py").as_uri(), "python", text, row, column, row, row + 1, count)


def test_the_pack_holds_still_while_typing_in_one_function(tmp_path):
    svc = service(tmp_path)
    first = pack_at(svc, tmp_path, MAIN, 5, 4)
    assert [f.path for f in first.files] == ["lib.py"] and "def parse_config(path: str" in first.files[0].text
    typed = MAIN.replace("    \n\n\ndef other", "    x = cfg.get('a')\n\n\ndef other")
    again = pack_at(svc, tmp_path, typed, 5, 16)
    assert again.files == first.files and again.stub == first.stub
    assert again.mode == "single" and first.mode == "multi"  # the mode still follows the cursor
    elsewhere = pack_at(svc, tmp_path, typed, 9, 8)
    assert elsewhere is not again and "def load" not in elsewhere.stub


def test_an_open_document_wins_over_the_index(tmp_path):
    svc = service(tmp_path)
    svc.opened((tmp_path / "lib.py").as_uri(), "python", LIB.replace("strict: bool = False", "mode: int"))
    pack = pack_at(svc, tmp_path, MAIN, 5, 4)
    assert "mode: int" in pack.files[0].text and "strict" not in pack.files[0].text


def test_the_budget_is_kept(tmp_path):
    svc = service(tmp_path, max_tokens=20)
    pack = pack_at(svc, tmp_path, MAIN, 5, 4)
    assert pack.tokens <= 20
    assert sum(count(f.text) for f in pack.files) + count(pack.stub) <= 40


def test_disabled_context_still_decides_the_mode(tmp_path):
    svc = service(tmp_path, enabled=False)
    pack = pack_at(svc, tmp_path, MAIN, 5, 4)
    assert pack.files == () and pack.stub == "" and pack.mode == "multi"


def test_unknown_languages_and_garbage_do_not_raise(tmp_path):
    svc = service(tmp_path)
    uri = (tmp_path / "notes.txt").as_uri()
    assert svc.for_cursor(uri, "plaintext", "hello\n\n", 1, 0, 0, 1, count).mode == "multi"
    garbage = "def (((:\n\0\x01 class ]]]\n" + "x" * 100_000 + "\n"
    svc.for_cursor((tmp_path / "g.py").as_uri(), "python", garbage, 2, 50_000, 0, 2, count)
    svc.for_cursor((tmp_path / "g.py").as_uri(), "python", garbage, 99, 99, 0, 2, count)  # past the end
