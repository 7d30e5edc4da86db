"""A small local OpenAI-style streaming server for the load generator's fault tests and benchmark.

Runs aiohttp.web on 127.0.0.1 (free port) in a background thread. `/ok/v1/completions` streams one
chunk per token and usage, like vLLM; the other prefixes misbehave on purpose, but only for real
requests (max_tokens > 2), so the CLI's probe passes and the fault lands inside a measured point:
`/http500`, `/stall` (stops mid-stream), `/notsse`, `/garbage` (bad JSON), `/close` (drops the
connection mid-stream). `/dead500` fails even the probe. `GET /PREFIX/metrics`: `/prom` serves
vLLM-style Prometheus text (requests running = the streams open now, KV-cache use = running / 8,
preemptions and prefix-cache counters rising), `/promgarbage` serves HTML, `/promstall` never
answers; every other prefix has no /metrics (404), like a hosted API.

Hostile answers (issue 21), on measured requests only unless the name starts with `dead`:
`/bigline` (an SSE event of 2 MiB), `/gzipline` (a gzip body that inflates to one 64 MiB line),
`/gzipbomb` (HTTP 500 whose gzip body inflates to 1 GiB), `/usageneg` and `/usagehuge` (usage counts of
-1 and 10^12), `/deepjson` (a chunk nested 100,000 deep), `/deadbigline`, `/deadusageneg`.
`/redirect` answers every request, the probe too, 307 to `redirect_to` (another loopback address in the
redirect test: a client that follows it is caught connecting there).
"""

from __future__ import annotations

import asyncio
import functools
import json
import socket
import threading
import zlib
from contextlib import contextmanager

from aiohttp import web

PROBE_MAX_TOKENS = 2
STALL_S = 3600  # longer than any test's timeout
MIB = 2**20
BIG_LINE_BYTES = 2 * MIB  # past the client's 1 MiB line limit
GZIP_LINE_MIB = 64
GZIP_BOMB_MIB = 1024  # 1 GiB inflated, about 1 MB on the wire
HUGE_TOKENS = 10**12
DEEP_JSON = 100_000
HOSTILE_FAULTS = ("gzipbomb", "gzipline", "bigline", "deepjson", "usageneg", "usagehuge")


@functools.cache
def gzip_zeros(mib: int, fill: bytes = b"\0") -> bytes:
    """A gzip stream that inflates to `mib` MiB of `fill` bytes (no newline), built in well under a
    second: one 1 MiB block compressed after a full flush is the same bytes every time, so it is repeated.
    Its trailer's checksum covers only the first 2 MiB: a client that inflates it all finds it wrong at
    the end."""
    block = fill * MIB
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    first = packer.compress(block) + packer.flush(zlib.Z_FULL_FLUSH)
    repeated = packer.compress(block) + packer.flush(zlib.Z_FULL_FLUSH)
    return first + repeated * (mib - 1) + packer.flush()


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


def _last_line(fault: str, prompt_tokens: int) -> bytes:
    """The hostile line a streaming fault ends with (built only for that fault: the benchmark's server
    answers `/ok` as fast as before)."""
    if fault == "bigline":
        return b"data: " + b"x" * BIG_LINE_BYTES + b"\n\n"
    if fault == "deepjson":
        return b"data: " + b"[" * DEEP_JSON + b"]" * DEEP_JSON + b"\n\n"
    if fault == "usageneg":
        return _chunk({"choices": [], "usage": {"prompt_tokens": -1, "completion_tokens": -1}})
    usage = {"prompt_tokens": prompt_tokens, "completion_tokens": HUGE_TOKENS}
    return _chunk({"choices": [], "usage": usage})


async def _hostile(request: web.Request, fault: str, tokens: int, prompt_tokens: int) -> web.StreamResponse:
    """The issue-21 answers (HOSTILE_FAULTS)."""
    if fault == "gzipbomb":
        return web.Response(status=500, body=gzip_zeros(GZIP_BOMB_MIB), headers={"Content-Encoding": "gzip"})
    if fault == "gzipline":
        return web.Response(body=gzip_zeros(GZIP_LINE_MIB, b"d"), headers={
            "Content-Type": "text/event-stream", "Content-Encoding": "gzip"})
    response = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
    await response.prepare(request)
    for _ in range(tokens):
        await response.write(_chunk({"choices": [{"index": 0, "text": "x"}]}))
    await response.write(_last_line(fault, prompt_tokens))
    await response.write(b"data: [DONE]\n\n")
    return response


