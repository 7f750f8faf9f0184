"""A request body for ``release serve``, read within API Gateway's payload quota and never beyond it.

API Gateway HTTP APIs take a payload of at most 10 MB (a quota that cannot be raised) and answer a
larger one with 413. This module gives the server the same rule for both ways a body can arrive:

1. **Content-Length.** A declared length over the quota is refused before a byte of the body is
   read; a length that is not a plain decimal number is a 400.
2. **Chunked.** The quota applies to the total of the chunks, not to each one: a thousand 16 KB
   chunks are a 16 MB body. A chunk-size line must be hexadecimal digits (no sign, no ``0x``:
   ``-1`` would otherwise mean "read until the connection closes") and every chunk must end with
   CRLF; anything else is a 400 and the connection closes (the stream can no longer be followed).
3. **Bounded memory.** At most the quota is ever held: once a body is known to be too large, the rest
   is read and dropped, never kept.
4. **A usable connection.** An oversized body up to ``DRAIN_LIMIT_BYTES`` is read to its end and
   dropped, so the client (which is still sending) sees the 413 and may send its next request on the
   same connection; beyond that the answer is sent and the connection closed rather than read on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from email.message import Message
from io import BufferedIOBase

MAX_BODY_BYTES = 10 * 1024 * 1024
"""API Gateway's payload quota for HTTP APIs (10 MB, not adjustable); a larger request body is a 413."""
DRAIN_LIMIT_BYTES = 4 * MAX_BODY_BYTES
"""An oversized body up to this size is read and dropped (the connection stays usable); beyond it, close."""
MAX_TRAILER_LINES = 100
"""As many trailer lines as the standard library accepts header lines."""
_LINE_BYTES = 1024
_CHUNK_SIZE = re.compile(rb"[0-9A-Fa-f]{1,16}")
_READ_PIECE = 1 << 20


@dataclass(frozen=True)
class BodyRefused:
    """Why no body: the status and message to answer, and whether the connection must then close."""

    status: int
    message: str
    close: bool


BAD_REQUEST = BodyRefused(400, "Bad Request", close=True)
TOO_LARGE = "Request Entity Too Large"
"""RFC 7231's reason phrase, as the server has always answered (Python 3.13 says RFC 9110's "Content Too Large")."""


def read_body(stream: BufferedIOBase, headers: Message) -> bytes | BodyRefused:
    """The body of the request whose ``headers`` were just read from ``stream``, or why it is refused."""
    if "chunked" in headers.get("Transfer-Encoding", "").lower():
        return _read_chunked(stream)
    declared = headers.get("Content-Length")
    if declared is None:
        return b""
    if not declared.strip().isdigit():
        return BAD_REQUEST
    length = int(declared)
    if length > MAX_BODY_BYTES:
        if length > DRAIN_LIMIT_BYTES:
            return BodyRefused(413, TOO_LARGE, close=True)
        _discard(stream, length)
        return BodyRefused(413, TOO_LARGE, close=False)
    data = stream.read(length)
    return data if len(data) == length else BAD_REQUEST


def _read_chunked(stream: BufferedIOBase) -> bytes | BodyRefused:
    chunks: list[bytes] = []
    total = 0
    while True:
        size = _chunk_size(stream.readline(_LINE_BYTES))
        if size is None:
            return BAD_REQUEST
        if size == 0:
            break
        total += size
        if total > DRAIN_LIMIT_BYTES:
            return BodyRefused(413, TOO_LARGE, close=True)
        if total > MAX_BODY_BYTES:
            chunks.clear()  # too large already: what is left is read and dropped, never kept
            if _discard(stream, size) < size:
                return BAD_REQUEST
        else:
            data = stream.read(size)
            if len(data) < size:
                return BAD_REQUEST
            chunks.append(data)
        if stream.readline(3) not in (b"\r\n", b"\n"):
            return BAD_REQUEST
    if not _skip_trailers(stream):
        return BAD_REQUEST
    if total > MAX_BODY_BYTES:
        return BodyRefused(413, TOO_LARGE, close=False)
    return b"".join(chunks)


def _chunk_size(line: bytes) -> int | None:
    """The size a chunk-size line announces (extensions after ``;`` ignored), or None if it is not one."""
    if not line.endswith(b"\n"):
        return None  # longer than a size line can be, or the client went away
    text = line.split(b";", 1)[0].strip()
    return int(text, 16) if _CHUNK_SIZE.fullmatch(text) else None


def _skip_trailers(stream: BufferedIOBase) -> bool:
    for _ in range(MAX_TRAILER_LINES + 1):
        line = stream.readline(_LINE_BYTES)
        if line in (b"\r\n", b"\n"):
            return True
        if not line.endswith(b"\n"):
            return False
    return False


def _discard(stream: BufferedIOBase, length: int) -> int:
    """Read and drop ``length`` bytes; how many there were (fewer if the client went away)."""
    dropped = 0
    while dropped < length:
        data = stream.read(min(length - dropped, _READ_PIECE))
        if not data:
            break
        dropped += len(data)
    return dropped
