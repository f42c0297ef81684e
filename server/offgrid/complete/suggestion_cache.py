"""Answers without the model: the rest of a suggestion the user is typing through, and prefetched next ones.

Each entry remembers the text around the cursor it was made for. A later request matches when the text
after the cursor is unchanged and the text before it is the entry's plus characters that the suggestion
itself begins with: the user typed what was predicted, so the remainder is still the answer.
"""

from collections import OrderedDict
from dataclasses import dataclass

CONTEXT_CHARS = 2048  # how much text on each side must match; edits farther away do not change a suggestion


@dataclass(frozen=True)
class _Entry:
    before: str  # up to CONTEXT_CHARS before the cursor
    before_end: int  # the cursor offset the entry was made at
    after: str  # up to CONTEXT_CHARS after the cursor
    text: str  # the suggestion
    origin: str  # "model" or "prefetch"


class SuggestionCache:
    """Recent suggestions per document, most recent first; bounded in documents and entries."""

    def __init__(self, per_document: int = 8, documents: int = 16) -> None:
        self._per_document = per_document
        self._documents = documents
        self._entries: OrderedDict[str, list[_Entry]] = OrderedDict()

    def remember(self, slot: str, text: str, offset: int, suggestion: str, origin: str = "model") -> None:
        """Remember `suggestion` for the cursor at code-point `offset` of `text`."""
        if not suggestion:
            return
        before = text[max(0, offset - CONTEXT_CHARS) : offset]
        entry = _Entry(before, offset, text[offset : offset + CONTEXT_CHARS], suggestion, origin)
        entries = self._entries.setdefault(slot, [])
        entries.insert(0, entry)
        del entries[self._per_document :]
        self._entries.move_to_end(slot)
        while len(self._entries) > self._documents:
            self._entries.popitem(last=False)

    def lookup(self, slot: str, text: str, offset: int) -> tuple[str, str] | None:
        """The rest of a remembered suggestion that the text up to `offset` has typed through, and the
        entry's origin; None when nothing matches."""
        for e in self._entries.get(slot, ()):
            typed_len = offset - e.before_end
            if typed_len < 0 or typed_len >= len(e.text):
                continue
            if text[offset : offset + CONTEXT_CHARS] != e.after:
                continue
            start = e.before_end - len(e.before)
            if start < 0 or text[start : e.before_end] != e.before:
                continue
            if e.text.startswith(text[e.before_end : offset]):
                return e.text[typed_len:], e.origin
        return None

    def forget(self, slot: str) -> None:
        """Drop a closed document's entries."""
        self._entries.pop(slot, None)
