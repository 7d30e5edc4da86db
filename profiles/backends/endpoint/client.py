"""One streaming request to an OpenAI-compatible server, timestamped at every chunk that has choices.

Imports aiohttp (as vLLM's benchmark does), `profiles.backends.endpoint.reading` (bounded reads, no
redirects), `econ.base.types` and the standard library. The request bodies are serialized before the
clock starts; on the hot path the client only reads lines, strips the SSE `data:` prefix, and parses the
chunk's JSON. Every failure (refused connection, HTTP error, a redirect, a stream that is not SSE, garbage
JSON, a line, stream or body over its limit, usage counts out of range, a stall past the timeout, a
dropped connection, any other client-library exception) becomes the record's `error`: one line, never
an exception out of `send`. Everything the server sends is untrusted input.
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import aiohttp

from econ.base.types import MAX_TOKENS
from profiles.backends.endpoint.reading import (
    CLIENT_ERRORS,
    MAX_ERROR_BODY_BYTES,
    NO_REDIRECTS,
    ResponseError,
    new_session,
    quote,
    read_body,
    refuse_redirect,
    sse_lines,
)
from profiles.load.served import RequestRecord

SSE_DATA = b"data:"
SSE_DONE = b"[DONE]"


@dataclass(frozen=True)
class Endpoint:
    """Where requests go: the base URL (…/v1), the served model name, and the request flavour."""

    base_url: str
    served_model: str
    chat: bool = False
    ignore_eos: bool = True
    api_key: str | None = None

    @property
    def url(self) -> str:
        """The base URL with /completions (or /chat/completions) appended to its path, query kept."""
        parts = urlsplit(self.base_url)
        path = parts.path.rstrip("/") + ("/chat/completions" if self.chat else "/completions")
        return urlunsplit(parts._replace(path=path))

    @property
    def where(self) -> str:
        """Host and path, never the query string (it may carry a key)."""
        parts = urlsplit(self.url)
        return f"{parts.netloc}{parts.path}"

    def headers(self) -> dict[str, str]:
        headers = {"Content-Type": "application/json"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        return headers

    def body(self, prompt: list[int] | str, max_tokens: int) -> bytes:
        """The request JSON: streaming, usage in the last chunk, fixed output length."""
        payload: dict = {"model": self.served_model, "max_tokens": max_tokens, "stream": True,
                         "stream_options": {"include_usage": True}, "temperature": 0.0}
        if self.ignore_eos:
            payload["ignore_eos"] = True
        if self.chat:
            payload["messages"] = [{"role": "user", "content": prompt}]
        else:
            payload["prompt"] = prompt
        return json.dumps(payload).encode()


_quote = quote


class _Malformed(Exception):
    """A chunk this client refuses; its message is the record's error."""


def _chunk_error(data: dict) -> str | None:
    error = data.get("error")
    if error is None:
        return None
    message = error.get("message", error) if isinstance(error, dict) else error
    return f"server error in stream: {_quote(str(message))}"


def _usage_count(usage: dict, name: str) -> int | None:
    """A token count the server reports: a whole number in 0..MAX_TOKENS, or absent."""
    value = usage.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_TOKENS:
        raise _Malformed(f"usage.{name} {_quote(json.dumps(value), 40)} is not a count in 0..{MAX_TOKENS:,}")
    return value


def _take_usage(data: dict, record: RequestRecord) -> None:
    usage = data.get("usage")
    if usage is None:  # vLLM sends "usage": null on every chunk but the last
        return
    if not isinstance(usage, dict):
        raise _Malformed(f"usage is not a JSON object: {_quote(json.dumps(usage), 40)}")
    if usage:
        record.prompt_tokens = _usage_count(usage, "prompt_tokens")
        record.output_tokens = _usage_count(usage, "completion_tokens")


def _chunk(line: bytes) -> dict | None:
    """The JSON object of one `data:` line; None for [DONE]; _Malformed for anything else."""
    if not line.startswith(SSE_DATA):
        raise _Malformed(f"malformed SSE: expected 'data:' lines, got {_quote(line)!r}")
    payload = line[len(SSE_DATA):].strip()
    if payload == SSE_DONE:
        return None
    try:
        data = json.loads(payload)
    except (ValueError, RecursionError):  # RecursionError: nesting deeper than the parser's stack
        raise _Malformed(f"malformed JSON in the stream: {_quote(payload)!r}") from None
    if not isinstance(data, dict):
        raise _Malformed(f"malformed chunk (not a JSON object): {_quote(payload)!r}")
    if (problem := _chunk_error(data)) is not None:
        raise _Malformed(problem)
    return data


async def _read_stream(response: aiohttp.ClientResponse, record: RequestRecord) -> None:
    """Timestamp every chunk with choices; take usage from the chunk that has it; stop at [DONE]."""
    chunks = record.chunk_s
    try:
        async for now, raw in sse_lines(response):  # now: the arrival of the bytes, before any parsing
            line = raw.strip()
            if not line or line.startswith(b":"):  # keep-alive blank lines and SSE comments
                continue
            data = _chunk(line)
            if data is None:
                return
            if data.get("choices"):
                chunks.append(now)
            _take_usage(data, record)
    except _Malformed as exc:
        record.error = str(exc)
        return
    record.error = "stream ended before [DONE]"


class Client:
    """A keep-alive aiohttp session for one load point; `send` never raises for a failed request."""

    def __init__(self, endpoint: Endpoint, timeout_s: float):
        self.endpoint = endpoint
        self.timeout_s = timeout_s
        self._url = endpoint.url
        self._headers = endpoint.headers()
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> Client:
        # No connection limit: the load shape, not the pool, decides how many requests are in flight.
        connector = aiohttp.TCPConnector(limit=0, force_close=False)
        self._session = new_session(connector=connector, timeout=aiohttp.ClientTimeout(total=None))
        return self

    async def __aexit__(self, *exc) -> None:
        if self._session is not None:
            await self._session.close()

    async def send(self, body: bytes, record: RequestRecord | None = None) -> RequestRecord:
        """POST one streaming request; the record's sent_s is taken just before the request goes out."""
        record = record or RequestRecord(sent_s=0.0)
        record.sent_s = time.perf_counter()
        try:
            async with asyncio.timeout(self.timeout_s):
                async with self._session.post(self._url, data=body, headers=self._headers,
                                              **NO_REDIRECTS) as response:
                    refuse_redirect(response)
                    if response.status >= 400:
                        text = await read_body(response, MAX_ERROR_BODY_BYTES, cut=True)
                        record.error = f"HTTP {response.status} from {self.endpoint.where}: {_quote(text)}"
                        return record
                    await _read_stream(response, record)
        except TimeoutError:
            record.error = (f"timed out after {self.timeout_s:g} s ({len(record.chunk_s)} chunks received; "
                            "raise --timeout-s if the server is just slow)")
        except aiohttp.ClientConnectorError as exc:
            record.error = f"cannot connect to {self.endpoint.where}: {_quote(str(exc.os_error or exc))}"
        except (aiohttp.ClientPayloadError, aiohttp.ServerDisconnectedError):
            record.error = f"connection closed mid-stream by {self.endpoint.where}"
        except ResponseError as exc:
            record.error = f"{exc} (from {self.endpoint.where})"
        except CLIENT_ERRORS as exc:  # aiohttp's parser errors (LineTooLong, ...) are not ClientErrors
            reason = _quote(str(exc) or type(exc).__name__)
            record.error = f"request to {self.endpoint.where} failed: {reason}"
        finally:
            record.ended_s = time.perf_counter()
        return record
