"""llama.cpp's `llama-server` /infill: the server owns the FIM format and the prompt cache; offgrid sends the
pieces complete/ laid out (prefix, suffix, the typed part as `prompt`, other files as `input_extra`) and reads
the stream."""

import threading
from typing import Any

from offgrid.config import RemoteSettings
from offgrid.engine.backends.base import InfillFields, InfillRequest
from offgrid.engine.backends.http import HttpClient, Overdue
from offgrid.engine.backends.http_backend import HttpBackend
from offgrid.engine.backends.streamed import Collector
from offgrid.engine.generation import Generation
from offgrid.errors import Cancelled, RemoteError

_REASONS = {"eos": "end", "word": "end", "limit": "max_tokens"}


def infill_body(req: InfillRequest) -> dict[str, Any]:
    """The /infill request for `req` (greedy, streamed, prompt cache on)."""
    p = _fields(req)
    body: dict[str, Any] = {
        "input_prefix": p.prefix,
        "input_suffix": p.suffix,
        "input_extra": [{"filename": path, "text": text} for path, text in p.extra],
        "prompt": p.typed,
        "n_predict": req.max_tokens,
        "stream": True,
        "cache_prompt": True,
        "temperature": 0,  # greedy, as the local engine
        "timings_per_token": True,  # the server's own figures even when a stop rule closes the stream early
    }
    if req.indent > 0:
        body["n_indent"] = req.indent
    if req.generate_time_limit_s is not None:
        body["t_max_predict_ms"] = round(req.generate_time_limit_s * 1000)
    return body


def _fields(req: InfillRequest) -> InfillFields:
    if not isinstance(req.prompt, InfillFields):
        raise TypeError(f"the infill backend takes /infill fields, not {type(req.prompt).__name__}")
    return req.prompt


class LlamaInfillBackend(HttpBackend):
    """Completions from a llama.cpp server's /infill endpoint."""

    name = "infill"
    wire = "infill"
    continues_prefill = True  # llama-server treats a last assistant message as the start of its answer

    def __init__(self, base_url: str, settings: RemoteSettings, key: str | None) -> None:
        self.http = HttpClient(base_url, settings, key)
        self.settings = settings

    def infill(self, req: InfillRequest, cancel: threading.Event | None = None) -> Generation:
        """Stream one /infill answer; stop rules close the stream early."""
        c = Collector(req, held=_fields(req).held)
        final: dict[str, Any] = {}
        timings: dict[str, Any] = {}

        def on_event(event: dict[str, Any]) -> bool:
            content = event.get("content")
            if not isinstance(content, str):
                raise RemoteError(f"{self.http.base_url}/infill sent a malformed stream: an event without content")
            if isinstance(event.get("timings"), dict):
                timings.update(event["timings"])
            go_on = c.add(content)
            if event.get("stop"):
                final.update(event)
                return False
            return go_on

        try:
            self.http.run(self.http.stream_events("/infill", infill_body(req), on_event), cancel, c.overdue)
        except Overdue:
            return c.end_overdue(self.http.base_url + "/infill")
        except Cancelled:
            c.reason = "cancelled"
            return c.generation()
        if not c.stopped_here:
            c.reason = _REASONS.get(str(final.get("stop_type")), "end")
        t = timings
        evaluated = int(t.get("prompt_n", final.get("tokens_evaluated", 0)) or 0)
        cached = int(t.get("cache_n", 0) or 0)
        return c.generation(
            n_prompt=int(final.get("tokens_evaluated", evaluated + cached) or 0),
            n_reused=cached,
            n_evaluated=evaluated,
            n_generated=int(final["tokens_predicted"]) if "tokens_predicted" in final else None,
            server_prompt_ms=t.get("prompt_ms"),
            server_generate_ms=t.get("predicted_ms"),
        )

    def describe(self) -> dict[str, Any]:
        return {"kind": self.name, "url": self.http.base_url}
