"""``http_body.read_body`` on an in-memory stream: the 10 MB quota counts a chunked body's total, a
refusal reads no more than it must, and a chunk-size line that is not hexadecimal digits is a 400.

The quota is API Gateway's: "Payload size 10 MB, cannot be increased" (Quotas for configuring and
running an HTTP API in API Gateway, Amazon API Gateway developer guide)."""

from __future__ import annotations

import io
from email.message import Message

import pytest

from release_cli.http_body import DRAIN_LIMIT_BYTES, MAX_BODY_BYTES, BodyRefused, read_body


def headers(**values: str) -> Message:
    message = Message()
    for name, value in values.items():
        message[name.replace("_", "-")] = value
    return message


CHUNKED = headers(Transfer_Encoding="chunked")


def chunked(*pieces: bytes, trailer: bytes = b"") -> bytes:
    return b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in pieces) + b"0\r\n" + trailer + b"\r\n"


def test_a_content_length_body_is_read_exactly() -> None:
    stream = io.BytesIO(b"hello" + b"NEXT REQUEST")
    assert read_body(stream, headers(Content_Length="5")) == b"hello"
    assert stream.read() == b"NEXT REQUEST"


def test_chunks_are_joined_and_extensions_and_trailers_skipped() -> None:
    stream = io.BytesIO(b"3;name=x\r\nabc\r\n" + chunked(b"de", trailer=b"X-Sum: 1\r\n") + b"NEXT")
    assert read_body(stream, CHUNKED) == b"abcde"
    assert stream.read() == b"NEXT"


def test_many_small_chunks_over_the_quota_are_a_413_though_each_is_small() -> None:
    piece = b"x" * 4096
    count = MAX_BODY_BYTES // len(piece) + 1
    stream = io.BytesIO(chunked(*([piece] * count)) + b"NEXT")
    refused = read_body(stream, CHUNKED)
    assert refused == BodyRefused(413, "Request Entity Too Large", close=False)
    assert stream.read() == b"NEXT"  # read to its end and dropped: the connection can go on


def test_chunks_of_exactly_the_quota_are_a_body() -> None:
    piece = b"y" * (1024 * 1024)
    body = read_body(io.BytesIO(chunked(*([piece] * 10))), CHUNKED)
    assert isinstance(body, bytes) and len(body) == MAX_BODY_BYTES


def test_a_chunked_body_past_the_drain_limit_is_refused_without_reading_on() -> None:
    stream = io.BytesIO(b"%x\r\n" % (DRAIN_LIMIT_BYTES + 1) + b"z" * 1000)
    assert read_body(stream, CHUNKED) == BodyRefused(413, "Request Entity Too Large", close=True)
    assert stream.read() == b"z" * 1000  # not one byte of the chunk was read


def test_a_declared_length_past_the_drain_limit_is_refused_without_reading() -> None:
    stream = io.BytesIO(b"z" * 1000)
    refused = read_body(stream, headers(Content_Length=str(DRAIN_LIMIT_BYTES + 1)))
    assert refused == BodyRefused(413, "Request Entity Too Large", close=True) and stream.tell() == 0


@pytest.mark.parametrize(
    "size_line",
    [b"-1\r\n", b"+5\r\n", b"0x5\r\n", b"1_0\r\n", b" \r\n", b"g\r\n", b"5" * 2000 + b"\r\n", b"5" * 1500],
    ids=["negative", "plus", "0x", "underscore", "empty", "not-hex", "too-long", "over-1-kb-without-newline"],
)
def test_a_chunk_size_that_is_not_hex_digits_is_a_400_and_nothing_more_is_read(size_line: bytes) -> None:
    # int("-1", 16) is -1, and read(-1) reads until the connection closes: an unbounded body.
    rest = b"r" * 100_000
    stream = io.BytesIO(size_line + rest)
    assert read_body(stream, CHUNKED) == BodyRefused(400, "Bad Request", close=True)
    assert stream.tell() <= min(len(size_line), 1024)  # the size line at most, and never more than 1 KB of it


