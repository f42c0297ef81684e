"""OpenAI-compatible /v1/completions (vLLM, Ollama, llama-cpp-python's server, llama-server): offgrid renders
the raw FIM prompt with its own templates, since the server has no infill endpoint of its own."""

import threading
from typing import Any

from offgrid.config import RemoteSettings
from offgrid.engine.backends.base import InfillRequest, TextPrompt
from offgrid.engine.backends.http import HttpClient
from offgrid.engine.backends.http_backend import HttpBackend
from offgrid.engine.backends.stream_events import read_openai_stream
from offgrid.engine.backends.streamed import Collector
from offgrid.engine.fim import FimTemplate, template_for
from offgrid.engine.generation import Generation
from offgrid.errors import RemoteError
from offgrid.models.presets import AUTO_PRESET, DEFAULT_PRESET  # every preset auto picks is a Qwen2.5-Coder


def completions_root(url: str) -> str:
    """The server root, whether the user gave it with or without the /v1 suffix."""
    return url[: -len("/v1")] if url.endswith("/v1") else url


def choose_template(fim: str, model_id: str, preset: str) -> FimTemplate | None:
    """The FIM format: `remote.fim` when set ("none" for prefix-only), else what the model's name implies, else
    the preset's."""
    if fim:
        if fim.lower() == "none":
            return None
        t = template_for(fim)
        if t is None:
            raise RemoteError(f"remote.fim {fim!r} is not a FIM format or preset offgrid knows")
        return t
    return template_for(model_id) or template_for(DEFAULT_PRESET if preset == AUTO_PRESET else preset)


def completion_body(req: InfillRequest, model: str, t: FimTemplate | None) -> dict[str, Any]:
    """The /v1/completions request: a raw FIM prompt, greedy, streamed."""
    body: dict[str, Any] = {
        "prompt": _text(req).text,
        "max_tokens": req.max_tokens,
        "temperature": 0,
        "stream": True,
    }
    if model:
        body["model"] = model
    if t is not None and t.stop:
        body["stop"] = list(t.stop[:4])  # OpenAI's API takes at most four
    return body


def _text(req: InfillRequest) -> TextPrompt:
    if not isinstance(req.prompt, TextPrompt):
        raise TypeError(f"the openai backend takes a text prompt, not {type(req.prompt).__name__}")
    return req.prompt


def _choice_text(choice: dict[str, Any], url: str) -> str:
    text = choice.get("text")
    if not isinstance(text, str):
        raise RemoteError(f"{url} sent a malformed stream: a choice without text")
    return text


class OpenAICompletionsBackend(HttpBackend):
    """Completions from an OpenAI-compatible /v1/completions endpoint."""

    name = "openai"
    wire = "text"

    def __init__(self, base_url: str, settings: RemoteSettings, key: str | None, preset: str) -> None:
        self.http = HttpClient(completions_root(base_url), settings, key)
        self.settings = settings
        self.preset = preset
        self.model = settings.model
        self.template = choose_template(settings.fim, self.model, preset)  # again once the model is known
        self._resolved = False

    def models(self) -> list[str]:
        """The model ids the server lists."""
        data = self.http.run(self.http.get_json("/v1/models"), None)
        items = data.get("data") if isinstance(data, dict) else None
        if not isinstance(items, list):
            raise RemoteError(f"{self.http.base_url}/v1/models sent a malformed answer: no data list")
        return [str(m.get("id")) for m in items if isinstance(m, dict) and m.get("id")]

    def resolve(self) -> None:
        """Pick the model (the first the server lists, unless set) and its FIM format, once."""
        if self._resolved:
            return
        if not self.model:
            ids = self.models()
            self.model = ids[0] if ids else ""
        self.template = choose_template(self.settings.fim, self.model, self.preset)
        self._resolved = True

    def fim_template(self) -> FimTemplate | None:
        """The FIM format prompts for this server are written in (asks the server for its model once)."""
        self.resolve()
        return self.template

    def chat_model(self) -> str:
        self.resolve()
        return self.model

    def infill(self, req: InfillRequest, cancel: threading.Event | None = None) -> Generation:
        """Stream one completion; stop rules close the stream early."""
        self.resolve()
        c = Collector(req, self.template.stop if self.template else (), _text(req).held)
        body = completion_body(req, self.model, self.template)
        return read_openai_stream(self.http, "/v1/completions", body, c, _choice_text, cancel, c.overdue)

    def describe(self) -> dict[str, Any]:
        return {
            "kind": self.name,
            "url": self.http.base_url,
            "model": self.model or None,
            "fim": self.template.name if self.template else None,
        }
