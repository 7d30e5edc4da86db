"""A small local OpenAI-style streaming server for the load generator's fault tests and benchmark.

Runs aiohttp.web on 127.0.0.1 (free port) in a background thread. `/ok/v1/completions` streams one
chunk per token and usage, like vLLM; the other prefixes misbehave on purpose, but only for real
requests (max_tokens > 2), so the CLI's probe passes and the fault lands inside a measured point:
`/http500`, `/stall` (stops mid-stream), `/notsse`, `/garbage` (bad JSON), `/close` (drops the
connection mid-stream). `/dead500` fails even the probe.
"""

from __future__ import annotations

import asyncio
import json
import socket
import threading
from contextlib import contextmanager

from aiohttp import web

PROBE_MAX_TOKENS = 2
STALL_S = 3600  # longer than any test's timeout


def _chunk(payload: dict) -> bytes:
    return b"data: " + json.dumps(payload).encode() + b"\n\n"


async def _stream_ok(request: web.Request, tokens: int, prompt_tokens: int, gap_s: float,
                     fault: str | None = None) -> web.StreamResponse:
    response = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
    await response.prepare(request)
    for i in range(tokens):
        if fault and i == 1:
            if fault == "stall":
                await asyncio.sleep(STALL_S)
            if fault == "notsse":
                await response.write(b"<html>gateway error</html>\n")
                return response
            if fault == "garbage":
                await response.write(b"data: {not json\n\n")
                return response
            if fault == "close":
                request.transport.close()
                return response
        await response.write(_chunk({"choices": [{"index": 0, "text": "x"}]}))
        if gap_s:
            await asyncio.sleep(gap_s)
    await response.write(_chunk({"choices": [], "usage": {"prompt_tokens": prompt_tokens,
                                                          "completion_tokens": tokens}}))
    await response.write(b"data: [DONE]\n\n")
    return response


def make_app(gap_s: float = 0.0) -> web.Application:
    async def completions(request: web.Request) -> web.StreamResponse:
        body = await request.json()
        fault = request.match_info["fault"]
        probe = body["max_tokens"] <= PROBE_MAX_TOKENS
        prompt = body.get("prompt") or body.get("messages")
        prompt_tokens = len(prompt) if isinstance(prompt, list) and prompt and isinstance(prompt[0], int) else 0
        if fault == "dead500" or (fault == "http500" and not probe):
            return web.Response(status=500, text='{"error": "internal error"}')
        active = None if probe or fault == "ok" else fault
        return await _stream_ok(request, body["max_tokens"], prompt_tokens, gap_s, active)

    app = web.Application()
    app.router.add_post("/{fault}/v1/completions", completions)
    return app


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running_server(gap_s: float = 0.0):
    """Base URL http://127.0.0.1:PORT of the fault server, stopped when the block ends."""
    port, loop, ready = free_port(), asyncio.new_event_loop(), threading.Event()
    runner = web.AppRunner(make_app(gap_s), access_log=None, shutdown_timeout=0.5)

    def serve() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(runner.setup())
        loop.run_until_complete(web.TCPSite(runner, "127.0.0.1", port).start())
        ready.set()
        loop.run_forever()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    ready.wait(timeout=10)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(timeout=10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)


def serve_forever(port: int) -> None:
    """`python -m tests.fault_server PORT`: the server in its own process (the load benchmark's target)."""
    web.run_app(make_app(), host="127.0.0.1", port=port, access_log=None, print=None)


if __name__ == "__main__":
    import sys

    serve_forever(int(sys.argv[1]))
