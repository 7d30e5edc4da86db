"""Reading HTTP answers from a server we do not trust: never a redirect, never an unbounded read.

Imports aiohttp and the standard library. Every reader of an endpoint's answer (the load client's event
stream and error bodies; a /metrics scrape, a trace or benchmark download) goes through here, so each one
holds the same limits and fails the same way, with one `ResponseError` line:

- `new_session()` opens a session that never inflates a body on its own (a gzip bomb would be inflated
  whole before we saw a byte) and asks for an uncompressed answer; send every request on it with
  `**NO_REDIRECTS` and call `refuse_redirect(response)` first: a 3xx names its Location and goes no
  further (a redirect could carry the traffic, and the API key, anywhere).
- `body_chunks(response, limit_bytes)` yields the body as it arrives, inflated here (gzip or deflate)
  a bounded step at a time, so a bomb is never inflated past the limit;
  `read_body(response, limit_bytes, cut=...)` collects it (refused past the limit, or cut there).
- `sse_lines(response)` yields (arrival time, line) of an event stream, each line at most
  MAX_SSE_LINE_BYTES and the stream at most MAX_STREAM_BYTES.
- `CLIENT_ERRORS` is every exception the client library (and the socket and zlib beneath it) raises for a
  failed request, including aiohttp's parser errors, which are not `aiohttp.ClientError`s.
"""

from __future__ import annotations

import time
import zlib
from collections.abc import AsyncIterator, Iterator

import aiohttp
from aiohttp.http_exceptions import HttpProcessingError

# One SSE line (one event's data): a streamed token's chunk is ~200 bytes, with logprobs a few KiB.
MAX_SSE_LINE_BYTES = 2**20
# One response stream, inflated: 100,000 output tokens at ~300 bytes per chunk is 30 MB.
MAX_STREAM_BYTES = 64 * 2**20
# An error body: only its first characters are quoted.
MAX_ERROR_BODY_BYTES = 64 * 2**10
# Any other body read whole (a /metrics page, a JSON answer).
MAX_BODY_BYTES = 16 * 2**20
# Request options for every request: redirects are never followed (see refuse_redirect).
NO_REDIRECTS = {"allow_redirects": False}
# Asked of the server: no compression (it would also bunch a stream's chunks); gzip or deflate is inflated
# here.
REQUEST_HEADERS = {"Accept-Encoding": "identity"}
INFLATED_ENCODINGS = ("gzip", "x-gzip", "deflate")
INFLATE_STEP_BYTES = 256 * 2**10  # inflated at most this much at a time, so each limit is checked as it fills
QUOTE_CHARS = 120

CLIENT_ERRORS = (aiohttp.ClientError, HttpProcessingError, OSError, EOFError, zlib.error)


class ResponseError(Exception):
    """An answer this client will not read (further): a redirect, a body or line over its limit, an
    encoding it cannot inflate. The message is one line."""


def quote(data: bytes | str, chars: int = QUOTE_CHARS) -> str:
    """Server text fit for a one-line message: whitespace runs made one space, cut at `chars`."""
    text = data.decode(errors="replace") if isinstance(data, bytes) else data
    text = " ".join(text.split())
    return text if len(text) <= chars else text[:chars] + "…"


def new_session(**options) -> aiohttp.ClientSession:
    """An aiohttp session that never inflates bodies itself (body_chunks does, bounded)."""
    return aiohttp.ClientSession(auto_decompress=False, headers=REQUEST_HEADERS, **options)


def refuse_redirect(response: aiohttp.ClientResponse) -> None:
    """ResponseError for a 3xx answer, naming where it pointed: a load test sends only to the URL it was
    given."""
    if 300 <= response.status < 400:
        location = response.headers.get("Location", "(no Location header)")
        raise ResponseError(f"HTTP {response.status} redirect to {quote(location)} not followed: requests "
                            "go only to the URL given")


def _inflater(response: aiohttp.ClientResponse):
    encoding = response.headers.get("Content-Encoding", "").strip().lower()
    if encoding in ("", "identity"):
        return None
    if encoding in INFLATED_ENCODINGS:
        return zlib.decompressobj(zlib.MAX_WBITS | 32)  # a gzip or a zlib header, told apart by zlib
    raise ResponseError(f"Content-Encoding {quote(encoding, 40)!r} is not one this client reads "
                        f"({', '.join(INFLATED_ENCODINGS)} or none)")


def _inflated(inflater, raw: bytes) -> Iterator[bytes]:
    """`raw` inflated in pieces of at most INFLATE_STEP_BYTES (a 64 KiB gzip chunk can hold 64 MiB)."""
    if inflater is None:
        yield raw
        return
    try:
        data = inflater.decompress(raw, INFLATE_STEP_BYTES)
        yield data
        while inflater.unconsumed_tail:
            data = inflater.decompress(inflater.unconsumed_tail, INFLATE_STEP_BYTES)
            yield data
    except zlib.error as exc:
        raise ResponseError(f"a compressed body that does not inflate ({exc})") from None


async def body_chunks(response: aiohttp.ClientResponse, limit_bytes: int) -> AsyncIterator[bytes]:
    """The (inflated) body as it arrives, in pieces of at most INFLATE_STEP_BYTES when compressed; past
    `limit_bytes` it yields the part that fits, then raises ResponseError. A bomb is never inflated
    further."""
    inflater = _inflater(response)
    total = 0
    async for raw in response.content.iter_any():
        for data in _inflated(inflater, raw):
            total += len(data)
            if total > limit_bytes:
                yield data[:len(data) - (total - limit_bytes)]
                raise ResponseError(f"a response body larger than {limit_bytes:,} bytes (inflated)")
            if data:
                yield data


async def read_body(response: aiohttp.ClientResponse, limit_bytes: int = MAX_BODY_BYTES, *,
                    cut: bool = False) -> bytes:
    """The whole (inflated) body; past `limit_bytes` a ResponseError, or with `cut` its first limit_bytes."""
    parts: list[bytes] = []
    try:
        async for data in body_chunks(response, limit_bytes):
            parts.append(data)
    except ResponseError:
        if not cut:
            raise
    return b"".join(parts)


async def sse_lines(response: aiohttp.ClientResponse, max_line_bytes: int = MAX_SSE_LINE_BYTES,
                    max_stream_bytes: int = MAX_STREAM_BYTES) -> AsyncIterator[tuple[float, bytes]]:
    """(perf_counter when its network chunk arrived, line without its LF) for each line of an event stream.

    Linear in the bytes read however the server splits them; a line over `max_line_bytes` is a ResponseError
    as soon as that many bytes of it have arrived.
    """
    too_long = f"an SSE line longer than {max_line_bytes:,} bytes"
    pending = bytearray()  # the start of a line whose end has not arrived
    async for data in body_chunks(response, max_stream_bytes):
        now = time.perf_counter()
        start, end = 0, data.find(b"\n")
        while end >= 0:
            if len(pending) + end - start > max_line_bytes:
                raise ResponseError(too_long)
            line = bytes(pending + data[start:end]) if pending else data[start:end]
            pending.clear()
            yield now, line
            start, end = end + 1, data.find(b"\n", end + 1)
        pending += data[start:]
        if len(pending) > max_line_bytes:
            raise ResponseError(too_long)
    if pending:
        yield time.perf_counter(), bytes(pending)
