"""LSP positions count UTF-16 code units; Python strings index code points. Convert, clamping what is out of range."""

import re

_LINE_BREAK = re.compile(r"\r\n|\r|\n")  # the only line breaks LSP knows (not \f, \v or \u2028)


def line_starts(text: str) -> list[int]:
    """Offsets where each line begins."""
    return [0] + [m.end() for m in _LINE_BREAK.finditer(text)]


def utf16_to_column(line: str, character: int) -> int:
    """Code-point column of a UTF-16 `character` offset in `line`; past the end clamps to the end, and an offset
    inside a surrogate pair rounds up to the character's end."""
    if character <= 0:
        return 0
    if line.isascii():
        return min(character, len(line))
    units = 0
    for i, ch in enumerate(line):
        if units >= character:
            return i
        units += 2 if ord(ch) > 0xFFFF else 1
    return len(line)


def column_to_utf16(line: str, column: int) -> int:
    """UTF-16 offset of code-point `column` in `line`."""
    head = line[: max(0, column)]
    return len(head) + sum(1 for ch in head if ord(ch) > 0xFFFF)
