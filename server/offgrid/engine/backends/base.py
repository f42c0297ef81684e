"""What every backend takes and gives: fill-in-the-middle text pieces in, a Generation out.

The pipeline cuts the windows as text; each backend renders them its own way (token ids with the local
vocabulary, a llama.cpp server's /infill fields, or a raw FIM prompt for an OpenAI-compatible server).
"""

import threading
from dataclasses import dataclass
from typing import Any, Protocol

from offgrid.engine.generation import Generation, StopRule


@dataclass(frozen=True)
class ExtraFile:
    """Another file's text given as context before the FIM prefix (repository-level FIM)."""

    path: str
    text: str


@dataclass(frozen=True)
class RepoContext:
    """The completion layer's context pack as plain text: other files' snippets, which go before the current
    file, and the current file's rows above the window (`stub`), which go right before the prefix."""

    repo: str = ""
    path: str = ""  # the current file, as shown to the model
    files: tuple[ExtraFile, ...] = ()
    stub: str = ""
    comment: str = "#"  # line comment of the language, for models without repo-level tokens
    format: str = "repo"  # "repo": repo-level tokens where the model has them; otherwise comments


@dataclass(frozen=True)
class InfillRequest:
    """One completion at a cursor: the text around it, the budgets, and when to stop."""

    prefix: str  # whole lines before the cursor line
    suffix: str  # the rest of the cursor line and whole lines after it
    typed: str  # the cursor line up to the cursor: goes last, so a keystroke changes only the prompt's tail
    context: RepoContext | None = None
    slot: str = "default"  # the document (a KV sequence locally, a cache hint remotely)
    fork_from: str | None = None  # local only: start from a copy of this slot's cache
    prefix_tokens: int = 1024
    suffix_tokens: int = 256
    step_lines: int = 16  # the prefix window drops lines from the top this many at a time
    max_tokens: int = 128
    stop: StopRule | None = None  # applied to the generated text (streamed text, for remote backends)
    indent: int = 0  # a later line indented less than this ends a multi-line suggestion (0: no such rule)
    prompt_time_limit_s: float | None = None
    generate_time_limit_s: float | None = None  # applies once the first line is complete
    exclude_first: tuple[int, ...] = ()  # local only: token ids the first generated token must not be


class Backend(Protocol):
    """Runs infill requests. Calls come from the model worker thread, one at a time."""

    name: str  # "local", "infill" or "openai"

    def infill(self, req: InfillRequest, cancel: threading.Event | None = None) -> Generation:
        """The text to insert at the cursor (blocking). Remote failures raise RemoteError."""
        ...

    def needs_repair(self, slot: str) -> bool:
        """Whether the slot's cache holds approximate (shifted) entries worth recomputing in a pause."""
        ...

    def repair(self, slot: str, cancel: threading.Event | None = None) -> int:
        """Recompute approximate cache entries; returns how many tokens were evaluated."""
        ...

    def describe(self) -> dict[str, Any]:
        """What offgrid/status shows about this backend (no secrets)."""
        ...

    def close(self) -> None:
        """Free the model or close connections."""
        ...
