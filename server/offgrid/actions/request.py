"""What a code action is asked to do and what it gives back: plain data, offsets in code points."""

from dataclasses import dataclass
from enum import StrEnum

from offgrid.engine.generation import Generation


class ActionKind(StrEnum):
    """The actions offgrid offers; the values travel in code actions' `data` and in command arguments."""

    REWRITE = "rewrite"
    DOCSTRING = "docstring"
    EXPLAIN = "explain"
    FIX = "fix"
    COMPLETE_BODY = "completeBody"


@dataclass(frozen=True)
class ActionRequest:
    """One action on a document's text. `start`..`end` is the user's selection (equal for a cursor)."""

    kind: ActionKind
    text: str
    language: str
    start: int
    end: int
    instruction: str = ""  # the user's words for a rewrite
    diagnostic: str = ""  # the message of the diagnostic to fix
    diagnostic_line: int = 0  # its first line (0-based)
    related: str = ""  # code from elsewhere that the code uses (the context pack), shown to the model


@dataclass(frozen=True)
class TextEdit:
    """Replace text[start:end] by `new_text` (code-point offsets into the request's text)."""

    start: int
    end: int
    new_text: str


@dataclass(frozen=True)
class ActionResult:
    """An edit to apply, or an explanation to show; and what the model did."""

    edit: TextEdit | None = None
    explanation: str | None = None
    generation: Generation | None = None
