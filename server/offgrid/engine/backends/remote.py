"""Build a remote backend from the settings, with the warnings the user should see once."""

from offgrid.engine.backends.base import Backend
from offgrid.engine.backends.http import RemoteSettings, api_key, check_url, plain_http_warning
from offgrid.engine.backends.llama_infill import LlamaInfillBackend
from offgrid.engine.backends.openai_completions import OpenAICompletionsBackend
from offgrid.errors import RemoteError


def make_remote_backend(kind: str, s: RemoteSettings, preset: str) -> tuple[Backend, list[str]]:
    """The backend for `kind` ("infill" or "openai") and warnings (plain http, missing key). Connects lazily:
    a server that is down now is tried again on each request."""
    if not s.url:
        raise RemoteError(
            f'backend "{kind}" needs remote.url, the model server\'s address (e.g. http://127.0.0.1:8080)'
        )
    url = check_url(s.url)
    key, key_warning = api_key(s)
    warnings = [w for w in (plain_http_warning(url), key_warning) if w]
    if kind == "infill":
        return LlamaInfillBackend(url, s, key), warnings
    if kind == "openai":
        return OpenAICompletionsBackend(url, s, key, preset), warnings
    raise RemoteError(f"unknown backend {kind!r}: use local, infill or openai")
