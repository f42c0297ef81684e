"""Streamed text from a model server, gathered the way the local engine stops: stop rules on the text so far,
stop strings, the token cap, and the time limit once the first line is complete. Returning False from `add`
ends the stream, which closes the connection."""

import time
from dataclasses import dataclass, field
from typing import Any

from offgrid.engine.backends.base import InfillRequest
from offgrid.engine.generation import Generation
from offgrid.errors import RemoteError


def fit_prefix(text: str, max_chars: int, step: int) -> str:
    """Whole lines from the end of `text` within `max_chars`, dropping lines from the top `step` at a time,
    so the prompt's start (and the server's prompt cache) stays put while the cursor moves."""
    lines = text.splitlines(keepends=True)
    first, chars = len(lines), 0
    while first > 0 and chars + len(lines[first - 1]) <= max_chars:
        first -= 1
        chars += len(lines[first])
    start = first + (-first % max(1, step))
    if start >= len(lines) and lines:
        return lines[-1][-max_chars:] if max_chars > 0 else ""
    return "".join(lines[start:])


def fit_suffix(text: str, max_chars: int) -> str:
    """The head of `text` within `max_chars`, cut at a line end when there is one."""
    if len(text) <= max_chars:
        return text
    head = text[:max_chars]
    cut = head.rfind("\n")
    return head[:cut] if cut > 0 else head


def hold_back_space(typed: str) -> tuple[str, str]:
    """Split off the typed line's trailing spaces. A remote tokenizer cannot be healed (the local backend
    regenerates the last token), and a prompt ending in a space makes the model start with another one."""
    kept = typed.rstrip(" \t")
    return (kept, typed[len(kept) :]) if kept.strip() else (typed, "")


def after_held(text: str, held: str) -> str:
    """The generated text without the held-back spaces the user had already typed."""
    if text.startswith(held):
        return text[len(held) :]
    return text.lstrip(" \t") if held else text


def openai_choice(event: dict[str, Any], final: dict[str, Any], url: str) -> dict[str, Any] | None:
    """The first choice of one event of an OpenAI-style stream, None for the usage-only chunk; keeps `usage`,
    llama-server's `timings` and the finish reason in `final` for openai_figures."""
    for key in ("usage", "timings"):
        if isinstance(event.get(key), dict):
            final[key] = event[key]
    choices = event.get("choices")
    if not isinstance(choices, list):
        raise RemoteError(f"{url} sent a malformed stream: no choices")
    if not choices:
        return None
    choice = choices[0]
    if not isinstance(choice, dict):
        raise RemoteError(f"{url} sent a malformed stream: a choice that is not an object")
    if choice.get("finish_reason"):
        final["finish_reason"] = choice["finish_reason"]
    return choice


def openai_figures(final: dict[str, Any]) -> dict[str, Any]:
    """Token counts and the server's own timings from the last event of an OpenAI-style stream (`usage`, asked
    for at the end; llama-server also sends `timings`), as Collector.generation's keyword arguments."""
    usage, t = final.get("usage") or {}, final.get("timings") or {}
    n_prompt = int(usage.get("prompt_tokens", 0) or 0)
    return {
        "n_prompt": n_prompt or int(t.get("prompt_n", 0) or 0) + int(t.get("cache_n", 0) or 0),
        "n_reused": int(t.get("cache_n", 0) or 0),
        "n_evaluated": int(t.get("prompt_n", n_prompt) or 0),
        "n_generated": int(usage["completion_tokens"]) if "completion_tokens" in usage else None,
        "server_prompt_ms": t.get("prompt_ms"),
        "server_generate_ms": t.get("predicted_ms"),
    }


CHARS_PER_TOKEN = 4  # a remote model's tokenizer is not at hand: budgets in tokens become characters


@dataclass
class Collector:
    """The text streamed so far and why it ended."""

    req: InfillRequest
    stop_strings: tuple[str, ...] = ()
    held: str = ""  # typed spaces left out of the prompt, dropped from the front of the answer
    text: str = ""
    reason: str = "end"
    pieces: int = 0
    t0: float = field(default_factory=time.monotonic)
    t_first: float | None = None
    stopped_here: bool = False  # offgrid ended the stream (the server's own final figures will not come)

    def add(self, piece: str) -> bool:
        """Take one streamed piece; False means stop reading."""
        if not piece:
            return True
        if self.t_first is None:
            self.t_first = time.monotonic()
        self.pieces += 1
        self.text += piece
        for s in self.stop_strings:
            if (i := self.text.find(s)) >= 0:
                self.text = self.text[:i]
                return self._stop("end")
        if self.req.stop is not None:  # the rules see what the user will see: without the held-back spaces
            visible = after_held(self.text, self.held)
            if (cut := self.req.stop(visible)) is not None:
                self.text = self.text[: cut + len(self.text) - len(visible)]
                return self._stop("stop_rule")
        limit = self.req.generate_time_limit_s
        if limit is not None and "\n" in self.text and time.monotonic() - self.t_first > limit:
            return self._stop("time")
        if self.pieces >= self.req.max_tokens:
            return self._stop("max_tokens")
        return True

    def overdue(self) -> bool:
        """Whether the whole answer has not come within the prompt and generation time limits together: a server
        trickling tokens or keep-alives must not hold a request (and the model worker) forever."""
        p, g = self.req.prompt_time_limit_s, self.req.generate_time_limit_s
        if p is None:
            return False
        waited = time.monotonic() - self.t0
        return waited > p if self.t_first is None else waited > p + (g or 0.0)

    def end_overdue(self, url: str) -> "Generation":
        """The answer so far, cut for time; an error if no text came at all."""
        if self.t_first is None:
            raise RemoteError(f"{url} sent no text within {self.req.prompt_time_limit_s:g} s (completion.promptTimeMs)")
        self.reason, self.stopped_here = "time", True
        return self.generation()

    def _stop(self, reason: str) -> bool:
        self.reason, self.stopped_here = reason, True
        return False

    def generation(
        self,
        n_prompt: int = 0,
        n_reused: int = 0,
        n_evaluated: int = 0,
        n_generated: int | None = None,
        server_prompt_ms: float | None = None,
        server_generate_ms: float | None = None,
    ) -> Generation:
        """The result, with the server's figures where it sent them and offgrid's own clock otherwise."""
        end = time.monotonic()
        first = self.t_first if self.t_first is not None else end
        server_ms = None
        if server_prompt_ms is not None and server_generate_ms is not None:
            server_ms = server_prompt_ms + server_generate_ms
        return Generation(
            text=after_held(self.text, self.held),
            stop_reason=self.reason,
            n_prompt=n_prompt,
            n_reused=n_reused,
            n_shifted=0,
            n_evaluated=n_evaluated,
            n_generated=self.pieces if n_generated is None else n_generated,
            prompt_ms=server_prompt_ms if server_prompt_ms is not None else (first - self.t0) * 1000,
            generate_ms=server_generate_ms if server_generate_ms is not None else (end - first) * 1000,
            round_trip_ms=(end - self.t0) * 1000,
            server_ms=server_ms,
        )
