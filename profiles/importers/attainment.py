"""SLO attainment of an imported point, and the capacity block `profiles import --slo-ttft-ms` records.

Torch-free and HTTP-free: imports the capacity block of `profiles.load` (the same definition as
`profiles load --find-capacity`) and the importer records. Attainment is the share of all requests
(failed ones count as missing the SLO) whose TTFT and TPOT meet the limits given:
- exact, where the file lists each request's latencies;
- otherwise a lower bound from the percentiles the file gives. vLLM and AIPerf interpolate linearly
  between the sorted values (numpy's default), so a q-th percentile within the limit proves that the
  floor(q (n - 1)) + 1 smallest of the n values are (the same holds for the lower, nearest and higher
  rank rules); a maximum within the limit proves all n are. Two latencies together: at least the sum
  of the shares minus 1 (the union bound); failed requests miss. A bound only ever fails a load that
  passed, never passes one that failed, and the profile says which points are bounds. With n = 32, a
  p99 within the limit proves 31/32 = 0.969: a 0.99 target then needs the maximum, as our own load
  test needs all 32 requests.
"""

from __future__ import annotations

import math

from econ.model.profile import CapacitySearch, Point
from profiles.importers.records import ImportedPoint
from profiles.load.capacity_result import capacity_result
from profiles.load.served import Slo


def _met_count(grid: tuple[tuple[float, float], ...] | None, limit_ms: float, n: int) -> int | None:
    """How many of the n values are proven within the limit (None when the file has no percentiles)."""
    if not grid:
        return None
    q = max((q for q, value in grid if value <= limit_ms), default=None)
    return 0 if q is None else math.floor(q * (n - 1) + 1e-9) + 1


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
    counts = [_met_count(imported.grids.get(name), limit, completed) for name, limit in
              (("ttft_ms", slo.ttft_ms), ("tpot_ms", slo.tpot_ms)) if limit is not None]
    if None in counts:
        return None, False
    # In whole requests (no rounding): those within every limit, at least sum - (limits - 1) × completed.
    return max(0, sum(counts) - (len(counts) - 1) * completed) / total, False


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
