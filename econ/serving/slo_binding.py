"""Which latency limit picked the operating point: every SLO limit a scenario can set (one table), and the
sentence that names the limit the next load up would break ("batch 64 would break the 1,000 ms TTFT
SLO (p99 TTFT 1,324 ms)").

Imports `econ.model.profile` and `econ.model.scenario` only. The operating point itself is chosen in
`econ.serving.capacity`; this module explains that choice from the same measured points.
"""

from __future__ import annotations

from dataclasses import dataclass

from econ.model.profile import Point, Profile
from econ.model.scenario import LatencySlo


@dataclass(frozen=True)
class SloLimit:
    """One latency limit: the LatencySlo field, its short name, and the Point percentiles it reads."""

    field: str
    name: str
    point_field: str

    def value(self, point: Point) -> float | None:
        """The point's p99 of this latency, ms (None where the point has none)."""
        percentiles = getattr(point, self.point_field)
        return None if percentiles is None else percentiles.p99


# Every limit LatencySlo can hold, in the order pages draw them; a test keeps it equal to LatencySlo's fields.
SLO_LIMITS = (SloLimit("ttft_ms_p99", "TTFT", "ttft_ms"), SloLimit("tpot_ms_p99", "TPOT", "tpot_ms"))


def set_limits(slo: LatencySlo | None) -> list[tuple[SloLimit, float]]:
    """The limits this SLO sets, with their ms values (none set: empty)."""
    if slo is None:
        return []
    values = [(limit, getattr(slo, limit.field)) for limit in SLO_LIMITS]
    return [(limit, ms) for limit, ms in values if ms is not None]


def broken_limits(point: Point, slo: LatencySlo | None) -> list[tuple[SloLimit, float, float]]:
    """(limit, SLO ms, the point's p99 ms) for every limit the point's p99 exceeds."""
    out = []
    for limit, bound in set_limits(slo):
        value = limit.value(point)
        if value is not None and value > bound:
            out.append((limit, bound, value))
    return out


def _name(point: Point, served: bool) -> str:
    if not served:
        return f"batch {point.batch_size}"
    load = point.load
    unit = " req/s" if load.kind == "rate" else ""
    return f"{load.kind} {load.value:g}{unit} (achieved {point.requests_per_s:.3g} req/s)"


def _above(profile: Profile, chosen: Point) -> list[Point]:
    """Fitting points past the chosen one, in the order the choice ranks them (batch, or achieved rate)."""
    if profile.served:
        return sorted((p for p in profile.fitting_points() if p.requests_per_s > chosen.requests_per_s),
                      key=lambda p: p.requests_per_s)
    return [p for p in profile.fitting_points() if p.batch_size > chosen.batch_size]


def binding_sentence(profile: Profile, slo: LatencySlo | None, chosen: Point,
                     attainment_target: float | None = None) -> str:
    """What stops the operating point from going one load higher, in words."""
    above = _above(profile, chosen)
    if not above:
        larger_oom = [p for p in profile.points if p.oom and p.batch_size > chosen.batch_size]
        if larger_oom and not profile.served:
            return (f"batch {larger_oom[0].batch_size} does not fit in memory; every batch that fits meets "
                    "the SLO, so memory, not latency, sets the operating point")
        what = "load" if profile.served else "batch"
        return (f"{_name(chosen, profile.served)} is the largest measured {what}; no SLO limit binds inside "
                f"the measured range (measure a larger {what} to find one)")
    following = above[0]
    broken = broken_limits(following, slo)
    parts = [f"the {bound:,.0f} ms {limit.name} SLO (p99 {limit.name} {value:,.0f} ms)"
             for limit, bound, value in broken]
    sentence = f"{_name(following, profile.served)} would break " + " and ".join(parts) if parts else ""
    if attainment_target is not None and following.slo_attainment is not None:
        share = (f"{_name(following, profile.served)} would meet the SLO for only "
                 f"{following.slo_attainment:.0%} of requests (target {attainment_target:.0%})")
        sentence = share + ("; its p99s break " + " and ".join(parts) if parts else "")
    return sentence or f"{_name(following, profile.served)} is the next load up and fails the SLO"
