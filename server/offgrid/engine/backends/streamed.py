"""Streamed text from a model server, gathered the way the local engine stops: stop rules on the text so far,
stop strings, the token cap, and the time limit once the first line is complete. Returning False from `add`
ends the stream, which closes the connection."""

import time
from dataclasses import dataclass, field

from offgrid.engine.backends.base import InfillRequest
from offgrid.engine.generation import Generation, HeldStop
from offgrid.errors import RemoteError

CHARS_PER_TOKEN = 4  # a remote model's tokenizer is not at hand: budgets in tokens become characters


def after_held(text: str, held: str) -> str:
    """The generated text without the held-back spaces the user had already typed."""
    if text.startswith(held):
        return text[len(held) :]
    return text.lstrip(" \t") if held else text


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
    _rule: HeldStop = field(init=False)

    def __post_init__(self) -> None:
        self._rule = HeldStop(self.req.stop, self.req.end_grace)

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
        if self._rule.rule is not None and (cut := self._rule.after_token(self._visible())) is not None:
            self._cut(cut)
            return self._stop("stop_rule")
        limit = self.req.generate_time_limit_s
        if limit is not None and "\n" in self.text and time.monotonic() - self.t_first > limit:
            return self._stop("time")
        if self.pieces >= self.req.max_tokens:
            return self._stop("max_tokens")
        return True

    def _visible(self) -> str:
        """What the user will see, and the rules see: the text without the held-back spaces."""
        return after_held(self.text, self.held)

    def _cut(self, cut: int) -> None:
        """Cut the text to `cut` characters of what the user sees."""
        self.text = self.text[: cut + len(self.text) - len(self._visible())]

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
        if (cut := self._rule.at_cap(self.reason)) is not None:  # a held cut, and the model did not end
            self._cut(cut)
            self.reason = "stop_rule"
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
            held=self._rule.held is not None,
        )
