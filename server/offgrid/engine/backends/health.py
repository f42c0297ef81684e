"""`offgrid doctor` for a model server: reachable, which model, whether fill-in-the-middle works, round trips."""

import time
from collections.abc import Awaitable, Callable
from typing import Any

from offgrid.engine.backends.base import Backend, InfillRequest
from offgrid.engine.backends.chat_stream import ChatRequest
from offgrid.engine.backends.http_backend import HttpBackend
from offgrid.engine.backends.llama_infill import LlamaInfillBackend
from offgrid.engine.backends.openai_completions import OpenAICompletionsBackend
from offgrid.errors import RemoteError

Row = tuple[str, str]
Sample = Callable[[Backend], InfillRequest]  # a completion request laid out for the backend (by complete/)
CHAT_SAMPLE = ChatRequest("Reply with code only.", "Write a Python expression that adds a and b.", max_tokens=8)


def _timed(call: Callable[[], Any]) -> tuple[Any, float]:
    t0 = time.perf_counter()
    out = call()
    return out, (time.perf_counter() - t0) * 1000


def check_backend(backend: Backend, sample: Sample) -> tuple[list[Row], str | None]:
    """Rows to print, and the problem that stops completions (None when they can work)."""
    try:
        if isinstance(backend, LlamaInfillBackend):
            rows, problem = _check_infill(backend, sample)
        elif isinstance(backend, OpenAICompletionsBackend):
            rows, problem = _check_openai(backend, sample)
        else:
            return [], f"no remote checks for the {backend.name} backend"
    except RemoteError as e:
        return [], str(e)
    if problem is None and isinstance(backend, HttpBackend):
        rows.append(_check_chat(backend))
    return rows, problem


def _check_chat(b: HttpBackend) -> Row:
    """Code actions use /v1/chat/completions; without it completions still work, so this is a row, not a problem."""
    try:
        gen, ms = _timed(lambda: b.chat(CHAT_SAMPLE))
    except RemoteError as e:
        return ("code actions", f"unavailable: {e}")
    return ("code actions", f"/v1/chat/completions works: {gen.text!r} in {ms:.0f} ms")


def _check_infill(b: LlamaInfillBackend, sample: Sample) -> tuple[list[Row], str | None]:
    http = b.http
    health, ms = _timed(lambda: http.run(http.get_json("/health"), None))
    rows = [("server", f"{http.base_url} reachable, health {health.get('status', health)}, round trip {ms:.0f} ms")]
    rows.append(("model", ", ".join(_model_ids(http.run(http.get_json("/v1/models"), None))) or "(none listed)"))
    try:
        gen, ms = _timed(lambda: b.infill(sample(b)))
    except RemoteError as e:
        if "501" in str(e) or "not supported" in str(e).lower():
            return rows, f"the server's model has no fill-in-the-middle tokens: {e}"
        raise
    rows.append(("fill-in-middle", f"/infill works: {gen.text!r} in {ms:.0f} ms (stop: {gen.stop_reason})"))
    return rows, None


def _check_openai(b: OpenAICompletionsBackend, sample: Sample) -> tuple[list[Row], str | None]:
    http = b.http
    ids, ms = _timed(b.models)
    rows = [("server", f"{http.base_url} reachable, /v1/models round trip {ms:.0f} ms")]
    rows.append(("models", ", ".join(ids) or "(none listed)"))
    b.resolve()
    rows.append(("model", b.model or "(server default)"))
    if b.template is None:
        rows.append(("fill-in-middle", "none: prefix-only completions (set remote.fim to a format or preset)"))
    else:
        special = _special_tokens(b)
        rows.append(("fill-in-middle", f"{b.template.name} template; {special}"))
    gen, ms = _timed(lambda: b.infill(sample(b)))
    rows.append(("sample", f"{gen.text!r} in {ms:.0f} ms (stop: {gen.stop_reason})"))
    return rows, None


def _special_tokens(b: OpenAICompletionsBackend) -> str:
    """Whether the server reads the template's special tokens as single tokens, where it can tokenize for us."""
    assert b.template is not None
    marker = b.template.prefix.strip()
    tries: list[tuple[str, Callable[[], Awaitable[Any]]]] = [
        ("/extras/tokenize", lambda: b.http.post_json("/extras/tokenize", {"input": marker})),  # llama-cpp-python
        ("/tokenize", lambda: b.http.post_json("/tokenize", {"model": b.model, "prompt": marker})),  # vLLM
        ("/tokenize", lambda: b.http.post_json("/tokenize", {"content": marker, "add_special": False})),  # llama-server
    ]
    for _path, call in tries:
        try:
            answer = b.http.run(call(), None)
        except RemoteError:
            continue
        tokens = answer.get("tokens") if isinstance(answer, dict) else None
        if isinstance(tokens, list) and tokens:  # an empty list: the body was not what this server reads
            n = len(tokens)
            if n == 1:
                return f"the server reads {marker} as one special token"
            return f"WARNING: the server splits {marker} into {n} tokens: the model will not see a FIM prompt"
    return "the server cannot tokenize on request, so special tokens were not checked"


def _model_ids(data: Any) -> list[str]:
    items = data.get("data") if isinstance(data, dict) else None
    return [str(m.get("id")) for m in items or [] if isinstance(m, dict) and m.get("id")]
