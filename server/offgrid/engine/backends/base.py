"""What every backend takes and gives: a prompt already laid out for its wire format in, a Generation out.

The completion layer lays out every prompt (complete/prompt.py): token ids for the local model, a raw FIM text
for an OpenAI-compatible server, the /infill fields for llama.cpp's server. Backends know nothing of documents.
"""

import threading
from dataclasses import dataclass
from typing import Any, Protocol

from offgrid.engine.generation import Generation, StopRule


@dataclass(frozen=True)
class TokenPrompt:
    """Token ids, and the bytes of the typed text's last token, held back for the model to rewrite."""

    ids: list[int]
    healed: bytes = b""


@dataclass(frozen=True)
class TextPrompt:
    """A raw prompt with the FIM tokens spelled out, and the typed spaces left out of it (the server's
    tokenizer cannot be healed; the answer's copy of them is dropped)."""

    text: str
    held: str = ""


@dataclass(frozen=True)
class InfillFields:
    """llama.cpp's /infill request fields: the server lays out the FIM prompt itself."""

    prefix: str  # input_prefix
    suffix: str  # input_suffix
    typed: str  # prompt: the typed part of the cursor line, less `held`
    extra: tuple[tuple[str, str], ...] = ()  # input_extra: (filename, text) of other files
    held: str = ""


Prompt = TokenPrompt | TextPrompt | InfillFields


@dataclass(frozen=True)
class InfillRequest:
    """One completion at a cursor: its prompt, and when to stop."""

    prompt: Prompt
    slot: str = "default"  # the document (a KV sequence locally, a cache hint remotely)
    fork_from: str | None = None  # local only: start from a copy of this slot's cache
    max_tokens: int = 128
    stop: StopRule | None = None  # applied to the generated text (streamed text, for remote backends)
    indent: int = 0  # a later line indented less than this ends a multi-line suggestion (0: no such rule)
    prompt_time_limit_s: float | None = None
    generate_time_limit_s: float | None = None  # applies once the first line is complete
    exclude_first: tuple[int, ...] = ()  # local only: token ids the first generated token must not be
    end_grace: int = 0  # tokens the model may go on past the stop rule's cut to end by itself (HeldStop)


class Backend(Protocol):
    """Runs infill requests. Calls come from the model worker thread, one at a time."""

    name: str  # "local", "infill" or "openai"
    wire: str  # the prompt it takes: "tokens" (TokenPrompt), "text" (TextPrompt) or "infill" (InfillFields)

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
