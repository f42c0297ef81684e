"""Streamed chat answers from an OpenAI-compatible /v1/chat/completions endpoint, for code actions on a model
server. Stop rules see the answer as it grows; returning early (a stop rule, the token cap, a cancel) closes the
stream, so the server stops generating."""

import threading
from dataclasses import dataclass
from typing import Any

from offgrid.engine.backends.base import InfillRequest, TextPrompt
from offgrid.engine.backends.http import HttpClient
from offgrid.engine.backends.stream_events import read_openai_stream
from offgrid.engine.backends.streamed import Collector
from offgrid.engine.generation import Generation, StopRule
from offgrid.errors import RemoteError


@dataclass(frozen=True)
class ChatRequest:
    """A system and a user message; `prefill`, when not empty, is the start of the answer, sent as a last
    assistant message (only servers that continue such a message get one: llama.cpp's server does)."""

    system: str
    user: str
    prefill: str = ""
    max_tokens: int = 512
    stop: StopRule | None = None  # applied to the streamed text (after the prefill)


def chat_body(req: ChatRequest, model: str) -> dict[str, Any]:
    """The /v1/chat/completions request (greedy, streamed)."""
    messages = [{"role": "system", "content": req.system}, {"role": "user", "content": req.user}]
    if req.prefill:
        messages.append({"role": "assistant", "content": req.prefill})
    body: dict[str, Any] = {"messages": messages, "max_tokens": req.max_tokens, "temperature": 0, "stream": True}
    body["stream_options"] = {"include_usage": True}  # token counts (and llama-server's timings) at the end
    if model:
        body["model"] = model
    return body


class EchoFilter:
    """Drops the prefill from the front of the stream: some llama-server versions send it back as the first delta,
    others do not. Text is held while it still reads as the start of the prefill."""

    def __init__(self, prefill: str) -> None:
        self.prefill, self.held, self.decided = prefill, "", not prefill

    def feed(self, piece: str) -> str:
        """The part of `piece` that is new answer text."""
        if self.decided:
            return piece
        self.held += piece
        if self.prefill.startswith(self.held):
            return ""  # still the echo, or too short to tell
        self.decided = True
        return self.held[len(self.prefill) :] if self.held.startswith(self.prefill) else self.held


def stream_chat(http: HttpClient, req: ChatRequest, model: str, cancel: threading.Event | None) -> Generation:
    """Stream one chat answer; the Generation's text is what the server wrote after the prefill."""
    c = Collector(InfillRequest(TextPrompt(""), max_tokens=req.max_tokens, stop=req.stop))  # the stop rules only
    echo = EchoFilter(req.prefill)

    def piece(choice: dict[str, Any], url: str) -> str:
        delta = choice.get("delta")
        if not isinstance(delta, dict):
            raise RemoteError(f"{url} sent a malformed stream: a choice without a delta")
        content = delta.get("content") or ""
        if not isinstance(content, str):
            raise RemoteError(f"{url} sent a malformed stream: content that is not text")
        return echo.feed(content)

    return read_openai_stream(http, "/v1/chat/completions", chat_body(req, model), c, piece, cancel)
