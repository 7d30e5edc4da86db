"""The capacity search: the largest load (rate or concurrency) whose SLO attainment meets the target.

Torch-free and HTTP-free: the standard library only. As vLLM's `serve_sla` sweep and GuideLLM's
goodput profile do it: double the load from the start until a probe fails, then bisect between the
largest pass and the smallest fail above it. `next_load` is a pure function of the probes so far,
so the search is tested without a server; the caller measures each load it returns.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

# Probes per search at most: 12 doublings from 1 req/s reach 4,096 req/s, or ~6 doublings and ~6 bisections.
MAX_PROBES = 12
# A rate search stops when the bracket is this narrow relative to its top: below the run-to-run
# spread of an achieved rate on a busy machine, so narrower would only chase noise.
RATE_RELATIVE_TOLERANCE = 0.1
GROWTH = 2.0


@dataclass(frozen=True)
class Probe:
    load: float
    passed: bool


def _bracket_done(low: float, high: float, integer: bool) -> bool:
    return high - low <= 1 if integer else high - low <= RATE_RELATIVE_TOLERANCE * high


def next_load(probes: list[Probe], start: float, integer: bool, max_probes: int = MAX_PROBES) -> float | None:
    """The next load to measure, or None when the search is over."""
    if not probes:
        return start
    if len(probes) >= max_probes:
        return None
    passes = [p.load for p in probes if p.passed]
    if not passes:  # even the smallest load failed: halve it (concurrency stops at 1)
        low = min(p.load for p in probes)
        half = math.floor(low / GROWTH) if integer else low / GROWTH
        return None if integer and half < 1 else half
    best = max(passes)
    fails_above = [p.load for p in probes if not p.passed and p.load > best]
    if not fails_above:
        return best * GROWTH
    high = min(fails_above)
    if _bracket_done(best, high, integer):
        return None
    middle = (best + high) / 2
    return float(math.floor(middle)) if integer else middle


def search_end_reason(probes: list[Probe], max_probes: int = MAX_PROBES) -> str:
    """Why the search ended, in words for the profile."""
    if not any(p.passed for p in probes):
        return "no probed load met the SLO"
    if len(probes) >= max_probes:
        return f"stopped after {max_probes} probes"
    return "bracketed: the next load up failed"
