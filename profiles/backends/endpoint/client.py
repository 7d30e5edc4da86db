"""One streaming request to an OpenAI-compatible server, timestamped at every chunk that has choices.

Imports aiohttp (as vLLM's benchmark does) and the standard library. The request bodies are
serialized before the clock starts; on the hot path the client only reads lines, strips the SSE
`data:` prefix, and parses the chunk's JSON. Every failure (refused connection, HTTP error, a stream
that is not SSE, garbage JSON, a stall past the timeout, a dropped connection) becomes the record's
`error`: one line, never an exception out of `send`.
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import aiohttp

from profiles.load.served import RequestRecord

SSE_DATA = b"data:"
SSE_DONE = b"[DONE]"
# Characters of an error body or a bad line quoted in the one-line message.
QUOTE_CHARS = 120


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


def _quote(data: bytes | str) -> str:
    text = data.decode(errors="replace") if isinstance(data, bytes) else data
    text = " ".join(text.split())
    return text if len(text) <= QUOTE_CHARS else text[:QUOTE_CHARS] + "…"


def _chunk_error(data: dict) -> str | None:
    error = data.get("error")
    if error is None:
        return None
    message = error.get("message", error) if isinstance(error, dict) else error
    return f"server error in stream: {_quote(str(message))}"


async def _read_stream(response: aiohttp.ClientResponse, record: RequestRecord) -> None:
    """Timestamp every chunk with choices; take usage from the chunk that has it; stop at [DONE]."""
    chunks = record.chunk_s
    async for raw in response.content:
        now = time.perf_counter()  # the chunk's arrival, before any parsing
        line = raw.strip()
        if not line or line.startswith(b":"):  # keep-alive blank lines and SSE comments
            continue
        if not line.startswith(SSE_DATA):
            record.error = f"malformed SSE: expected 'data:' lines, got {_quote(line)!r}"
            return
        payload = line[len(SSE_DATA):].strip()
        if payload == SSE_DONE:
            return
        try:
            data = json.loads(payload)
        except ValueError:
            record.error = f"malformed JSON in the stream: {_quote(payload)!r}"
            return
        if not isinstance(data, dict):
            record.error = f"malformed chunk (not a JSON object): {_quote(payload)!r}"
            return
        if (problem := _chunk_error(data)) is not None:
            record.error = problem
            return
        if data.get("choices"):
            chunks.append(now)
        usage = data.get("usage")
        if usage:
            record.output_tokens = usage.get("completion_tokens")
            record.prompt_tokens = usage.get("prompt_tokens")
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
        self._session = aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=None))
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
                async with self._session.post(self._url, data=body, headers=self._headers) as response:
                    if response.status >= 400:
                        text = await response.text(errors="replace")
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
        except aiohttp.ClientError as exc:
            record.error = f"request to {self.endpoint.where} failed: {_quote(str(exc) or type(exc).__name__)}"
        finally:
            record.ended_s = time.perf_counter()
        return record
