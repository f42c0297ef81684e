"""Reading an OpenAI-style stream (/v1/completions, /v1/chat/completions) into a Generation: each event's first
choice gives a piece of text, the last ones the finish reason and the server's figures, and the way the stream
ended (a stop rule, the time limits, a cancel, the server's own finish) gives the stop reason."""

import threading
from collections.abc import Callable
from typing import Any

from offgrid.engine.backends.http import HttpClient
from offgrid.engine.backends.streamed import Collector
from offgrid.engine.generation import Generation
from offgrid.errors import Cancelled, Overdue, RemoteError

REASONS = {"stop": "end", "length": "max_tokens"}  # OpenAI's finish reasons as offgrid's stop reasons

Piece = Callable[[dict[str, Any], str], str]  # the text of one choice (the stream's URL for error messages)


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


def read_openai_stream(
    http: HttpClient,
    path: str,
    body: dict[str, Any],
    c: Collector,
    piece: Piece,
    cancel: threading.Event | None,
    overdue: Callable[[], bool] | None = None,
) -> Generation:
    """Stream `body` to `path`, feeding each choice's text to `c` until it stops reading or the stream ends."""
    final: dict[str, Any] = {}
    url = http.base_url + path

    def on_event(event: dict[str, Any]) -> bool:
        choice = openai_choice(event, final, url)
        if choice is None:
            return True  # the usage-only chunk
        return c.add(piece(choice, url))

    try:
        http.run(http.stream_events(path, body, on_event), cancel, overdue)
    except Overdue:
        return c.end_overdue(url)
    except Cancelled:
        c.reason = "cancelled"
        return c.generation()
    if not c.stopped_here:
        c.reason = REASONS.get(str(final.get("finish_reason")), "end")
    return c.generation(**openai_figures(final))
