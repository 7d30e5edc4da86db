"""The sweep behind `python -m profiles load`: probe the endpoint, measure each load (and the capacity
search's probes), write one served profile (schema v2) atomically.

Imports asyncio, the endpoint client and generator (aiohttp), and the torch-free core (served
metrics, capacity search, sweep, store). Each point runs on one event loop for the whole sweep with a
fresh keep-alive session, so Ctrl-C between or inside points leaves the finished points intact
(`profiles.sweep.sweep` marks the profile partial). A server that cannot be reached, or that
refuses the prompt, is one ValueError line before any point runs.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from econ.model.profile import (
    CapacitySearch,
    Environment,
    Hardware,
    ModelInfo,
    Point,
    Profile,
)
from econ.model.workload import ServerView
from profiles.backends.endpoint.client import Client, Endpoint
from profiles.backends.endpoint.generator import PointRun, measure_load, replay_schedule
from profiles.backends.endpoint.metrics_scrape import has_metrics, server_root, watched
from profiles.load.capacity_result import best_point, capacity_result, passed
from profiles.load.capacity_search import MAX_PROBES, Probe, next_load
from profiles.load.prompts import text_prompt, token_prompt, words_for_tokens
from profiles.load.request_plan import RequestPlan
from profiles.load.served import RequestRecord, Slo, served_point
from profiles.load.settings import MAX_REQUESTS_PER_POINT, LoadSettings
from profiles.load.traces import Trace
from profiles.load.workload_report import RealisedLengths, binding_limit_of, workload_shape
from profiles.settings import MIN_OUTPUT_TOKENS
from profiles.store import write_profile
from profiles.sweep import sweep

# Tries at fitting a text prompt's word count to the requested token count through usage.prompt_tokens.
FIT_TRIES = 4
# Output tokens of a probe request: enough to see a stream, cheap.
PROBE_OUTPUT_TOKENS = 2
# Seed offset of the probe prompts, so they never repeat a measured prompt.
PROBE_SEED_OFFSET = 1_000_003
NOTES = (
    "Served profile: measured from the client through the endpoint (streaming, ignore_eos, fixed "
    "max_tokens, random prompts). TTFT, TPOT, ITL and E2E follow vLLM's benchmark; GuideLLM's and "
    "AIPerf's 'ITL' is the TPOT here. requests_per_s is the achieved rate.",
)


@dataclass(frozen=True)
class Target:
    """What is measured: where to send, and what to write about it in the profile."""

    endpoint: Endpoint
    model: ModelInfo
    hardware: Hardware
    engine: str
    engine_args: list[str] | None = None
    vocab_size: int | None = None
    server_pid: int | None = None  # a launched server's process (group) id


@dataclass(frozen=True)
class PromptForm:
    kind: str  # "tokens" or "text"
    words: int  # text prompts: words per prompt


@dataclass(frozen=True)
class LoadResult:
    profile: Profile
    path: Path
    interrupted: bool


async def _one(endpoint: Endpoint, prompt, timeout_s: float) -> RequestRecord:
    async with Client(endpoint, timeout_s) as client:
        return await client.send(endpoint.body(prompt, PROBE_OUTPUT_TOKENS))


def run_until_done(runner: asyncio.Runner, coro):
    """runner.run(coro), a Ctrl-C always surfacing as KeyboardInterrupt (never as CancelledError).

    CPython 3.11's Runner.run installs its SIGINT handler before it resets its interrupt count: a Ctrl-C
    in between cancels the task, the count is then zeroed, and run() raises CancelledError instead of
    KeyboardInterrupt (a traceback and exit code 1; seen in 1 of about 40 tries on a loaded machine).
    Nothing else cancels these main tasks (a request's timeout is absorbed inside Client.send), so a
    CancelledError out of run() is that Ctrl-C.
    """
    try:
        return runner.run(coro)
    except asyncio.CancelledError:
        raise KeyboardInterrupt from None


def _probe(endpoint: Endpoint, prompt, timeout_s: float) -> RequestRecord:
    with asyncio.Runner() as runner:
        return run_until_done(runner, _one(endpoint, prompt, timeout_s))


def prompt_form(s: LoadSettings, target: Target) -> PromptForm:
    """Token ids when the server takes them (and counts them right), else text fitted to the length."""
    endpoint, seed = target.endpoint, s.seed + PROBE_SEED_OFFSET
    if s.prompt != "text" and not s.chat:
        record = _probe(endpoint, token_prompt(0, s.input_tokens, target.vocab_size, seed), s.timeout_s)
        counted_right = record.prompt_tokens in (None, s.input_tokens)
        if record.ok and counted_right:
            return PromptForm("tokens", s.input_tokens)
        unreachable = record.error and not record.error.startswith("HTTP 4")
        if s.prompt == "tokens" or unreachable:
            raise ValueError(f"--url: the probe request failed: {record.error or 'prompt miscounted'}")
    words = s.input_tokens
    for attempt in range(FIT_TRIES):
        record = _probe(endpoint, text_prompt(attempt, words, seed), s.timeout_s)
        if not record.ok:
            raise ValueError(f"--url: the probe request failed: {record.error}")
        if record.prompt_tokens is None or record.prompt_tokens == s.input_tokens:
            break
        words = words_for_tokens(s.input_tokens, words, record.prompt_tokens)
    return PromptForm("text", words)


def request_plan(s: LoadSettings, target: Target, form: PromptForm, trace: Trace | None) -> RequestPlan:
    """Each request's lengths and prompt: token ids, or words at the ratio the probe fitted."""
    words_per_token = form.words / s.input_tokens if form.kind == "text" else 0.0
    return RequestPlan(s.input_spec, s.output_spec, s.seed, MIN_OUTPUT_TOKENS, s.shared_prefix_tokens,
                       s.prefix_groups, target.vocab_size, words_per_token, trace)


def _replay(client_factory, make_body, trace: Trace, rate: float, s: LoadSettings):
    """The trace at the time scale that gives `rate` (its mean rate × scale), every request sent."""
    count = min(len(trace.offsets_s), s.warmup + MAX_REQUESTS_PER_POINT)
    offsets = (trace.offsets_s[:count] * (trace.mean_rate_per_s / rate)).tolist()
    whole = s.model_copy(update={"requests": max(1, count - s.warmup), "min_seconds": 0.0})
    return replay_schedule(client_factory, make_body, offsets, whole)


def _body_factory(endpoint: Endpoint, plan: RequestPlan, point: int) -> Callable[[int], bytes]:
    return lambda i: endpoint.body(plan.prompt(i, point), plan.shape(i).output_tokens)


def _point(run: PointRun, kind: str, value: float, slo: Slo) -> Point:
    return served_point(run.records or run.seen, kind, value, slo)


def _passed(point: Point, s: LoadSettings) -> bool:
    return passed(point, s.attainment)


def _loads(s: LoadSettings, points: list[Point]) -> Iterator[float]:
    """The listed loads, then (with --find-capacity) the search's next loads given what was measured."""
    yield from s.loads
    if not s.find_capacity:
        return
    while True:
        probes = [Probe(p.load.value, _passed(p, s)) for p in points]
        value = next_load(probes, min(s.loads), integer=s.kind == "concurrency",
                          max_probes=len(s.loads) + MAX_PROBES)
        if value is None or value in {p.load for p in probes}:
            return
        yield value


def capacity_block(s: LoadSettings, points: list[Point]) -> CapacitySearch:
    """The search's answer: the largest achieved rate among the loads that met the SLO."""
    limit = binding_limit_of(points, best_point(points, s.attainment), lambda p: _passed(p, s))
    return capacity_result(s.kind, points, Slo(s.slo_ttft_ms, s.slo_tpot_ms), s.attainment,
                           len(s.loads) + MAX_PROBES, limit)


def run_load(s: LoadSettings, target: Target, out: Path, command: str | None = None,
             after_point: Callable[[Point], None] | None = None, trace: Trace | None = None) -> LoadResult:
    """Measure every load (and the capacity search) against the target; write the profile atomically."""
    form = prompt_form(s, target)
    slo = Slo(s.slo_ttft_ms, s.slo_tpot_ms)
    plan = request_plan(s, target, form, trace)
    points: list[Point] = []
    notes: list[str] = []
    realised = RealisedLengths()
    root = server_root(target.endpoint.base_url)

    def measure_one(value: float) -> Point:
        factory, make_body = (lambda: Client(target.endpoint, s.timeout_s),
                              _body_factory(target.endpoint, plan, len(points)))
        load = (_replay(factory, make_body, trace, value, s) if trace is not None else
                measure_load(factory, make_body, s.kind, value, s, s.seed))
        if scrape:
            run, view = run_until_done(runner, watched(load, root, s.metrics_interval_s, reset=True))
        else:
            run, view = run_until_done(runner, load), absent
        realised.add(plan, run.seen, run.records)
        if trace is not None:
            notes.append(f"rate {value:g}: the trace at time scale {value / trace.mean_rate_per_s:.4g}")
        return _point(run, s.kind, value, slo).model_copy(update={"server": view})

    def keep(point: Point) -> None:
        points.append(point)
        if after_point is not None:
            after_point(point)

    # One event loop for the whole sweep, built before the first point: a Ctrl-C between points then
    # never lands inside a half-built loop (whose garbage collection would print a traceback).
    with asyncio.Runner() as runner:
        runner.get_loop()
        scrape = s.metrics_interval_s > 0 and run_until_done(runner, has_metrics(root))
        absent = None if scrape or not s.metrics_interval_s else ServerView(status="absent")
        if absent:
            notes.append("the server has no /metrics: the server's view is absent")
        result = sweep(_loads(s, points), measure_one, keep)
    if result.interrupted:
        notes.append(f"interrupted after {len(points)} loads")
    if form.kind == "text":
        notes.append(f"prompts: {form.words} random words each, fitted to {s.input_tokens} tokens through "
                     "the server's usage.prompt_tokens")
    notes.extend(realised.notes())
    ordered = sorted(points, key=lambda p: p.load.value)
    profile = Profile(
        schema_version=2, provenance="measured", partial=result.interrupted,
        created_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        model=target.model, hardware=target.hardware,
        workload=workload_shape(s, plan, realised, target.engine_args, trace),
        points=ordered,
        environment=Environment(method="served", engine=target.engine, engine_args=target.engine_args,
                                endpoint=target.endpoint.where, command=command),
        capacity=capacity_block(s, points) if s.find_capacity else None,
        notes=[*NOTES, *notes, *([s.note] if s.note else [])],
    )
    return LoadResult(profile=profile, path=write_profile(profile, out), interrupted=result.interrupted)
