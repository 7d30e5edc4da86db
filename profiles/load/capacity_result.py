"""The capacity block of a served profile from its measured points: the largest achieved rate among the
loads whose SLO attainment met the target, with every probe. One definition for `profiles load
--find-capacity` and for `profiles import --slo-ttft-ms` (where another tool measured the loads).

Torch-free and HTTP-free: imports the profile schema, the capacity search's end reasons and `Slo`.
"""

from __future__ import annotations

from econ.model.profile import CapacityProbe, CapacitySearch, Point
from profiles.load.capacity_search import Probe, search_end_reason
from profiles.load.served import Slo


def passed(point: Point, attainment: float) -> bool:
    """The point's share of requests meeting every SLO reached the target."""
    return point.slo_attainment is not None and point.slo_attainment >= attainment


def best_point(points: list[Point], attainment: float) -> Point | None:
    """The passing point with the largest achieved rate (None: none passed)."""
    passing = [p for p in points if passed(p, attainment)]
    return max(passing, key=lambda p: p.requests_per_s or 0.0) if passing else None


def capacity_result(kind: str, points: list[Point], slo: Slo, attainment: float, max_probes: int,
                    binding_limit: str | None = None) -> CapacitySearch:
    """The capacity search's answer over these points, measured in this order."""
    best = best_point(points, attainment)
    probes = [CapacityProbe(load=p.load.value, requests_per_s=p.requests_per_s or 0.0,
                            slo_attainment=p.slo_attainment or 0.0, passed=passed(p, attainment))
              for p in points]
    reason = search_end_reason([Probe(p.load, p.passed) for p in probes], max_probes)
    return CapacitySearch(kind=kind, slo_ttft_ms=slo.ttft_ms, slo_tpot_ms=slo.tpot_ms, attainment=attainment,
                          load=best.load.value if best else None,
                          requests_per_s=best.requests_per_s if best else None, probes=probes, ended=reason,
                          binding_limit=binding_limit)
