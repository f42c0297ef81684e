"""Actions on a model server: the plan's system and user messages to /v1/chat/completions, streamed, with the
same stop rules and clean-up as on the local model. A cancel or a preemption closes the stream.

A server that continues a last assistant message (llama.cpp's) gets the plan's prefill, and after a preemption
the answer so far, so it resumes where it stopped. Others (llama-cpp-python's server, vLLM without
`continue_final_message`) get no prefill: the model writes the fence and the prefill's lines itself, which
`after_prefill` skips, and a preempted answer is asked for again (greedy decoding gives the same text)."""

import threading

from offgrid.actions.clean import after_prefill
from offgrid.actions.plan import Plan, continuing
from offgrid.engine.backends.chat_stream import ChatRequest
from offgrid.engine.backends.http_backend import HttpBackend
from offgrid.engine.backends.streamed import CHARS_PER_TOKEN
from offgrid.engine.generation import Generation, StopRule


class RemoteActionModel:
    """The answer as streamed text."""

    def __init__(self, backend: HttpBackend) -> None:
        self.backend = backend
        self.text = ""  # with a prefill: the answer so far; without: the model's whole text of the last run
        self.tokens = 0
        self.prompt = 0
        self._prefill = ""

    def answer(self) -> str:
        """The answer so far (what follows the plan's prefill)."""
        if self.backend.continues_prefill:
            return self.text
        return after_prefill(self.text, self._prefill) or ""

    def generated(self) -> int:
        return self.tokens

    def prompt_tokens(self) -> int:
        return self.prompt

    def generate(self, plan: Plan, cancel: threading.Event) -> Generation:
        """Stream the answer, or the rest of it, until the plan's stop rule, its token budget, or `cancel`."""
        self._prefill = plan.prefill
        if self.backend.continues_prefill:
            left = plan.max_tokens - self.tokens
            req = ChatRequest(plan.system, plan.user, plan.prefill + self.text, left, continuing(plan.stop, self.text))
        else:  # the model also writes the prefill's lines, so it gets that many more tokens
            budget = plan.max_tokens + len(plan.prefill) // CHARS_PER_TOKEN + 8
            req = ChatRequest(plan.system, plan.user, "", budget, _aligned(plan.prefill, plan.stop))
            self.text, self.tokens = "", 0
        gen = self.backend.chat(req, cancel)
        self.text += gen.text
        self.tokens += gen.n_generated
        self.prompt = gen.n_prompt or self.prompt
        return gen


def _aligned(prefill: str, rule: StopRule | None) -> StopRule | None:
    """The plan's rule on a whole answer that starts with the model's own copy of the prefill."""
    if rule is None:
        return None

    def stop(text: str) -> int | None:
        tail = after_prefill(text, prefill, final=False)
        if tail is None:
            return None
        cut = rule(tail)
        return None if cut is None else len(text) - len(tail) + cut

    return stop
