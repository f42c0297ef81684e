"""A byte-level JSON-RPC client for `offgrid serve`: it writes whatever bytes a test gives it, malformed or not, and
reads the server's framed answers, so fuzz tests can check what came back for each request id."""

import asyncio
import contextlib
import json
import os
import sys
import threading
import time
from typing import Any

# Nothing but LSP on stdout: the server logs to stderr, which this client keeps for the test to read.
SERVE = [sys.executable, "-m", "offgrid", "serve", "--log-level", "WARNING"]


def frame(body: bytes | str) -> bytes:
    """A well-formed message: Content-Length header, blank line, body."""
    data = body.encode() if isinstance(body, str) else body
    return b"Content-Length: %d\r\n\r\n" % len(data) + data


def message(payload: dict[str, Any]) -> bytes:
    return frame(json.dumps(payload))


class RawClient:
    """A running `offgrid serve` and the answers it sent, by id (None: answers that could not name an id)."""

    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        self.proc = proc
        self.answers: dict[Any, list[dict[str, Any]]] = {}
        self.notifications: list[dict[str, Any]] = []
        self.stderr = bytearray()
        self.bad_output: list[bytes] = []  # anything on stdout that is not a framed JSON message
        self._changed = asyncio.Event()
        self._tasks = [asyncio.ensure_future(self._read_stdout()), asyncio.ensure_future(self._read_stderr())]
        self._next_id = 10_000_000

    @classmethod
    async def start(cls, model: str, *extra: str) -> "RawClient":
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        proc = await asyncio.create_subprocess_exec(
            *SERVE,
            "--model",
            model,
            *extra,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=env,
            limit=64 * 1024 * 1024,
        )
        return cls(proc)

    async def _read_stdout(self) -> None:
        out = self.proc.stdout
        assert out is not None
        while True:
            length = None
            while True:
                line = await out.readline()
                if not line:
                    self._changed.set()
                    return
                if line in (b"\r\n", b"\n"):
                    break
                name, _, value = line.decode("ascii", "replace").partition(":")
                if name.strip().lower() == "content-length":
                    length = int(value.strip())
            if length is None:
                self.bad_output.append(line)
                continue
            body = await out.readexactly(length)
            try:
                msg = json.loads(body)
            except ValueError:
                self.bad_output.append(body)
                continue
            if "id" in msg and ("result" in msg or "error" in msg):
                self.answers.setdefault(msg["id"], []).append(msg)
            elif "id" in msg:  # a request from the server (progress, configuration): answer it
                self.write(message({"jsonrpc": "2.0", "id": msg["id"], "result": None}))
            else:
                self.notifications.append(msg)
            self._changed.set()

    async def _read_stderr(self) -> None:
        err = self.proc.stderr
        assert err is not None
        while chunk := await err.read(65536):
            self.stderr += chunk

    def write(self, data: bytes) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(data)

    def new_id(self) -> int:
        self._next_id += 1
        return self._next_id

    def send(self, method: str, params: Any = None, msg_id: Any = None, with_params: bool = True) -> None:
        payload: dict[str, Any] = {"jsonrpc": "2.0", "method": method}
        if msg_id is not None:
            payload["id"] = msg_id
        if with_params:
            payload["params"] = params
        self.write(message(payload))

    async def answer(self, msg_id: Any, timeout: float = 30) -> dict[str, Any]:
        """The first answer to `msg_id`, waiting for it."""
        deadline = time.monotonic() + timeout
        while not self.answers.get(msg_id):
            if self.proc.returncode is not None or self.proc.stdout.at_eof():  # type: ignore[union-attr]
                raise AssertionError(f"server ended before answering {msg_id!r}: {self.stderr_text()[-2000:]}")
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"no answer to {msg_id!r} in {timeout}s")
            self._changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), min(left, 0.5))
        return self.answers[msg_id][0]

    async def request(self, method: str, params: Any = None, timeout: float = 30) -> dict[str, Any]:
        msg_id = self.new_id()
        self.send(method, params, msg_id)
        await self.drain()
        return await self.answer(msg_id, timeout)

    async def drain(self) -> None:
        assert self.proc.stdin is not None
        await self.proc.stdin.drain()

    async def initialize(
        self, capabilities: dict[str, Any] | None = None, options: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        params = {"processId": None, "rootUri": None, "capabilities": capabilities or {}}
        if options is not None:
            params["initializationOptions"] = options
        result = await self.request("initialize", params)
        self.send("initialized", {})
        return result

    async def close_stdin(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()

    async def wait_exit(self, timeout: float = 20) -> int:
        return await asyncio.wait_for(self.proc.wait(), timeout)

    def stderr_text(self) -> str:
        return self.stderr.decode("utf-8", "replace")

    async def stop(self) -> None:
        if self.proc.returncode is None:
            self.proc.kill()
            await self.proc.wait()
        for t in self._tasks:
            t.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)


class SyncServer:
    """A RawClient on its own event-loop thread, for synchronous tests (hypothesis drives them example by example)."""

    def __init__(self, model: str, *extra: str) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, name="raw-lsp-client", daemon=True)
        self._thread.start()
        self.client: RawClient = self.call(RawClient.start(model, *extra))

    def call(self, coro: Any, timeout: float = 120) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def write(self, data: bytes) -> None:
        async def go() -> None:
            self.client.write(data)
            await self.client.drain()

        self.call(go())

    def notify(self, method: str, params: Any) -> None:
        self.write(message({"jsonrpc": "2.0", "method": method, "params": params}))

    def request(self, method: str, params: Any = None, timeout: float = 60) -> dict[str, Any]:
        return self.call(self.client.request(method, params, timeout), timeout + 5)

    def answer(self, msg_id: Any, timeout: float = 60) -> dict[str, Any]:
        return self.call(self.client.answer(msg_id, timeout), timeout + 5)

    def new_id(self) -> int:
        return self.client.new_id()

    def alive(self) -> bool:
        return self.client.proc.returncode is None

    def close(self) -> None:
        self.call(self.client.stop())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(5)
