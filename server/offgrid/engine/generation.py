"""What a caller asks the engine for, and what it gets back: plain data, no llama.cpp types."""

from collections.abc import Callable
from dataclasses import dataclass

# Given the text generated so far, return None to go on, or the length to cut the text to and stop.
StopRule = Callable[[str], int | None]


@dataclass(frozen=True)
class GenerationRequest:
    """One generation: a prompt of token ids for a cache slot (a document), and its budgets."""

    prompt: tuple[int, ...]
    slot: str = "default"
    max_tokens: int = 128
    stop: StopRule | None = None
    prompt_time_limit_s: float | None = None  # abort prompt evaluation past this
    generate_time_limit_s: float | None = None  # applies once the first line is complete
    fork_from: str | None = None  # start from a copy of this slot's cache (speculative work on its own slot)
    forced_prefix: bytes = b""  # the text must start with these bytes (token healing); it is kept in the text
    exclude_first: tuple[int, ...] = ()  # tokens the first one may not be: alternatives to earlier answers
    # On a cancel, finish the prompt piece being decoded: the next request for this slot shares it. Work that no
    # next request continues (speculation, actions) stops mid-piece instead, so the request waits for nothing.
    finish_piece: bool = False


@dataclass(frozen=True)
class Generation:
    """The generated text and what it cost."""

    text: str
    stop_reason: str  # "end", "stop_rule", "max_tokens", "time", "cancelled", "prompt_time", "context_full"
    n_prompt: int
    n_reused: int  # kept as a common prefix
    n_shifted: int  # reused by moving cached chunks
    n_evaluated: int  # prompt tokens decoded for this request
    n_generated: int
    prompt_ms: float
    generate_ms: float
    n_changed: int = 0  # prompt tokens not in an in-order match with the cached prompt: what the edit changed
    first_token: int | None = None  # the first generated token (exclude it to ask for an alternative)
    tokens: tuple[int, ...] = ()  # the generated ids (so a stopped generation can be continued exactly)
    round_trip_ms: float | None = None  # remote backends: request sent to stream closed, as offgrid saw it
    server_ms: float | None = None  # remote backends: the server's own prompt + generation time, when it says


def after_skip(rule: StopRule, skip: str) -> StopRule:
    """Apply `rule` to the text after `skip` (held-back typed text the engine regenerates first)."""
    if not skip:
        return rule

    def wrapped(text: str) -> int | None:
        if not text.startswith(skip):
            return None
        cut = rule(text[len(skip) :])
        return None if cut is None else cut + len(skip)

    return wrapped
