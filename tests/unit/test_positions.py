from offgrid.lsp.documents import Document
from offgrid.lsp.positions import column_to_utf16, line_starts, utf16_to_column


def test_ascii_columns_are_identity_and_clamped():
    assert utf16_to_column("hello", 3) == 3
    assert utf16_to_column("hello", 99) == 5
    assert utf16_to_column("hello", -1) == 0


def test_emoji_counts_two_utf16_units():
    line = 'x = "😀" + y'
    # 😀 is one code point but two UTF-16 units: the closing quote is UTF-16 offset 7, code point 6
    assert utf16_to_column(line, 7) == 6
    assert column_to_utf16(line, 6) == 7
    assert utf16_to_column(line, column_to_utf16(line, len(line))) == len(line)


def test_offset_inside_surrogate_pair_rounds_to_after_the_character():
    assert utf16_to_column("😀a", 1) == 1


def test_cjk_is_one_unit_each():
    line = "名前 = 値"
    assert utf16_to_column(line, 2) == 2
    assert column_to_utf16(line, 5) == 5


def test_line_starts_know_only_lsp_line_breaks():
    assert line_starts("a\r\nb\rc\nd") == [0, 3, 5, 7]
    assert line_starts("a\fb\u2028c") == [0]  # form feed and U+2028 are not line breaks in LSP


def test_incremental_edits_with_emoji_and_crlf():
    doc = Document("file:///x.py", "python", 1, 'a = "😀"\r\nb = 1\r\n')
    doc.apply((0, 7), (0, 7), "!")  # UTF-16 offset 7 is after the emoji, before the quote
    assert doc.text == 'a = "😀!"\r\nb = 1\r\n'
    doc.apply((1, 4), (1, 5), "42")
    assert doc.line_text(1) == "b = 42"
    doc.apply((0, 0), (2, 0), "")
    assert doc.text == ""


def test_out_of_range_positions_clamp_instead_of_failing():
    doc = Document("file:///x.py", "python", 1, "abc\ndef")
    doc.apply((0, 99), (0, 99), "X")
    assert doc.text == "abcX\ndef"
    doc.apply((99, 0), (99, 0), "\nZ")
    assert doc.text == "abcX\ndef\nZ"
    doc.apply((2, 0), (0, 0), "")  # reversed range: treated as the same span
    assert doc.text == "Z"
    assert doc.line_text(5) == ""
