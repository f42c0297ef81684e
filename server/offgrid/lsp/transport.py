"""The connection to the editor, over stdio or one loopback TCP client: read framed messages until the client leaves,
says `exit`, or sends bytes that cannot be framed; then return the exit code so the caller can stop the model.

pygls' own loop read stdin on a pool thread that the interpreter waits for at exit, and a write to a client that
had gone raised BrokenPipeError from inside response callbacks (a traceback per pending answer). Here stdin is read
on a daemon thread and a vanished client is one log line and the end of the connection.
"""

import asyncio
import contextlib
import logging
import os
import sys
import threading
from collections.abc import Callable
from typing import BinaryIO

from offgrid.lsp.jsonrpc import PARSE_ERROR, OffgridProtocol
from offgrid.lsp.wire import HEADER_LINE_LIMIT, FramingError, read_frame

log = logging.getLogger(__name__)


class _Feed:
    """Hands bytes from a reading thread to a StreamReader on the event loop; `end` may be called from anywhere."""

    def __init__(self, loop: asyncio.AbstractEventLoop, reader: asyncio.StreamReader) -> None:
        self._loop, self._reader = loop, reader
        self._ended = False

    def data(self, chunk: bytes) -> None:
        self._loop.call_soon_threadsafe(self._data, chunk)

    def end(self) -> None:
        with contextlib.suppress(RuntimeError):  # a closed loop: the connection is over anyway
            self._loop.call_soon_threadsafe(self._end)

    def _data(self, chunk: bytes) -> None:
        if not self._ended:
            self._reader.feed_data(chunk)

    def _end(self) -> None:
        if not self._ended:
            self._ended = True
            self._reader.feed_eof()


def _pump(fd: int, feed: _Feed) -> None:
    """Copy stdin to the loop until it ends."""
    while True:
        try:
            chunk = os.read(fd, 1 << 16)
        except OSError:
            chunk = b""
        try:
            if not chunk:
                feed.end()
                return
            feed.data(chunk)
        except RuntimeError:  # the loop has closed: the server is exiting
            return


class PipeWriter:
    """pygls' writer interface over a binary stream; a write to a client that has gone ends the connection."""

    def __init__(self, out: BinaryIO, on_gone: Callable[[], None]) -> None:
        self._out, self._on_gone = out, on_gone
        self._lock = threading.Lock()  # whole frames, even when two threads answer at once
        self.gone = False

    def write(self, data: bytes) -> None:
        with self._lock:
            if self.gone:
                return
            try:
                self._out.write(data)
                self._out.flush()
                return
            except (OSError, ValueError):  # BrokenPipeError, ConnectionResetError, or a closed stream
                self.gone = True
        log.info("the client stopped reading: closing the connection")
        self._on_gone()

    def close(self) -> None:
        with self._lock:
            self.gone = True
            with contextlib.suppress(OSError, ValueError):
                self._out.close()


class _SocketWriter:
    """pygls' writer interface over an asyncio stream (TCP)."""

    def __init__(self, writer: asyncio.StreamWriter) -> None:
        self._writer = writer

    def write(self, data: bytes) -> None:
        if not self._writer.is_closing():
            self._writer.write(data)

    def close(self) -> None:
        self._writer.close()


async def serve_stream(protocol: OffgridProtocol, reader: asyncio.StreamReader) -> int:
    """Hand each message to the protocol until the stream ends (0) or cannot be framed (1)."""
    while True:
        try:
            body = await read_frame(reader)
        except FramingError as e:
            log.error("unreadable message stream (%s): closing the connection", e)
            protocol.send_error(None, PARSE_ERROR, f"parse error: {e}; closing the connection")
            return 1
        if body is None:  # without `exit` first, the client vanished: say so even at the default log level
            log.log(logging.INFO if protocol._shutdown else logging.WARNING, "the client closed the connection")
            return 0
        try:
            protocol.receive(body)
        except Exception:  # a bug in one handler's dispatch must not end the session
            log.exception("a message could not be handled")


def _exit_code(e: SystemExit) -> int:
    return e.code if isinstance(e.code, int) else 0


def serve_stdio(protocol: OffgridProtocol) -> int:
    """Serve the client on stdin/stdout; returns the exit code (the `exit` notification's, after shutdown 0)."""

    async def main() -> int:
        reader = asyncio.StreamReader(limit=HEADER_LINE_LIMIT)
        feed = _Feed(asyncio.get_running_loop(), reader)
        protocol.set_writer(PipeWriter(sys.stdout.buffer, feed.end))
        stdin = threading.Thread(target=_pump, args=(sys.stdin.buffer.fileno(), feed), name="offgrid-stdin")
        stdin.daemon = True  # a client that keeps stdin open after `exit` must not keep the process alive
        stdin.start()
        return await serve_stream(protocol, reader)

    try:
        return asyncio.run(main())
    except SystemExit as e:  # pygls' `exit` handler calls sys.exit
        return _exit_code(e)


def serve_tcp(protocol: OffgridProtocol, host: str, port: int) -> int:
    """Serve the first client that connects to host:port, then return its exit code."""

    async def main() -> int:
        done: asyncio.Future[int] = asyncio.get_running_loop().create_future()

        async def connection(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            if done.done() or protocol.writer is not None:
                writer.close()  # one editor per server, as with stdio
                return
            protocol.set_writer(_SocketWriter(writer))
            try:
                code = await serve_stream(protocol, reader)
            except SystemExit as e:
                code = _exit_code(e)
            writer.close()
            if not done.done():
                done.set_result(code)

        server = await asyncio.start_server(connection, host, port, limit=HEADER_LINE_LIMIT)
        log.info("serving on %s", ", ".join(str(s.getsockname()) for s in server.sockets))
        async with server:
            return await done

    return asyncio.run(main())
