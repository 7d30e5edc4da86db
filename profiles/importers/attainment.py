"""SLO attainment of an imported point, and the capacity block `profiles import --slo-ttft-ms` records.

Torch-free and HTTP-free: imports the capacity block of `profiles.load` (the same definition as
`profiles load --find-capacity`) and the importer records. Attainment is the share of all requests
(failed ones count as missing the SLO) whose TTFT and TPOT meet the limits given:
- exact, where the file lists each request's latencies;
- otherwise a lower bound from the percentiles the file gives: a latency whose q-th percentile is within
  its limit is met by at least a share q of the completed requests; two latencies together by at least
  q1 + q2 - 1 (the union bound); times the completed share. A bound only ever fails a load that
  passed, never passes one that failed, and the profile says which points are bounds.
"""

from __future__ import annotations

from econ.model.profile import CapacitySearch, Point
from profiles.importers.records import ImportedPoint
from profiles.load.capacity_result import capacity_result
from profiles.load.served import Slo


def _met_share(grid: tuple[tuple[float, float], ...] | None, limit_ms: float | None) -> float | None:
    """The largest quantile within the limit (0 when none is; None when the file has no percentiles)."""
    if limit_ms is None:
        return 1.0
    if not grid:
        return None
    return max((q for q, value in grid if value <= limit_ms), default=0.0)


def attainment(imported: ImportedPoint, slo: Slo) -> tuple[float | None, bool]:
    """(share of requests meeting every SLO given, exact?); None when the file cannot tell."""
    completed = imported.point.repeats or 0
    total = completed + imported.failed
    if not total:
        return 0.0, True
    if imported.per_request is not None:
        met = sum(1 for ttft, tpot in imported.per_request
                  if (slo.ttft_ms is None or ttft <= slo.ttft_ms)
                  and (slo.tpot_ms is None or tpot is None or tpot <= slo.tpot_ms))
        return met / total, True
    shares = [_met_share(imported.grids.get("ttft_ms"), slo.ttft_ms),
              _met_share(imported.grids.get("tpot_ms"), slo.tpot_ms)]
    if None in shares:
        return None, False
    return max(0.0, sum(shares) - 1.0) * completed / total, False


Judged = tuple[list[Point], CapacitySearch, list[str]]


def with_capacity(imported: list[ImportedPoint], slo: Slo, target: float) -> Judged:
    """Each point with its attainment, the capacity block over them, and notes on bounds and unknowns."""
    points, notes = [], []
    for item in imported:
        share, exact = attainment(item, slo)
        where = f"{item.point.load.kind} {item.point.load.value:g}"
        if share is None:
            notes.append(f"{where}: SLO attainment unknown (the file has no percentiles of a latency the "
                         "SLO limits): the load counts as failing")
        elif not exact:
            notes.append(f"{where}: SLO attainment {share:.3f} is a lower bound from the file's percentiles")
        judged = {"slo_attainment": share}
        points.append(item.point if share is None else item.point.model_copy(update=judged))
    capacity = capacity_result(points[0].load.kind, points, slo, target, len(points))
    return points, capacity.model_copy(update={"ended": _ended(capacity)}), notes


def _ended(capacity: CapacitySearch) -> str:
    """Why the capacity is what it is, for loads another tool chose (no search ran)."""
    if capacity.load is None:
        return "no imported load met the SLO"
    if capacity.load == max(p.load for p in capacity.probes):
        return "the highest imported load met the SLO: the capacity may be higher"
    return "the next imported load up failed the SLO"
