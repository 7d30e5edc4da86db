"""The load generator: one asyncio process driving an endpoint open-loop (a request rate) or
closed-loop (a concurrency), with warm-up requests not counted and the sweep's minimums rule.

Imports asyncio, the endpoint client (aiohttp) and the torch-free pieces (arrivals, prompts,
`profiles.sweep.minimums_met`). Open loop: every send time is planned before the point starts
(gamma arrivals), request bodies are serialized beforehand, and the scheduler sleeps to just
before each planned time and then yields to the loop until it is due, so the client, not the
schedule, is never the bottleneck; each record keeps its lag behind the plan.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import itertools
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from profiles.backends.endpoint.client import Client
from profiles.load.arrivals import arrival_offsets_s
from profiles.load.served import RequestRecord
from profiles.load.settings import MAX_REQUESTS_PER_POINT, LoadSettings
from profiles.sweep import minimums_met

# The first planned send is this far after the schedule is built, so it is not late by construction.
START_DELAY_S = 0.01
# Sleep to this long before a planned send, then yield to the event loop until it is due: epoll's
# millisecond timeout would otherwise make sends up to 1 ms late.
SPIN_S = 0.002
# A point stops sending once this many requests failed and none succeeded (a dead server is not
# hammered for --min-seconds); the point records the errors.
FAIL_FAST_REQUESTS = 16
# Planned arrivals drawn beyond the minimums: gamma gaps can fall short of min_seconds.
PLAN_MARGIN = 1.5


@dataclass
class PointRun:
    """The counted requests of one point and, open loop, their lag behind the planned send times."""

    records: list[RequestRecord] = field(default_factory=list)
    seen: list[RequestRecord] = field(default_factory=list)  # warm-up included
    lags_s: list[float] = field(default_factory=list)
    failed: int = 0
    succeeded: int = 0

    def dead(self) -> bool:
        return self.succeeded == 0 and self.failed >= FAIL_FAST_REQUESTS

    def tally(self, record: RequestRecord) -> None:
        if record.ok:
            self.succeeded += 1
        else:
            self.failed += 1


async def _send(client: Client, body: bytes, record: RequestRecord, run: PointRun) -> None:
    await client.send(body, record)
    run.tally(record)


def planned_offsets_s(rate: float, s: LoadSettings, seed: int) -> list[float]:
    """Send times (s after the first) of warm-up + counted requests, enough for both minimums."""
    needed = s.requests + math.ceil(rate * s.min_seconds * PLAN_MARGIN)
    count = s.warmup + min(MAX_REQUESTS_PER_POINT, needed)
    return arrival_offsets_s(rate, count, s.burstiness, seed).tolist()


async def _sleep_until(due: float) -> None:
    delay = due - time.perf_counter()
    if delay > SPIN_S:
        await asyncio.sleep(delay - SPIN_S)
    while time.perf_counter() < due:
        await asyncio.sleep(0)


async def run_rate(client: Client, make_body: Callable[[int], bytes], rate: float, s: LoadSettings,
                   seed: int) -> PointRun:
    """Open loop: send on the planned gamma schedule until both minimums are met, then drain."""
    offsets = planned_offsets_s(rate, s, seed)
    bodies = [make_body(i) for i in range(len(offsets))]
    return await _send_on_schedule(client, offsets, bodies, s)


@contextlib.contextmanager
def collector_paused():
    """Python's cyclic garbage collector off while sending (a full collection of a large heap stalls the
    event loop for tens of ms, which every send due in that window would count as lag); back after."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


async def _send_on_schedule(
    client: Client, offsets: list[float], bodies: list[bytes], s: LoadSettings
) -> PointRun:
    run, tasks, dues, failures = PointRun(), set(), [], []

    def finished(task: asyncio.Task) -> None:
        tasks.discard(task)
        # The exception is retrieved here, so asyncio never warns it was "never retrieved".
        if not task.cancelled() and task.exception() is not None:
            failures.append(task.exception())
    start = time.perf_counter() + START_DELAY_S
    first_counted = None
    for index, (offset, body) in enumerate(zip(offsets, bodies, strict=True)):
        due = start + offset
        await _sleep_until(due)
        if run.dead():
            break
        if index >= s.warmup:
            first_counted = first_counted or due
            if minimums_met(index - s.warmup, time.perf_counter() - first_counted, s.requests, s.min_seconds,
                            MAX_REQUESTS_PER_POINT):
                break
        record = RequestRecord(sent_s=due)
        run.seen.append(record)
        if index >= s.warmup:
            run.records.append(record)
            dues.append(due)
        task = asyncio.create_task(_send(client, body, record, run))
        tasks.add(task)
        task.add_done_callback(finished)
    if tasks:
        await asyncio.gather(*tasks)
    if failures:  # Client.send records every request failure: what is left is a defect, shown, never lost
        raise failures[0]
    run.lags_s = [r.sent_s - due for r, due in zip(run.records, dues, strict=True)]
    return run


async def run_concurrency(client: Client, make_body: Callable[[int], bytes], concurrency: int,
                          s: LoadSettings) -> PointRun:
    """Closed loop: `concurrency` workers, each sending its next request when the last one ends. Warm-up
    and the counted minimum are at least `concurrency` requests, so the point reaches its load."""
    run, counter = PointRun(), itertools.count()
    warmup, minimum = max(s.warmup, concurrency), max(s.requests, concurrency)
    first_counted: list[float] = []

    async def worker() -> None:
        while not run.dead():
            index = next(counter)
            if index >= warmup:
                if not first_counted:
                    first_counted.append(time.perf_counter())
                if minimums_met(index - warmup, time.perf_counter() - first_counted[0], minimum,
                                s.min_seconds, MAX_REQUESTS_PER_POINT):
                    return
            record = RequestRecord(sent_s=0.0)
            run.seen.append(record)
            if index >= warmup:
                run.records.append(record)
            await _send(client, make_body(index), record, run)

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return run


async def measure_load(client_factory: Callable[[], Client], make_body: Callable[[int], bytes], kind: str,
                       value: float, s: LoadSettings, seed: int) -> PointRun:
    """One point on a fresh keep-alive session (its warm-up opens the connections), collector paused."""
    async with client_factory() as client:
        with collector_paused():
            return await _run(client, make_body, kind, value, s, seed)


async def replay_schedule(client_factory: Callable[[], Client], make_body: Callable[[int], bytes],
                          offsets: list[float], s: LoadSettings) -> PointRun:
    """A trace's point: every planned send (the first s.warmup not counted), collector paused."""
    async with client_factory() as client:
        with collector_paused():
            return await _send_on_schedule(client, offsets, [make_body(i) for i in range(len(offsets))], s)


async def _run(client: Client, make_body: Callable[[int], bytes], kind: str, value: float, s: LoadSettings,
               seed: int) -> PointRun:
    if kind == "rate":
        return await run_rate(client, make_body, value, s, seed)
    return await run_concurrency(client, make_body, int(value), s)
