"""Monthly cash flows of "stay on the teacher" and "distil", for one or many variants at once.

Imports numpy, `econ.base.units`, `econ.serving.capacity`, `econ.chain.inputs`. Every function works on
arrays: inputs of shape (V,) become columns (V, 1) and broadcast against months (1, M). The chain (DESIGN.md):
traffic → average and peak requests/s → serving cost per side → fallback, router, errors →
re-distillation and monitoring.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

import numpy as np

from econ.base.units import (
    DAYS_PER_MONTH,
    MONTHS_PER_YEAR,
    SECONDS_PER_MONTH,
    discount_factor,
    monthly_rate,
)
from econ.chain.inputs import NumericInputs, SideInputs
from econ.serving.capacity import autoscaled_replicas, replicas_for_peak
from econ.serving.unit_costs import gpu_month_usd


def col(values: np.ndarray) -> np.ndarray:
    """(V,) → (V, 1) so it broadcasts against months."""
    return np.asarray(values, dtype=float).reshape(-1, 1)


def month_numbers(months: int) -> np.ndarray:
    """1, 2, …, M as a row (1, M)."""
    return np.arange(1, months + 1, dtype=float).reshape(1, -1)


def monthly_requests(x: NumericInputs) -> np.ndarray:
    """Requests per month: requests_per_day × (1 + g)^(m−1) × season[m] × 730/24, or the explicit series."""
    m = month_numbers(x.months)
    if x.explicit_requests is not None:
        base = x.explicit_requests.reshape(1, -1)
    else:
        growth = (1.0 + col(x.monthly_growth)) ** (m - 1.0)
        base = col(x.requests_per_day) * growth * x.seasonality.reshape(1, -1) * DAYS_PER_MONTH
    return col(x.traffic_scale) * base


@dataclass(frozen=True)
class Fleet:
    """Serving cost of one side for given monthly requests, with its self-hosted fleet."""

    usd: np.ndarray
    replicas: np.ndarray  # 0 for an API
    utilization: np.ndarray  # average requests/s ÷ fleet capacity; NaN for an API or an empty fleet


def fleet_replicas(
    side: SideInputs, requests: np.ndarray, peak_to_average, keep_min: np.ndarray | bool = True
):
    """Replicas a self-hosted side runs: a whole-replica staircase for peak, or autoscaled for average."""
    average_rps = requests / SECONDS_PER_MONTH
    min_replicas = np.where(keep_min, col(side.min_replicas), 0.0)
    rps_per_replica, target = col(side.requests_per_s_per_replica), col(side.target_utilization)
    if side.always_on:
        peak_rps = average_rps * col(peak_to_average)
        return replicas_for_peak(peak_rps, rps_per_replica, target, min_replicas)
    return autoscaled_replicas(average_rps, rps_per_replica, target, min_replicas)


def serving_fleet(
    side: SideInputs, requests: np.ndarray, peak_to_average, month: np.ndarray,
    keep_min: np.ndarray | bool = True, replicas: np.ndarray | None = None,
) -> Fleet:
    """API: requests × $/request × (1 − decline)^((m−1)/12). Self-hosted: replicas × GPUs × 730 h × $/h.

    Utilization sizes the fleet; it never discounts the bill of an always-on GPU.
    `keep_min` False drops min_replicas (a fleet that never gets traffic, e.g. fallback rate 0).
    `replicas` fixes the fleet instead of sizing it (used to solve break-even inside one step).
    """
    if side.is_api:
        drift = (1.0 - col(side.annual_price_decline)) ** ((month - 1.0) / MONTHS_PER_YEAR)
        usd = requests * col(side.usd_per_request) * drift
        nan = np.full(np.broadcast(usd, requests).shape, np.nan)
        return Fleet(usd, np.zeros_like(nan), nan)
    if replicas is None:
        replicas = fleet_replicas(side, requests, peak_to_average, keep_min)
    usd = gpu_month_usd(col(side.gpu_usd_per_hour), replicas * col(side.gpus_per_replica))
    with np.errstate(divide="ignore", invalid="ignore"):
        capacity_rps = replicas * col(side.requests_per_s_per_replica)
        utilization = np.where(replicas > 0, requests / SECONDS_PER_MONTH / capacity_rps, np.nan)
    return Fleet(usd, replicas, utilization)


def redistill_months(every_months: np.ndarray, months: int, lead_time_months=0.0) -> np.ndarray:
    """1 in months k, 2k, … after the student starts serving (month ⌈lead⌉ + k, …), else 0."""
    m = month_numbers(months) - np.ceil(col(lead_time_months))
    k = col(every_months)
    with np.errstate(divide="ignore", invalid="ignore"):
        due = (m > 0) & (np.mod(m, np.where(k > 0, k, 1.0)) == 0)
        return np.where(k > 0, due, False).astype(float)


def serving_share(lead_time_months: np.ndarray, months: int) -> np.ndarray:
    """Share of month m the student serves: clip(m − lead, 0, 1) (month m covers (m − 1, m])."""
    return np.clip(month_numbers(months) - col(lead_time_months), 0.0, 1.0)


@dataclass(frozen=True)
class MonthCosts:
    """The cost lines of months that depend on volume, both paths, shape (V, M), USD.

    Re-distillation and monitoring are not here: the cash flow bills them by the calendar, the
    steady month of break-even spreads them evenly.
    """

    teacher_serving_usd: np.ndarray
    teacher_errors_usd: np.ndarray
    teacher_replicas: np.ndarray
    student_serving_usd: np.ndarray
    student_fallback_usd: np.ndarray
    student_router_usd: np.ndarray
    student_errors_usd: np.ndarray
    student_replicas: np.ndarray
    student_utilization: np.ndarray
    fallback_replicas: np.ndarray  # the teacher replicas serving the fallback share (0 for an API teacher)

    @property
    def teacher_usd(self) -> np.ndarray:
        return self.teacher_serving_usd + self.teacher_errors_usd

    @property
    def student_usd(self) -> np.ndarray:
        """Serving, fallback, router and errors of the distilled path."""
        return (self.student_serving_usd + self.student_fallback_usd + self.student_router_usd
                + self.student_errors_usd)


@dataclass(frozen=True)
class MonthlyFlows(MonthCosts):
    """Every monthly cost line, shape (V, M), USD: the month costs plus the calendar's.

    Savings = teacher − student.
    """

    requests: np.ndarray
    student_redistill_usd: np.ndarray
    student_monitoring_usd: np.ndarray
    # the teacher's bill the distil path still pays before the student serves
    student_lead_teacher_usd: np.ndarray
    discount_factor: np.ndarray  # 1 / (1 + r_m)^m
    upfront_usd: np.ndarray  # (V, 1), spent at t = 0

    @property
    def student_usd(self) -> np.ndarray:
        return (super().student_usd + self.student_redistill_usd + self.student_monitoring_usd
                + self.student_lead_teacher_usd)

    @property
    def savings_usd(self) -> np.ndarray:
        return self.teacher_usd - self.student_usd


def month_costs(
    x: NumericInputs, requests: np.ndarray, month: np.ndarray, sizing: np.ndarray | None = None
) -> MonthCosts:
    """Every volume-driven cost line at `requests` per month; fleets sized for `sizing` (default: `requests`).

    The one rule for what a month costs, shared by the cash flow (`monthly_flows`) and break-even
    (`econ.chain.breakeven`, which sizes fleets at another volume to stay inside one fleet step).
    A self-hosted teacher keeps a (smaller) fleet for the fallback share whenever requests may fall back.
    """
    size = requests if sizing is None else sizing
    p2a, f = x.peak_to_average, col(x.fallback_rate)

    def fleet(side: SideInputs, req, size_req, keep_min=True) -> Fleet:
        if side.is_api:
            return serving_fleet(side, req, p2a, month)
        replicas = fleet_replicas(side, size_req, p2a, keep_min)
        return serving_fleet(side, req, p2a, month, replicas=replicas)

    teacher, student = fleet(x.teacher, requests, size), fleet(x.student, requests, size)
    fallback = fleet(x.teacher, requests * f, size * f, keep_min=f > 0)
    return MonthCosts(
        teacher_serving_usd=teacher.usd,
        teacher_errors_usd=requests * col(x.teacher_error_rate) * col(x.usd_per_error),
        teacher_replicas=teacher.replicas,
        student_serving_usd=student.usd,
        student_fallback_usd=fallback.usd,
        student_router_usd=requests * col(x.router_usd_per_request),
        student_errors_usd=requests * col(x.student_error_rate) * col(x.usd_per_error),
        student_replicas=student.replicas,
        student_utilization=student.utilization,
        fallback_replicas=fallback.replicas,
    )


def effective_upfront_usd(x: NumericInputs) -> np.ndarray:
    """upfront + run × (tokens scale − 1) + scoring × tokens scale × (1 ÷ speed scale − 1): every phase is
    tokens ÷ tokens/s × price, so token volumes scale the whole run and scoring speed divides its scoring.
    Both scales at 1 (a scenario's own values) leave upfront_usd exactly as it is."""
    tokens, speed = col(x.distill_tokens_scale), col(x.scoring_speed_scale)
    return (col(x.upfront_usd) + col(x.run_usd) * (tokens - 1.0)
            + col(x.scoring_usd) * tokens * (1.0 / speed - 1.0))


STUDENT_LINES = ("student_serving_usd", "student_fallback_usd", "student_router_usd", "student_errors_usd")


def with_lead_time(costs: MonthCosts, share: np.ndarray) -> MonthCosts:
    """The student's lines × the share of each month it serves (the teacher's part is its own line)."""
    return replace(costs, **{name: getattr(costs, name) * share for name in STUDENT_LINES})


def monthly_flows(x: NumericInputs) -> MonthlyFlows:
    """All monthly cost lines of both paths for every variant."""
    m = month_numbers(x.months)
    requests = monthly_requests(x)
    share = serving_share(x.lead_time_months, x.months)
    steady = month_costs(x, requests, m)
    costs = with_lead_time(steady, share)
    redistill_due = redistill_months(x.redistill_every_months, x.months, x.lead_time_months)
    redistill = redistill_due * col(x.redistill_usd)
    monitoring = col(x.monitoring_usd_per_month) * share
    lead_teacher = (1.0 - share) * steady.teacher_usd
    upfront = effective_upfront_usd(x)
    cost_lines = [getattr(costs, f.name) for f in fields(costs)]
    lines = cost_lines + [requests, redistill, monitoring, lead_teacher, upfront]
    shape = np.broadcast_shapes(*(np.shape(line) for line in lines))

    def full(a):
        return np.broadcast_to(a, shape)

    discount = discount_factor(monthly_rate(col(x.annual_discount_rate)), m)
    return MonthlyFlows(
        requests=full(requests),
        **{f.name: full(getattr(costs, f.name)) for f in fields(costs)},
        student_redistill_usd=full(redistill),
        student_monitoring_usd=full(monitoring),
        student_lead_teacher_usd=full(lead_teacher),
        discount_factor=full(discount),
        upfront_usd=np.broadcast_to(upfront, (shape[0], 1)),
    )
