"""Build a remote backend from the settings: the URL checked, the API key read from its environment variable,
and the warnings the user should see once."""

import ipaddress
import os
from urllib.parse import urlsplit

from offgrid.config import RemoteSettings
from offgrid.engine.backends.base import Backend
from offgrid.engine.backends.llama_infill import LlamaInfillBackend
from offgrid.engine.backends.openai_completions import OpenAICompletionsBackend
from offgrid.errors import RemoteError


def is_loopback(url: str) -> bool:
    """Whether the URL's host is this machine."""
    host = (urlsplit(url).hostname or "").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def plain_http_warning(url: str) -> str | None:
    """The once-only warning for code sent unencrypted to another machine."""
    if urlsplit(url).scheme == "http" and not is_loopback(url):
        return (
            f"the remote model server {url} is plain http://: your code travels unencrypted. "
            "Use https:// unless the network is yours"
        )
    return None


def check_url(url: str) -> str:
    """The base URL without a trailing slash, or a RemoteError saying what is wrong with it."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise RemoteError(f"remote.url must be an http:// or https:// URL, got {url!r}")
    return url.strip().rstrip("/")


def api_key(s: RemoteSettings) -> tuple[str | None, str | None]:
    """The key from the environment variable the settings name, and a warning when that variable is unset."""
    if not s.api_key_env:
        return None, None
    key = os.environ.get(s.api_key_env)
    if not key:
        return None, f"remote.apiKeyEnv names {s.api_key_env}, which is not set: sending no API key"
    return key, None


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
