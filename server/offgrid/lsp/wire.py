"""LSP's base protocol: `Content-Length` framed messages on a byte stream.

pygls' reader skipped any header line it did not like and went on reading, so one bad header ate the next message
and a client waiting for its answer hung. Here a header that cannot be read is a FramingError: after it the reader
no longer knows where the next message starts, so the connection ends (with one log line and a -32700 answer).
A body that is framed right but is not JSON does not end anything; jsonrpc.py answers it.
"""

import asyncio

from offgrid.errors import FramingError

HEADER_LINE_LIMIT = 64 * 1024  # also the StreamReader's limit, which bounds readuntil
MAX_HEADER_LINES = 16
MAX_BODY_BYTES = 256 * 1024 * 1024  # far over any document an editor sends; a bigger length is a broken stream


def _content_length(value: bytes) -> int:
    digits = value.strip()
    if not digits.isdigit():  # bytes.isdigit: ASCII digits only, so no sign, no spaces, no fractions
        raise FramingError("Content-Length is not a number")  # its bytes may be source text: not logged
    length = int(digits)
    if length > MAX_BODY_BYTES:
        raise FramingError(f"Content-Length {length} is over the {MAX_BODY_BYTES}-byte limit")
    return length


async def read_frame(reader: asyncio.StreamReader) -> bytes | None:
    """The next message body; None when the stream ends cleanly between messages."""
    length: int | None = None
    lines = 0
    while True:
        try:
            line = await reader.readuntil(b"\n")
        except asyncio.IncompleteReadError as e:
            if lines == 0 and not e.partial.strip():
                return None
            raise FramingError("the stream ended inside a message header") from None
        except asyncio.LimitOverrunError:
            raise FramingError("a header line is too long") from None
        text = line.rstrip(b"\r\n")
        if not text:
            if length is not None:
                break
            if lines == 0:
                continue  # a stray line break between messages is harmless
            raise FramingError("a message header has no Content-Length")
        lines += 1
        if lines > MAX_HEADER_LINES:
            raise FramingError("too many header lines")
        name, colon, value = text.partition(b":")
        if not colon:
            raise FramingError(f"not a header line ({len(text)} bytes)")
        if name.strip().lower() == b"content-length":
            if length is not None:
                raise FramingError("two Content-Length headers")
            length = _content_length(value)
    try:
        return await reader.readexactly(length)
    except asyncio.IncompleteReadError as e:
        raise FramingError(f"the stream ended inside a message body ({len(e.partial)} of {length} bytes)") from None
