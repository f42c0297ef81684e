"""A syntax tree per open document, kept current by the editor's incremental changes (`tree.edit` + reparse).

Edits only mark the tree; the reparse happens when someone asks for the tree, so a burst of keystrokes costs
one incremental parse, not one per key.
"""

import logging
import threading
from dataclasses import dataclass, field

import tree_sitter

from offgrid.context.languages import Language, language_for

log = logging.getLogger(__name__)

MAX_PARSE_BYTES = 4 << 20  # larger documents get plain-text context


def encode(text: str) -> bytes:
    return text.encode("utf-8", errors="surrogatepass")


def _point(text: str, offset: int) -> tuple[int, tuple[int, int]]:
    """Byte offset and (row, byte column) of a code-point offset."""
    row_start = text.rfind("\n", 0, offset) + 1
    row = text.count("\n", 0, row_start)
    head = len(encode(text[:row_start]))
    col = len(encode(text[row_start:offset]))
    return head + col, (row, col)


@dataclass
class DocumentTree:
    """One open document's text, language, parser and tree."""

    uri: str
    language: Language
    text: str
    parser: tree_sitter.Parser
    tree: tree_sitter.Tree | None = None
    dirty: bool = True
    version: int = 0  # bumped on every change: caches of what was derived from the tree key on it
    edited_rows: list[tuple[int, int]] = field(default_factory=list)

    def current(self) -> tree_sitter.Tree | None:
        """The tree for `text`, reparsed incrementally when edits came in since the last call."""
        if self.dirty:
            data = encode(self.text)
            if len(data) > MAX_PARSE_BYTES:
                self.tree = None
            else:
                self.tree = self.parser.parse(data, self.tree) if self.tree is not None else self.parser.parse(data)
            self.dirty = False
        return self.tree


class DocumentTrees:
    """Trees of the open documents, by URI. Thread-safe: edits arrive on the LSP thread, reads on the model's."""

    def __init__(self) -> None:
        self._docs: dict[str, DocumentTree] = {}
        self.lock = threading.RLock()

    def open(self, uri: str, language_id: str | None, text: str, path: str | None = None) -> None:
        """Start tracking a document (no-op for unknown languages)."""
        lang = language_for(language_id, path or uri)
        with self.lock:
            if lang is None:
                self._docs.pop(uri, None)
                return
            self._docs[uri] = DocumentTree(uri, lang, text, tree_sitter.Parser(lang.ts_language))

    def edit(self, uri: str, before: str, start: int, end: int, new_text: str) -> None:
        """Record that code points [start, end) of `before` became `new_text` (the document already changed)."""
        with self.lock:
            doc = self._docs.get(uri)
            if doc is None:
                return
            after = before[:start] + new_text + before[end:]
            if doc.tree is not None:
                start_byte, start_point = _point(before, start)
                old_end_byte, old_end_point = _point(before, end)
                new_end_byte, new_end_point = _point(after, start + len(new_text))
                doc.tree.edit(start_byte, old_end_byte, new_end_byte, start_point, old_end_point, new_end_point)
            doc.text = after
            doc.dirty = True
            doc.version += 1
            doc.edited_rows.append((before.count("\n", 0, start), after.count("\n", 0, start + len(new_text))))
            del doc.edited_rows[:-32]

    def replace(self, uri: str, text: str) -> None:
        """A full-text change: parse from scratch."""
        with self.lock:
            doc = self._docs.get(uri)
            if doc is not None:
                doc.text, doc.tree, doc.dirty = text, None, True
                doc.version += 1

    def close(self, uri: str) -> None:
        with self.lock:
            self._docs.pop(uri, None)

    def get(self, uri: str) -> DocumentTree | None:
        with self.lock:
            return self._docs.get(uri)

    def uris(self) -> list[str]:
        with self.lock:
            return list(self._docs)

    def take_edits(self, uri: str) -> list[tuple[int, int]]:
        """Rows edited since the last call (for the recent-edits ring)."""
        with self.lock:
            doc = self._docs.get(uri)
            if doc is None:
                return []
            rows, doc.edited_rows = doc.edited_rows, []
            return rows
