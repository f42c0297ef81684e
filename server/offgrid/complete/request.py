"""The plain data a completion takes and returns; the LSP layer converts to and from protocol types."""

from dataclasses import dataclass

from offgrid.engine.generation import Generation


@dataclass(frozen=True)
class CompletionRequest:
    """A cursor in a document. `column` counts Unicode code points, not UTF-16 units."""

    text: str
    line: int
    column: int
    slot: str = "default"  # which KV cache sequence to use: one per document
    language: str = ""
    invoked: bool = False  # the user asked explicitly (not typing)
    fork_from: str | None = None  # speculative requests: reuse this slot's cache through a copy
    uri: str = ""  # the document (file:// URI), for context from its tree and the workspace


@dataclass(frozen=True)
class Suggestion:
    """Text to insert at the cursor, replacing the line's text up to `replace_to_column` (code points)."""

    text: str
    line: int
    column: int
    replace_to_column: int
    generation: Generation | None = None
    more: tuple["Suggestion", ...] = ()  # further suggestions, on explicit requests
