"""A minimal loopback HTTP server standing in for a model server where a real one cannot misbehave on cue:
it records each request (path, JSON body), and answers as `mode` says (a fixed stream, HTTP 500, a malformed
stream, a slow stream, silence). It notes when a client closes a stream before the end."""

import asyncio
import json
from dataclasses import dataclass, field
from typing import Any


@dataclass
class StandIn:
    mode: str = "ok"  # ok | http500 | malformed | unstreamed | drop | slow | silent
    pieces: tuple[str, ...] = ("a", " +", " b")
    piece_delay_s: float = 0.0
    requests: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)  # each request's headers, lower-cased names
    closed_early: int = 0  # streams the client closed before the server finished them
    server: asyncio.Server | None = None
    port: int = 0
    writers: set[asyncio.StreamWriter] = field(default_factory=set)

    async def start(self, port: int = 0) -> "StandIn":
        self.server = await asyncio.start_server(self._handle, "127.0.0.1", port)
        self.port = self.server.sockets[0].getsockname()[1]
        return self

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def stop(self) -> None:
        if self.server is not None:
            self.server.close()
            for w in list(self.writers):  # wait_closed() waits for open connections on 3.12+
                w.close()
            await self.server.wait_closed()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.writers.add(writer)
        try:
            while await self._one(reader, writer):
                pass
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            self.writers.discard(writer)
            writer.close()

    async def _one(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> bool:
        head = await reader.readuntil(b"\r\n\r\n")
        lines = head.decode().split("\r\n")
        method, path, _ = lines[0].split(" ", 2)
        length = next((int(h.split(":")[1]) for h in lines[1:] if h.lower().startswith("content-length:")), 0)
        body = json.loads(await reader.readexactly(length)) if length else {}
        self.requests.append((path, body))
        self.headers.append({k.strip().lower(): v.strip() for k, _, v in (h.partition(":") for h in lines[1:] if h)})
        if method == "GET":
            await _send(writer, 200, json.dumps({"data": [{"id": "stand-in-qwen2.5-coder"}], "status": "ok"}))
            return True
        if self.mode == "http500":
            await _send(writer, 500, json.dumps({"error": {"message": "model crashed"}}))
            return True
        if self.mode == "unstreamed":  # a server that ignores "stream": true
            await _send(writer, 200, json.dumps({"content": "a + b", "stop": True}))
            return True
        if self.mode == "silent":
            await asyncio.sleep(3600)
        writer.write(b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n")
        events = [self._event(path, p, False) for p in self.pieces] + [self._event(path, "", True)]
        if self.mode == "malformed":
            events = ["data: {not json\n\n"]
        if self.mode == "drop":  # the server dies mid-answer: one event, then the connection closes
            data = events[0].encode()
            writer.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
            await writer.drain()
            return False
        for event in events:
            if self.mode == "slow":
                await asyncio.sleep(self.piece_delay_s)
            data = event.encode()
            writer.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
            try:
                await writer.drain()
            except ConnectionError:
                self.closed_early += 1
                return False
            if reader.at_eof():
                self.closed_early += 1
                return False
        writer.write(b"0\r\n\r\n")
        await writer.drain()
        return True

    @staticmethod
    def _event(path: str, piece: str, last: bool) -> str:
        if path.endswith("/infill"):
            data: dict[str, Any] = {"content": piece, "stop": last}
            if last:
                timings = {"prompt_n": 5, "cache_n": 2, "prompt_ms": 1.0, "predicted_ms": 2.0}
                data.update(stop_type="eos", timings=timings)
            return f"data: {json.dumps(data)}\n\n"
        choice: dict[str, Any] = {"text": piece, "index": 0, "finish_reason": "stop" if last else None}
        if path.endswith("/chat/completions"):
            choice = {"delta": {"content": piece}, "index": 0, "finish_reason": "stop" if last else None}
        return f"data: {json.dumps({'choices': [choice]})}\n\n" + ("data: [DONE]\n\n" if last else "")


async def _send(writer: asyncio.StreamWriter, status: int, body: str) -> None:
    data = body.encode()
    writer.write(
        f"HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {len(data)}\r\n\r\n".encode() + data
    )
    await writer.drain()