@pytest.mark.parametrize(
    "raw",
    [
        b"5\r\nabc",
        b"3\r\nabcX\r\n0\r\n\r\n",
        b"3\r\nabc\r\n0\r\n" + b"X-T: 1\r\n" * 200 + b"\r\n",
        b"3\r\nabc\r\n0\r\n",
    ],
    ids=["short-chunk", "no-crlf-after-chunk", "endless-trailers", "no-end"],
)
def test_a_broken_chunked_stream_is_a_400(raw: bytes) -> None:
    assert read_body(io.BytesIO(raw), CHUNKED) == BodyRefused(400, "Bad Request", close=True)


@pytest.mark.parametrize("declared", ["many", "-1", "1e3", ""])
def test_a_content_length_that_is_not_a_number_is_a_400(declared: str) -> None:
    assert read_body(io.BytesIO(b"abc"), headers(Content_Length=declared)) == BodyRefused(
        400, "Bad Request", close=True
    )


def test_a_body_shorter_than_its_content_length_is_a_400() -> None:
    assert read_body(io.BytesIO(b"abc"), headers(Content_Length="10")) == BodyRefused(400, "Bad Request", close=True)


def test_a_declared_length_over_the_quota_is_drained_and_the_connection_stays_usable() -> None:
    stream = io.BytesIO(b"z" * (MAX_BODY_BYTES + 1) + b"NEXT REQUEST")
    refused = read_body(stream, headers(Content_Length=str(MAX_BODY_BYTES + 1)))
    assert refused == BodyRefused(413, "Request Entity Too Large", close=False)
    assert stream.read() == b"NEXT REQUEST"  # the body read to its end, not one byte beyond


def test_a_declared_length_of_exactly_the_quota_is_a_body() -> None:
    body = read_body(io.BytesIO(b"q" * MAX_BODY_BYTES), headers(Content_Length=str(MAX_BODY_BYTES)))
    assert isinstance(body, bytes) and len(body) == MAX_BODY_BYTES


@pytest.mark.parametrize("how", ["content-length", "chunked"])
def test_a_body_of_exactly_the_drain_limit_is_still_drained_and_the_connection_kept(how: str) -> None:
    data = b"d" * DRAIN_LIMIT_BYTES
    if how == "chunked":
        stream, sent = io.BytesIO(b"%x\r\n%s\r\n0\r\n\r\nNEXT" % (len(data), data)), CHUNKED
    else:
        stream, sent = io.BytesIO(data + b"NEXT"), headers(Content_Length=str(DRAIN_LIMIT_BYTES))
    assert read_body(stream, sent) == BodyRefused(413, "Request Entity Too Large", close=False)
    assert stream.read() == b"NEXT"


def test_a_client_gone_in_the_middle_of_an_oversized_chunk_is_a_400() -> None:
    stream = io.BytesIO(b"%x\r\n" % (MAX_BODY_BYTES + 1) + b"only this much")
    assert read_body(stream, CHUNKED) == BodyRefused(400, "Bad Request", close=True)


def test_a_chunk_may_carry_several_extensions() -> None:
    assert read_body(io.BytesIO(b"3;a=1;b=2\r\nabc\r\n0\r\n\r\n"), CHUNKED) == b"abc"


def test_bare_lf_line_ends_are_read_like_crlf() -> None:
    stream = io.BytesIO(b"3\nabc\n2\nde\n0\n\nNEXT")
    assert read_body(stream, CHUNKED) == b"abcde"
    assert stream.read() == b"NEXT"


@pytest.mark.parametrize(("lines", "accepted"), [(100, True), (101, False)])
def test_up_to_100_trailer_lines_are_skipped(lines: int, accepted: bool) -> None:
    stream = io.BytesIO(b"3\r\nabc\r\n0\r\n" + b"X-T: 1\r\n" * lines + b"\r\n")
    assert read_body(stream, CHUNKED) == (b"abc" if accepted else BodyRefused(400, "Bad Request", close=True))


@pytest.mark.parametrize(
    "raw",
    [b"3\r\nabc" + b"x" * 100_000, b"3\r\nabc\r\n0\r\n" + b"T" * 100_000],
    ids=["no-crlf-after-chunk", "endless-trailer-line"],
)
def test_a_line_that_never_ends_is_a_400_after_at_most_1_kb_of_it(raw: bytes) -> None:
    stream = io.BytesIO(raw)
    assert read_body(stream, CHUNKED) == BodyRefused(400, "Bad Request", close=True)
    assert stream.tell() <= raw.index(b"abc") + 3 + 5 + 1024
