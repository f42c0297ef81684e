"""The transport under the remote backends: one keep-alive client on its own event loop, JSON requests and
server-sent event streams that the model worker can cancel (cancelling closes the connection, so the server stops
generating), the time limits, and every transport failure turned into one RemoteError with a message for the user.
What the requests mean is the backends' business (http_backend.py, chat_stream.py, stream_events.py)."""

import asyncio
import concurrent.futures
import json
import os
import threading
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager, suppress
from typing import Any, TypeVar

import httpx2 as httpx

from offgrid.config import RemoteSettings
from offgrid.errors import Cancelled, Overdue, RemoteError

T = TypeVar("T")

_POLL_S = 0.02  # how often the worker thread looks at its cancel event while a request runs


class HttpClient:
    """An httpx AsyncClient on a private event loop thread, driven synchronously from the model worker."""

    def __init__(self, base_url: str, s: RemoteSettings, key: str | None) -> None:
        self.base_url = base_url
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, name="offgrid-http", daemon=True)
        self._thread.start()
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        timeout = httpx.Timeout(
            connect=s.connect_timeout_ms / 1000, read=s.read_timeout_ms / 1000, write=10.0, pool=10.0
        )

        async def make() -> httpx.AsyncClient:
            return httpx.AsyncClient(headers=headers, timeout=timeout, verify=_verify(s), trust_env=False)

        self.client: httpx.AsyncClient = self.run(make(), None)
        self.read_timeout_s = s.read_timeout_ms / 1000

    def run(self, coro: Awaitable[T], cancel: threading.Event | None, overdue: Callable[[], bool] | None = None) -> T:
        """Run `coro` on the client's loop and wait; a set `cancel` cancels it (closing its stream) and raises
        Cancelled, and so does `overdue()` turning true, raising Overdue."""
        fut = asyncio.run_coroutine_threadsafe(coro, self.loop)  # type: ignore[arg-type]
        while True:
            try:
                return fut.result(timeout=_POLL_S)
            except concurrent.futures.TimeoutError:
                late = overdue is not None and overdue()
                if late or (cancel is not None and cancel.is_set()):
                    fut.cancel()
                    concurrent.futures.wait([fut], timeout=5)
                    if late:
                        raise Overdue() from None
                    raise Cancelled("cancelled while the server answered") from None
            except concurrent.futures.CancelledError:
                raise Cancelled("cancelled while the server answered") from None

    async def get_json(self, path: str) -> Any:
        """GET a JSON document."""
        async with self._errors(path):
            r = await self.client.get(self.base_url + path)
            await _raise_for_status(r, self.base_url + path)
            return _json(r.text, self.base_url + path)

    async def post_json(self, path: str, body: dict[str, Any]) -> Any:
        """POST and read a whole JSON answer."""
        async with self._errors(path):
            r = await self.client.post(self.base_url + path, json=body)
            await _raise_for_status(r, self.base_url + path)
            return _json(r.text, self.base_url + path)

    async def stream_events(self, path: str, body: dict[str, Any], on_event: Callable[[dict[str, Any]], bool]) -> None:
        """POST with `stream: true` and feed each server-sent event's JSON to `on_event` until it returns
        False or the stream ends; leaving early closes the connection, which tells the server to stop."""
        url = self.base_url + path
        async with self._errors(path), self.client.stream("POST", url, json=body) as r:
            await _raise_for_status(r, url)
            events = 0
            async for line in r.aiter_lines():
                if not line.startswith("data:"):
                    if line.startswith("error:"):
                        raise RemoteError(f"{url} sent an error: {line[6:].strip()[:300]}")
                    continue  # blank separators, comments, event names
                data = line[5:].strip()
                if data == "[DONE]":
                    return
                event = _json(data, url)
                if not isinstance(event, dict):
                    raise RemoteError(f"{url} sent a malformed stream: an event that is not an object")
                if "error" in event:
                    raise RemoteError(f"{url} sent an error: {_error_text(event['error'])}")
                events += 1
                if not on_event(event):
                    return
            if events == 0:
                raise RemoteError(f"{url} sent a malformed stream: no server-sent events (does it stream?)")

    @asynccontextmanager
    async def _errors(self, path: str) -> AsyncIterator[None]:
        url = self.base_url + path
        try:
            yield
        except httpx.ConnectTimeout:
            raise RemoteError(f"cannot reach {url}: connection timed out") from None
        except httpx.ConnectError as e:
            raise RemoteError(f"cannot reach {url}: {_reason(e)}. Is the server running?") from None
        except httpx.ReadTimeout:
            raise RemoteError(f"{url} sent nothing for {self.read_timeout_s:g} s (remote.readTimeoutMs)") from None
        except httpx.RemoteProtocolError as e:  # h11 words a reply that is not HTTP as an "illegal" line
            what = "answered with something that is not HTTP" if "illegal" in str(e) else "broke off the answer"
            raise RemoteError(f"{url} {what}: {_reason(e)}") from None
        except httpx.ReadError as e:
            raise RemoteError(f"{url} broke off the answer: {_reason(e)}") from None
        except httpx.HTTPError as e:
            raise RemoteError(f"request to {url} failed: {_reason(e)}") from None

    def close(self) -> None:
        """Close the connections and stop the loop thread."""
        try:
            self.run(self.client.aclose(), None)
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self._thread.join(timeout=5)


def _verify(s: RemoteSettings) -> bool | str:
    if s.ca_bundle and s.verify_tls:
        if not os.path.isfile(os.path.expanduser(s.ca_bundle)):
            raise RemoteError(f"remote.caBundle {s.ca_bundle} is not a file")
        return os.path.expanduser(s.ca_bundle)
    return s.verify_tls


async def _raise_for_status(r: httpx.Response, url: str) -> None:
    if r.status_code < 400:
        return
    body = (await r.aread()).decode("utf-8", errors="replace")
    detail = body
    with suppress(ValueError, AttributeError):
        detail = _error_text(json.loads(body).get("error", body))
    hint = " (check remote.apiKeyEnv)" if r.status_code in (401, 403) else ""
    raise RemoteError(f"{url} answered HTTP {r.status_code}: {detail.strip()[:300]}{hint}")


def _json(text: str, url: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        raise RemoteError(f"{url} sent a malformed answer (not JSON): {text[:120]!r}") from None


def _error_text(err: Any) -> str:
    if isinstance(err, dict):
        return str(err.get("message") or err)
    return str(err)


def _reason(e: BaseException) -> str:
    """The root cause in a few words (httpx wraps it: "All connection attempts failed")."""
    seen: BaseException | None = e
    while seen is not None:
        if isinstance(seen, ConnectionRefusedError) or "refused" in str(seen).lower():
            return "connection refused"
        seen = seen.__cause__ or seen.__context__
    return str(e) or type(e).__name__