PROM_TEXT = """# HELP vllm:num_requests_running Number of requests in model execution batches.
# TYPE vllm:num_requests_running gauge
vllm:num_requests_running{{engine="0",model_name="m"}} {running}
vllm:num_requests_waiting{{engine="0",model_name="m"}} 0.0
vllm:kv_cache_usage_perc{{engine="0",model_name="m"}} {kv}
vllm:num_preemptions_total{{engine="0",model_name="m"}} {served}
vllm:prefix_cache_queries_total{{engine="0",model_name="m"}} {queries}
vllm:prefix_cache_hits_total{{engine="0",model_name="m"}} {hits}
"""
# Requests whose stream is open; the fake KV cache is full at this many.
PROM_KV_SLOTS = 8


def make_app(
    gap_s: float = 0.0, redirect_to: str | None = None, replay: dict | None = None
) -> web.Application:
    state = {"running": 0, "served": 0}

    async def metrics(request: web.Request) -> web.Response:
        fault = request.match_info["fault"]
        if fault == "promstall":
            await asyncio.sleep(STALL_S)
        if fault == "promgarbage":
            return web.Response(text="<html><body>login required</body></html>", content_type="text/html")
        if fault != "prom":
            return web.Response(status=404, text="not found")
        running, served = state["running"], state["served"]
        text = PROM_TEXT.format(running=float(running), kv=min(running / PROM_KV_SLOTS, 1.0),
                                served=served, queries=100 * served, hits=25 * served)
        return web.Response(text=text)

    async def completions(request: web.Request) -> web.StreamResponse:
        body = await request.json()
        fault = request.match_info["fault"]
        if fault == "replay":  # whatever the test put in `replay`: status, headers, body bytes
            return web.Response(status=replay.get("status", 200), headers=replay.get("headers", {}),
                                body=replay["body"])
        probe = body["max_tokens"] <= PROBE_MAX_TOKENS
        prompt = body.get("prompt") or body.get("messages")
        is_token_ids = isinstance(prompt, list) and bool(prompt) and isinstance(prompt[0], int)
        prompt_tokens = len(prompt) if is_token_ids else 0
        if fault == "redirect":
            return web.Response(status=307, headers={"Location": f"{redirect_to}/ok/v1/completions"})
        if fault == "dead500" or (fault == "http500" and not probe):
            return web.Response(status=500, text='{"error": "internal error"}')
        hostile = fault.removeprefix("dead") if fault.startswith("dead") else None if probe else fault
        if hostile in HOSTILE_FAULTS:
            return await _hostile(request, hostile, body["max_tokens"], prompt_tokens)
        active = None if probe or fault == "ok" else fault
        state["running"] += 1
        try:
            return await _stream_ok(request, body["max_tokens"], prompt_tokens, gap_s, active)
        finally:
            state["running"] -= 1
            state["served"] += 1

    app = web.Application()
    app.router.add_get("/{fault}/metrics", metrics)
    app.router.add_post("/{fault}/v1/completions", completions)
    return app


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running_server(gap_s: float = 0.0, redirect_to: str | None = None, replay: dict | None = None):
    """Base URL http://127.0.0.1:PORT of the fault server, stopped when the block ends. `/replay` answers
    with `replay["body"]` (and its "status" and "headers"), read at each request."""
    port, loop, ready = free_port(), asyncio.new_event_loop(), threading.Event()
    runner = web.AppRunner(make_app(gap_s, redirect_to, replay), access_log=None, shutdown_timeout=0.5)

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


OTHER_LOOPBACK = "127.0.0.2"  # still this machine (127.0.0.0/8 is loopback on Linux), another address


@contextmanager
def other_address_listener():
    """A listening socket on OTHER_LOOPBACK that counts the connections reaching it: yields (url, peers).

    Nothing leaves the machine: a redirect test points the client here and fails if `peers` is not empty.
    Yields (None, []) where the address cannot be bound (not every system routes all of 127/8 to loopback).
    """
    listener = socket.socket()
    try:
        listener.bind((OTHER_LOOPBACK, 0))
    except OSError:
        listener.close()
        yield None, []
        return
    listener.listen(16)
    listener.settimeout(0.1)
    peers, stop = [], threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, peer = listener.accept()
            except TimeoutError:
                continue
            peers.append(peer)
            conn.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://{OTHER_LOOPBACK}:{listener.getsockname()[1]}", peers
    finally:
        stop.set()
        thread.join(timeout=5)
        listener.close()


def serve_forever(port: int) -> None:
    """`python -m tests.fault_server PORT`: the server in its own process (the load benchmark's target)."""
    web.run_app(make_app(), host="127.0.0.1", port=port, access_log=None, print=None)


if __name__ == "__main__":
    import sys

    serve_forever(int(sys.argv[1]))
