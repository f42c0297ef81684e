"""The server's copy of each open document, kept equal to the editor's through incremental changes."""

import hashlib
from dataclasses import dataclass
from typing import Any

from offgrid.lsp.positions import line_starts, utf16_to_column


@dataclass
class Document:
    """An open document. `text` uses the editor's line endings unchanged."""

    uri: str
    language_id: str
    version: int
    text: str
    _starts: list[int] | None = None

    def _line_starts(self) -> list[int]:
        if self._starts is None:
            self._starts = line_starts(self.text)
        return self._starts

    def line_count(self) -> int:
        return len(self._line_starts())

    def line_text(self, line: int) -> str:
        """A line without its line break ("" past the end)."""
        starts = self._line_starts()
        if line < 0 or line >= len(starts):
            return ""
        end = starts[line + 1] if line + 1 < len(starts) else len(self.text)
        return self.text[starts[line] : end].rstrip("\r\n")

    def offset(self, line: int, character: int) -> int:
        """Code-point offset of an LSP (UTF-16) position; positions past a line's end or the document's end
        clamp to that end, as LSP asks."""
        starts = self._line_starts()
        if line < 0:
            return 0
        if line >= len(starts):
            return len(self.text)
        return starts[line] + utf16_to_column(self.line_text(line), character)

    def column(self, line: int, character: int) -> int:
        """Code-point column of an LSP position on its (clamped) line."""
        return utf16_to_column(self.line_text(line), character)

    def digest(self) -> dict[str, Any]:
        """Version, length in UTF-16 units and SHA-256 of the UTF-8 text: enough to compare copies, no source."""
        units = len(self.text.encode("utf-16-le")) // 2
        return {"version": self.version, "length": units, "sha256": hashlib.sha256(self.text.encode()).hexdigest()}

    def apply(self, start: tuple[int, int] | None, end: tuple[int, int] | None, new_text: str) -> tuple[int, int]:
        """Replace the range (whole text when None) by `new_text`; returns the code-point range replaced."""
        if start is None or end is None:
            a, b = 0, len(self.text)
            self.text = new_text
        else:
            a, b = self.offset(*start), self.offset(*end)
            a, b = min(a, b), max(a, b)
            self.text = self.text[:a] + new_text + self.text[b:]
        self._starts = None
        return a, b


class Documents:
    """Open documents by URI."""

    def __init__(self) -> None:
        self._docs: dict[str, Document] = {}

    def open(self, uri: str, language_id: str, version: int, text: str) -> Document:
        doc = Document(uri, language_id, version, text)
        self._docs[uri] = doc
        return doc

    def get(self, uri: str) -> Document | None:
        return self._docs.get(uri)

    def close(self, uri: str) -> None:
        self._docs.pop(uri, None)

    def __len__(self) -> int:
        return len(self._docs)
