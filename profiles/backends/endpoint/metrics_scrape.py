"""The server's /metrics scraped at a fixed interval while a point runs, and its prefix cache reset
before the point where the server offers it (vLLM's POST /reset_prefix_cache, dev mode only).

Imports asyncio, aiohttp and the torch-free `profiles.load.server_metrics`. A scrape is bounded in time
(SCRAPE_TIMEOUT_S) and size (MAX_METRICS_BYTES), follows no redirect, and never raises: a failure is
a Scrape with its error, and the point goes on. The scraper runs beside the load on the same event
loop, one scrape in flight at a time, so a stalled /metrics delays only the next scrape.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable
from urllib.parse import urlsplit, urlunsplit

import aiohttp

from econ.model.workload import ServerView
from profiles.load.server_metrics import MetricsTextError, Scrape, parse_metrics, server_view

SCRAPE_TIMEOUT_S = 2.0
# vLLM's /metrics is ~100 KiB with a few models; 4 MiB is past any real exposition.
MAX_METRICS_BYTES = 4 << 20


def server_root(base_url: str) -> str:
    """http://host:port/v1 → http://host:port (the path's trailing /v1 dropped, never the query)."""
    parts = urlsplit(base_url)
    path = parts.path.rstrip("/")
    return urlunsplit(parts._replace(path=path.removesuffix("/v1"), query="", fragment=""))


async def _body(response: aiohttp.ClientResponse) -> bytes:
    data = bytearray()
    async for chunk in response.content.iter_chunked(1 << 16):
        data += chunk
        if len(data) > MAX_METRICS_BYTES:
            raise MetricsTextError(f"larger than {MAX_METRICS_BYTES >> 20} MiB")
    return bytes(data)


async def scrape_once(session: aiohttp.ClientSession, root: str, t0: float) -> Scrape:
    """GET /metrics once: the wanted values, or the error in one line."""
    t_s = time.perf_counter() - t0
    try:
        async with asyncio.timeout(SCRAPE_TIMEOUT_S):
            async with session.get(f"{root}/metrics", allow_redirects=False) as response:
                if response.status != 200:
                    return Scrape(t_s, None, f"HTTP {response.status}")
                text = (await _body(response)).decode("utf-8", errors="strict")
        return Scrape(t_s, parse_metrics(text))
    except TimeoutError:
        return Scrape(t_s, None, f"no answer within {SCRAPE_TIMEOUT_S:g} s")
    except UnicodeDecodeError:
        return Scrape(t_s, None, "not UTF-8 text")
    except MetricsTextError as exc:
        return Scrape(t_s, None, f"not Prometheus text: {exc}")
    except (aiohttp.ClientError, OSError) as exc:
        return Scrape(t_s, None, f"request failed: {str(exc)[:120] or type(exc).__name__}")


async def has_metrics(root: str) -> bool:
    """Whether the server answers /metrics at all (an HTTP 4xx, e.g. a hosted API's 404 or 401, or a refused
    connection: no server view; garbage or a stall: it has one, and the points will say it went missing)."""
    async with aiohttp.ClientSession() as session:
        scrape = await scrape_once(session, root, time.perf_counter())
    return scrape.values is not None or not (scrape.error or "").startswith(("HTTP 4", "request failed"))


async def reset_prefix_cache(root: str) -> bool | None:
    """POST /reset_prefix_cache: True when done, None when the server does not offer it."""
    try:
        async with aiohttp.ClientSession() as session, asyncio.timeout(SCRAPE_TIMEOUT_S):
            async with session.post(f"{root}/reset_prefix_cache", allow_redirects=False) as response:
                return True if response.status == 200 else None
    except (TimeoutError, aiohttp.ClientError, OSError):
        return None


async def _scrape_loop(session: aiohttp.ClientSession, root: str, interval_s: float, t0: float,
                       out: list[Scrape]) -> None:
    while True:
        due = time.perf_counter() + interval_s
        out.append(await scrape_once(session, root, t0))
        await asyncio.sleep(max(0.0, due - time.perf_counter()))


async def watched(load: Awaitable, root: str, interval_s: float, reset: bool) -> tuple[object, ServerView]:
    """Run `load` (a point) with /metrics scraped every interval_s; the cache reset first if asked."""
    was_reset = await reset_prefix_cache(root) if reset else None
    scrapes: list[Scrape] = []
    async with aiohttp.ClientSession() as session:
        t0 = time.perf_counter()
        task = asyncio.create_task(_scrape_loop(session, root, interval_s, t0, scrapes))
        try:
            result = await load
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
        scrapes.append(await scrape_once(session, root, t0))  # the counters' end value
    return result, server_view(scrapes, interval_s, was_reset)
