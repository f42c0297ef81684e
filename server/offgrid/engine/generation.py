"""What a caller asks the engine for, and what it gets back: plain data, no llama.cpp types."""

from collections.abc import Callable
from dataclasses import dataclass

# Given the text generated so far, return None to go on, or the length to cut the text to and stop.
StopRule = Callable[[str], int | None]


class SoftCut(int):
    """A stop rule's cut that guesses where the answer ends (from the code's structure, say): it is held for the
    request's `end_grace` tokens, and a model that ends the text itself within them keeps the longer text. A
    plain int is a cut that always applies."""


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
    # Tokens the model may go on past a soft cut of the stop rule (HeldStop): 0 stops at once.
    end_grace: int = 0


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
    held: bool = False  # a soft cut of the stop rule was held: the model's end within the grace decided, or the cut


class HeldStop:
    """A stop rule applied to the text as it grows, its first soft cut held for `grace` more tokens: a model
    that ends the text itself within them meant the longer answer, which is kept whole. Rules that guess the end of a
    block from its structure cut right answers of a model that ends its middles well (Qwen2.5-Coder-1.5B on
    HumanEval multi-line: 45% of tasks pass cut by the rules, 65% with its own end), and a model that does not
    end (the 0.5B runs on into test code) is still cut where the rule said."""

    def __init__(self, rule: StopRule | None, grace: int = 0) -> None:
        self.rule, self.grace = rule, grace
        self.held: int | None = None  # the rule's cut, while the model may still end by itself
        self._waited = 0

    def after_token(self, text: str) -> int | None:
        """After a token is added to `text`: the length to cut it to and stop at now, or None to go on. A next
        token that ends the text is checked before the grace runs out, so `grace` tokens may come and then the
        end."""
        if self.held is not None:
            self._waited += 1
            return self.held if self._waited > self.grace else None
        if self.rule is None or (cut := self.rule(text)) is None:
            return None
        if self.grace <= 0 or not isinstance(cut, SoftCut):
            return cut
        self.held = cut
        return None

    def at_cap(self, reason: str) -> int | None:
        """The held cut, when the generation stopped at a token or time cap: the model did not end within the
        grace, so the rule's cut applies."""
        return self.held if reason in ("max_tokens", "time") else None


def after_skip(rule: StopRule, skip: str) -> StopRule:
    """Apply `rule` to the text after `skip` (held-back typed text the engine regenerates first)."""
    if not skip:
        return rule

    def wrapped(text: str) -> int | None:
        if not text.startswith(skip):
            return None
        cut = rule(text[len(skip) :])
        if cut is None:
            return None
        return SoftCut(cut + len(skip)) if isinstance(cut, SoftCut) else cut + len(skip)

    return wrapped
