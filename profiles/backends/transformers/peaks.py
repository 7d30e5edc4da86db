"""A measured point's MBU and MFU against the measured and data-sheet peaks, and the check that none is
impossible (above 1 of the measured peak).

Torch-free: imports the profile schema and the one roofline (`profiles.analytic.roofline`), so a
measured MFU is the quantity an estimate and a calibration use. On a busy machine a microbenchmark can
come out low (another process shared the device) and a point then reports MFU 1.9 "of the peak"; the
check measures the peaks once more and marks what is still impossible UNRELIABLE in the notes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from econ.model.profile import Point
from profiles.analytic.roofline import PointShape, measured_utilizations

GB = 1e9  # bandwidth in GB/s = 1e9 bytes/s (DESIGN.md conventions)
MS_PER_S = 1e3


@dataclass(frozen=True)
class Peaks:
    """What the utilizations are relative to: measured bandwidth (GB/s) and FLOP/s by dtype, data-sheet
    figures."""

    bandwidth_gb_per_s: float
    flop_per_s: dict[str, float]
    bandwidth_spec_gb_per_s: float | None
    flop_per_s_spec: float | None


def with_utilizations(point: Point, shape: PointShape, peaks: Peaks) -> Point:
    """The point with MBU, MFU, MBU_spec and MFU_spec from its mean TTFT and mean E2E − TTFT."""
    ttft_s = point.ttft_ms.mean / MS_PER_S
    decode_s = point.e2e_ms.mean / MS_PER_S - ttft_s  # the mean over runs of E2E − TTFT
    spec_bandwidth = peaks.bandwidth_spec_gb_per_s * GB if peaks.bandwidth_spec_gb_per_s else None
    u = measured_utilizations(shape, point.batch_size, (ttft_s, decode_s),
                              (peaks.bandwidth_gb_per_s * GB, peaks.flop_per_s.get(shape.dtype)),
                              (spec_bandwidth, peaks.flop_per_s_spec))
    return point.model_copy(
        update={"mbu": u.mbu, "mfu": u.mfu, "mbu_spec": u.mbu_spec, "mfu_spec": u.mfu_spec})


def impossible_points(points: list[Point]) -> list[Point]:
    """Points whose MBU or MFU exceeds 1 of the measured peak."""
    return [p for p in points if (p.mbu or 0) > 1 or (p.mfu or 0) > 1]


def _describe(points: list[Point]) -> str:
    return "; ".join(f"batch {p.batch_size}: MBU {p.mbu or 0:.2f}, MFU {p.mfu or 0:.2f}" for p in points)


def check_peaks(points: list[Point], shape: PointShape, peaks: Peaks,
                remeasure: Callable[[], Peaks]) -> tuple[list[Point], Peaks, list[str]]:
    """(points, peaks, notes): with an impossible point, the peaks measured again once and every point
    recomputed against them; a point still above 1 is named UNRELIABLE in the notes."""
    first = impossible_points(points)
    if not first:
        return points, peaks, []
    notes = [f"MBU/MFU above 1 of the measured peak ({_describe(first)}): the microbenchmark was run again"]
    peaks = remeasure()
    points = [p if p.oom else with_utilizations(p, shape, peaks) for p in points]
    notes += [f"UNRELIABLE: {_describe([p])} of the re-measured peak, which no run can exceed: the machine "
              "was busy or the timing is wrong; measure again on a quiet machine" for p in impossible_points(
                  points)]
    return points, peaks, notes
