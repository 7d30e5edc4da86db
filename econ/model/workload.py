"""The workload and the server's own view in a served profile: the length distributions asked for and
realised, the shared prompt prefix, the trace replayed, and what the server's Prometheus /metrics said
while each point ran.

Part of the profile file contract (`econ.model.profile` imports these); every field is optional, so a
profile written before them still reads. Imports pydantic and `econ.base.types` only.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from econ.base.types import Fraction, NonNegativeInt, PositiveInt, Text, real
from econ.base.types import Frozen as _Frozen

Tokens = real("tokens", ge=0, le=1e9)
Seconds = real("s", ge=0, le=1e7)
# Samples of the server's metrics kept per point: one a second for ten minutes.
MAX_SERVER_SAMPLES = 600


class LengthStats(_Frozen):
    """A length distribution's summary, tokens."""

    mean: Tokens
    p50: Tokens
    p90: Tokens
    p99: Tokens
    min: Tokens | None = None
    max: Tokens | None = None
    count: NonNegativeInt | None = Field(None, description="Requests behind a realised summary.")


class LengthDistribution(_Frozen):
    """Lengths as asked for (`spec`, summarised in `requested`) and as the server counted them (`realised`,
    from `usage.prompt_tokens` / `usage.completion_tokens`; absent where the server gave no usage)."""

    spec: Text = Field(description="As given: 128, lognormal:MEAN,SD, uniform:LO,HI, empirical:FILE, "
                       "workload:FILE or trace:FILE.")
    requested: LengthStats
    realised: LengthStats | None = None


class WorkloadShape(_Frozen):
    """Token counts the points were measured at (the means, when lengths varied)."""

    input_tokens: PositiveInt = Field(
        description="Prompt tokens per request (the mean, rounded, when they vary).")
    output_tokens: PositiveInt = Field(
        description="Generated tokens per request (the mean, rounded, when they vary).")
    input_lengths: LengthDistribution | None = Field(None,
                                                     description="Served: prompt lengths, incl. any prefix.")
    output_lengths: LengthDistribution | None = Field(None, description="Served: output lengths.")
    shared_prefix_tokens: NonNegativeInt | None = Field(None,
                                                        description="Tokens of the shared prompt prefix.")
    prefix_groups: PositiveInt | None = Field(None,
                                              description="Distinct shared prefixes, requests spread evenly.")
    prefix_caching: bool | None = Field(None,
                                        description="Server's prefix caching (None: not known, an endpoint).")
    trace: Text | None = Field(None, description="The trace replayed (file name and format).")


class MetricSummary(_Frozen):
    """One gauge over a point: mean, max and when the max came (s after the point started)."""

    mean: real(ge=0, le=1e9)
    max: real(ge=0, le=1e9)
    at_max_s: Seconds


class ServerSample(_Frozen):
    """One scrape: s after the point started, KV-cache use (0-1), running and waiting requests."""

    t_s: Seconds
    kv_cache_usage: Fraction | None = None
    running: real(ge=0, le=1e9) | None = None
    waiting: real(ge=0, le=1e9) | None = None


class ServerView(_Frozen):
    """What the server's Prometheus /metrics said while a point ran."""

    status: Literal["scraped", "absent", "missing"] = Field(
        description="scraped; absent: the server has no /metrics (a hosted API); missing: it had one but "
        "the scrapes failed (garbage, errors or stalls), so the point has no server view.")
    interval_s: Seconds | None = None
    scrapes: NonNegativeInt = 0
    failed_scrapes: NonNegativeInt = 0
    kv_cache_usage: MetricSummary | None = Field(
        None, description="vllm:kv_cache_usage_perc, a 0-1 fraction.")
    running: MetricSummary | None = Field(None, description="vllm:num_requests_running.")
    waiting: MetricSummary | None = Field(None, description="vllm:num_requests_waiting.")
    preemptions: NonNegativeInt | None = Field(
        None, description="vllm:num_preemptions_total, rise over the point.")
    prefix_cache_queries_tokens: NonNegativeInt | None = Field(
        None, description="Rise of vllm:prefix_cache_queries_total.")
    prefix_cache_hits_tokens: NonNegativeInt | None = Field(
        None, description="Rise of vllm:prefix_cache_hits_total.")
    prefix_cache_hit_rate: Fraction | None = Field(None, description="hits / queries over the point.")
    prefix_cache_reset: bool | None = Field(None, description="The prefix cache was reset before the point.")
    note: Text | None = None
    samples: list[ServerSample] = Field(default_factory=list, max_length=MAX_SERVER_SAMPLES)


class ImportedFrom(_Frozen):
    """A served profile converted from another tool's result file, not measured by `profiles load`."""

    tool: Text = Field(description="The tool that measured it, e.g. 'vllm bench serve'.")
    version: Text | None = Field(None,
                                 description="Its version, where the file records one (absent: it does not).")
    files: list[Text] = Field(default_factory=list, description="The result files read, one point each.")
    names: Text | None = Field(None, description="How the tool's names map to ours.")
