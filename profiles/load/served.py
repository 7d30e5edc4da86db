"""From the client-side timestamps of served requests to one profile point, with goodput at an SLO.

Torch-free and HTTP-free: imports numpy, the profile schema and `profiles.stats`. Definitions follow
vLLM's benchmark (vllm/benchmarks/serve.py), all from the client's `perf_counter`:
- TTFT = send → first streamed chunk with choices (queueing included);
- TPOT = (E2E − TTFT) / (n − 1) per request, n = the server's `usage.completion_tokens`
  (GuideLLM's and AIPerf's "ITL" is this TPOT);
- ITL = every chunk-to-chunk gap, pooled over requests;
- E2E = send → last chunk.
Achieved rate = completed requests / the window from the first counted send to the end of the last
counted request (completed or failed); goodput = requests meeting every SLO / that window; attainment = their
share of all
counted requests (a failed request never meets the SLO).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from econ.model.profile import Load, Point, RequestErrors
from profiles.stats import MS_PER_S, percentiles_ms

# Error messages kept per point: enough to tell one failure mode from another, not a log.
MAX_ERROR_MESSAGES = 3


@dataclass(slots=True)
class RequestRecord:
    """One request as the client saw it; times are perf_counter seconds."""

    sent_s: float
    chunk_s: list[float] = field(default_factory=list)
    output_tokens: int | None = None
    prompt_tokens: int | None = None
    error: str | None = None
    ended_s: float | None = None  # when the client was done with it, success or failure

    @property
    def end_s(self) -> float:
        if self.ended_s is not None:
            return self.ended_s
        return self.chunk_s[-1] if self.chunk_s else self.sent_s

    @property
    def ok(self) -> bool:
        return self.error is None and bool(self.chunk_s)

    @property
    def ttft_s(self) -> float:
        return self.chunk_s[0] - self.sent_s

    @property
    def e2e_s(self) -> float:
        return self.chunk_s[-1] - self.sent_s

    @property
    def tokens(self) -> int:
        """Output tokens: the server's usage count, else one per chunk (vLLM streams one per token)."""
        return self.output_tokens if self.output_tokens is not None else len(self.chunk_s)

    @property
    def tpot_s(self) -> float | None:
        n = self.tokens
        return (self.e2e_s - self.ttft_s) / (n - 1) if n > 1 else None


@dataclass(frozen=True)
class Slo:
    """Per-request latency limits, ms (None: no limit on that latency)."""

    ttft_ms: float | None = None
    tpot_ms: float | None = None

    @property
    def given(self) -> bool:
        return self.ttft_ms is not None or self.tpot_ms is not None

    def met_by(self, record: RequestRecord) -> bool:
        if not record.ok:
            return False
        if self.ttft_ms is not None and record.ttft_s * MS_PER_S > self.ttft_ms:
            return False
        tpot = record.tpot_s  # one output token has no TPOT: it meets a TPOT SLO, as in vLLM's goodput
        return self.tpot_ms is None or tpot is None or tpot * MS_PER_S <= self.tpot_ms


def attainment(records: list[RequestRecord], slo: Slo) -> float:
    """Share of the counted requests that completed and met every SLO given."""
    return sum(slo.met_by(r) for r in records) / len(records) if records else 0.0


def window_s(records: list[RequestRecord]) -> float:
    """First counted send → the end of the last counted request (completed or failed)."""
    return max(r.end_s for r in records) - min(r.sent_s for r in records)


def request_errors(records: list[RequestRecord]) -> RequestErrors | None:
    """Count of failed requests with their first distinct messages (None when none failed)."""
    failed = [r for r in records if not r.ok]
    if not failed:
        return None
    messages = list(dict.fromkeys(r.error or "stream ended without a token" for r in failed))
    return RequestErrors(count=len(failed), first=messages[:MAX_ERROR_MESSAGES])


def served_point(records: list[RequestRecord], kind: str, value: float, slo: Slo) -> Point:
    """The point of one load: latency percentiles over completed requests, achieved rate, goodput."""
    if not records:
        raise ValueError("no requests were counted at this load")
    done = [r for r in records if r.ok]
    duration_s = window_s(records)
    rate = len(done) / duration_s if duration_s > 0 else 0.0
    errors = request_errors(records)
    met = attainment(records, slo) if slo.given else None
    if not done:  # every request failed: a point with its errors, and no latency to report
        return Point(batch_size=1, load=Load(kind=kind, value=value), requests_per_s=0.0, errors=errors,
                     slo_attainment=met, goodput_requests_per_s=0.0 if slo.given else None, repeats=0)
    tpots = [t for t in (r.tpot_s for r in done) if t is not None]
    itls = np.concatenate([np.diff(r.chunk_s) for r in done])
    e2e = np.array([r.e2e_s for r in done])
    output_tokens = sum(r.tokens for r in done)
    # Requests in flight on average (Little's law: rate × mean latency): the served point's batch size.
    in_flight = value if kind == "concurrency" else max(1, round(rate * float(e2e.mean())))
    return Point(
        batch_size=max(1, int(math.ceil(in_flight))),
        load=Load(kind=kind, value=value),
        ttft_ms=percentiles_ms([r.ttft_s for r in done]),
        tpot_ms=percentiles_ms(tpots) if tpots else None,
        itl_ms=percentiles_ms(itls) if itls.size else None,
        e2e_ms=percentiles_ms(e2e),
        requests_per_s=rate,
        output_tokens_per_s=output_tokens / duration_s if duration_s > 0 else 0.0,
        slo_attainment=met,
        goodput_requests_per_s=met * len(
            records) / duration_s if met is not None and duration_s > 0 else None,
        errors=errors,
        repeats=len(done),
    )


def prompt_length_note(records: list[RequestRecord], input_tokens: int) -> str | None:
    """A note when the server counted a different prompt length than requested (None when it matched)."""
    counted = [r.prompt_tokens for r in records if r.prompt_tokens is not None]
    off = [c for c in counted if c != input_tokens]
    if not off:
        return None
    return (f"{len(off)} of {len(counted)} requests had usage.prompt_tokens != {input_tokens} "
            f"(seen {min(off)}..{max(off)})")
