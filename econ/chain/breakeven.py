"""Break-even volume: the lowest constant daily request volume at which a steady month saves money.

Imports numpy, `econ.base.units`, `econ.chain.inputs`, `econ.chain.cashflow`. A steady month uses month-1
prices,
re-distillation amortized over its cadence, monitoring, fallback, router and error costs, and no
upfront spend. Self-hosted fleets make savings a staircase in volume, so the search visits every
step boundary and solves exactly inside the linear piece where savings first turn non-negative.
"""

from __future__ import annotations

import numpy as np

from econ.base.units import DAYS_PER_MONTH, SECONDS_PER_MONTH
from econ.chain.cashflow import col, month_costs
from econ.chain.inputs import NumericInputs, SideInputs

SEARCH_MAX_REQUESTS_PER_MONTH = 1e13  # the break-even search ceiling: about 3.3e11 requests/day
GRID_POINTS = 2000
MAX_STEPS_PER_FLEET = 50_000


def steady_month_savings_usd(x: NumericInputs, requests, sized_at=None) -> np.ndarray:
    """Teacher − student cost of one steady month at each volume (requests/month, shape (K,)).

    The month's lines are `econ.chain.cashflow.month_costs` at month-1 prices, plus re-distillation spread
    over its cadence and monitoring. `sized_at` sizes every fleet at other volumes of the same shape
    (to stay inside one step).
    """
    r = np.asarray(requests, dtype=float).reshape(1, -1)
    sizing = None if sized_at is None else np.asarray(sized_at, dtype=float).reshape(1, -1)
    costs = month_costs(x, r, np.ones((1, 1)), sizing)
    every = col(x.redistill_every_months)
    with np.errstate(divide="ignore", invalid="ignore"):
        redistill = np.where(every > 0, col(x.redistill_usd) / np.where(every > 0, every, 1), 0.0)
    student = costs.student_usd + redistill + col(x.monitoring_usd_per_month)
    return (costs.teacher_usd - student)[0]


def _fleet_boundaries(side: SideInputs, peak_to_average: float, share: float, up_to: float) -> np.ndarray:
    """Monthly volumes ≤ up_to at which a self-hosted fleet adds a replica (or leaves its minimum)."""
    if side.is_api or share <= 0:
        return np.empty(0)
    with np.errstate(over="ignore"):  # a share near 0 puts the first step beyond any volume (inf): no steps
        per_replica_month = side.requests_per_s_per_replica[0] * side.target_utilization[
            0] * SECONDS_PER_MONTH / share
    if side.always_on:
        per_replica_month /= peak_to_average
        steps = int(min(MAX_STEPS_PER_FLEET, np.ceil(up_to / per_replica_month)))
        return np.arange(1, steps + 1) * per_replica_month
    return np.array([side.min_replicas[0] * per_replica_month])


def breakeven_requests_per_day(x: NumericInputs) -> float | None:
    """Lowest constant requests/day with steady-month savings ≥ 0; None when no volume gets there.

    Where a fleet step decides (the teacher's next replica), it is the volume just above which distilling
    saves.

    A coarse log grid finds the first volume that saves; within a fleet's step savings rise with
    volume, so any earlier saving window ends at a step's top: those boundaries up to the grid hit
    are checked too, and the root is solved exactly inside the linear piece before the first hit.
    """
    if x.variants != 1:
        raise ValueError("break-even is computed for one variant at a time")
    grid = np.concatenate([[0.0], np.geomspace(1.0, SEARCH_MAX_REQUESTS_PER_MONTH, GRID_POINTS)])
    grid_hits = np.flatnonzero(steady_month_savings_usd(x, grid) >= 0)
    if grid_hits.size == 0:
        return None
    up_to = grid[grid_hits[0]]
    p2a = float(x.peak_to_average[0])
    fallback = float(x.fallback_rate[0])
    candidates = np.concatenate([
        grid[: grid_hits[0] + 1],
        _fleet_boundaries(x.student, p2a, 1.0, up_to),
        _fleet_boundaries(x.teacher, p2a, 1.0, up_to),
        _fleet_boundaries(x.teacher, p2a, fallback, up_to),
    ])
    candidates = np.unique(candidates[candidates <= up_to])
    savings = steady_month_savings_usd(x, candidates)
    i = np.flatnonzero(savings >= 0)[0]
    if i == 0:
        return 0.0
    lo, hi = candidates[i - 1], candidates[i]
    # Inside (lo, hi] every fleet has the size it has at hi, so savings are linear there.
    s_lo = steady_month_savings_usd(x, [lo], sized_at=[hi])[0]
    s_hi = savings[i]
    if s_lo >= 0:  # saves from just above lo: a step (e.g. the teacher's next replica) made the difference
        return float(lo) / DAYS_PER_MONTH
    root = lo + (0.0 - s_lo) * (hi - lo) / (s_hi - s_lo)
    return float(np.clip(root, lo, hi)) / DAYS_PER_MONTH
