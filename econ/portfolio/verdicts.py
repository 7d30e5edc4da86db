"""Verdict of one screened task, from the one rule every answer uses, and what to watch on it, in words.

Imports `econ.risk.verdict` (the rule: Distil / Don't distil / Not yet decidable) and `econ.io.formats`.
The screen computes each task's `VerdictInputs` (payback and NPV at the point estimate from its vectorized
evaluation; the confidence from its own Monte Carlo over what its log shows, times the chance that the
student reaches the quality bar); `econ.risk.verdict.verdict_from` decides. Nothing here decides.

What a careful analyst would still *watch* on a task the rule calls Distil is said as a reason, not as a
second rule ("watch: ..."). The thresholds, with why they sit where they do:

- `DISTIL_PAYBACK_SHARE`: payback later than half the horizon leaves little room for a late start;
- `BREAKEVEN_MARGIN`: today's volume below 1.5× break-even: a third of the traffic lost ends the saving;
- `MAX_VOLATILITY`: day-to-day variation above 25% is event-driven traffic;
- `CONFIDENT_HISTORY_DAYS`: growth fitted on under a quarter of history swings with noise;
- a P10 NPV ≤ 0: one time in ten, on what the log shows, it loses money.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from econ.base.units import LEVEL_DAYS
from econ.io.formats import usd
from econ.risk.verdict import MissingInput, Verdict, VerdictInputs, verdict_from

# A student must pay back within half the horizon, leaving the other half as profit and as room for a
# late start or a re-distillation that costs more than planned.
DISTIL_PAYBACK_SHARE = 0.5
# Volume at least 1.5× break-even: a third of today's traffic can go (a product change, a seasonal
# low, a customer lost) before the student stops saving money.
BREAKEVEN_MARGIN = 1.5
# Day-to-day variation (CV after trend and weekly pattern) above 25% is event-driven traffic
# (campaigns, batch jobs, spikes): last month's level says little about next month's. Steady product
# features sit at 3-15% (Poisson noise alone is 1/sqrt(requests/day)).
MAX_VOLATILITY = 0.25
# 13 weeks, a quarter: growth fitted on fewer whole-week totals swings by several %/month with noise.
CONFIDENT_HISTORY_DAYS = 91
WATCH = "watch: "  # the prefix of a caution among a task's reasons


@dataclass(frozen=True)
class Shared:
    """What every task of one screen shares through its template: the quality basis, the student's
    failure chance and the decisive inputs the template lacks (econ.risk.verdict)."""

    quality_basis: str
    p_student_fails: float
    missing: tuple[MissingInput, ...] = ()


@dataclass(frozen=True)
class Facts:
    """What the verdict and the cautions look at for one scored task."""

    days: int
    requests_per_day: float
    volatility: float  # NaN when it could not be measured
    payback_months: float | None
    npv_usd: float
    breakeven_requests_per_day: float | None
    horizon_months: int
    fitted_growth: float
    projected_growth: float
    npv_p10_usd: float
    p_npv_positive: float  # over the task's own Monte Carlo, with a student that reaches the bar
    growth_significant: bool = True
    doubtful: tuple[str, ...] = ()


def _count(value: float) -> str:
    return f"{value:,.0f}" if value >= 10 else f"{value:.2g}"


def _volume(f: Facts) -> str:
    be = f.breakeven_requests_per_day
    if be is None:
        return WATCH + ("no volume makes distilling pay: the student's cost per request is not below the "
                        "teacher's")
    if be == 0:
        return "saves at any volume: the distilled setup's fixed costs are below the teacher's"
    multiple = f.requests_per_day / be
    words = f"{_count(f.requests_per_day)} requests/day vs a break-even of {_count(be)}"
    if multiple < 1:
        return WATCH + f"below break-even: {words}"
    if multiple < BREAKEVEN_MARGIN:
        return WATCH + f"close to break-even: {words} ({multiple:.2f}×, want ≥ {BREAKEVEN_MARGIN}×)"
    return f"volume {multiple:.1f}× break-even ({words})"


def _stability(f: Facts) -> list[str]:
    if math.isnan(f.volatility):
        out = [WATCH + "volatility not measurable (too few requests)"]
    elif f.volatility > MAX_VOLATILITY:
        out = [WATCH + f"unsteady: day-to-day variation {f.volatility:.0%} after trend and weekly pattern "
               f"(limit {MAX_VOLATILITY:.0%}); last month's level says little about next month's"]
    else:
        out = [f"steady: day-to-day variation {f.volatility:.0%} after trend and weekly pattern "
               f"(limit {MAX_VOLATILITY:.0%})"]
    if f.days < CONFIDENT_HISTORY_DAYS:
        out.append(WATCH + f"only {f.days} days of history: growth is uncertain before "
                   f"{CONFIDENT_HISTORY_DAYS} days")
    if f.growth_significant and f.projected_growth < f.fitted_growth:
        out.append(f"growth fitted at {f.fitted_growth:+.1%}/month, projected at "
                   f"{f.projected_growth:+.1%}/month (a ramp does not compound for the whole horizon)")
    return out


def cautions(f: Facts) -> tuple[str, ...]:
    """Payback against half the horizon, volume against break-even, stability, history, the low side."""
    out = []
    late = DISTIL_PAYBACK_SHARE * f.horizon_months
    if f.payback_months is not None and f.npv_usd > 0 and f.payback_months > late:
        out.append(WATCH + f"pays back in {f.payback_months:.1f} months, later than half the "
                   f"{f.horizon_months}-month horizon")
    out += [_volume(f), *_stability(f)]
    if f.npv_p10_usd <= 0 < f.npv_usd:
        out.append(WATCH + f"low side: P10 NPV {usd(f.npv_p10_usd)} ≤ 0, one time in ten it loses money on "
                   "what the log shows")
    return tuple(out)


def task_verdict(f: Facts, shared: Shared) -> Verdict:
    """econ.risk.verdict's rule on one task: confidence = P(student reaches the bar) × P(NPV > 0 | it does),
    exact because a failed student's NPV is −upfront ≤ 0 and the two are drawn independently."""
    return verdict_from(VerdictInputs(
        horizon_months=f.horizon_months, payback_months=f.payback_months, npv_usd=f.npv_usd,
        confidence=(1.0 - shared.p_student_fails) * f.p_npv_positive, p_student_fails=shared.p_student_fails,
        quality_basis=shared.quality_basis, missing=shared.missing, doubtful=f.doubtful))


def unscored_verdict(days: int, min_days: int, requests: float, shared: Shared) -> Verdict:
    """A task with too little history is not yet decidable (history is the missing input); one with no
    requests lately has nothing to distil."""
    if not requests > 0:
        return verdict_from(VerdictInputs(
            horizon_months=0, payback_months=None, npv_usd=0.0, confidence=0.0, p_student_fails=0.0,
            quality_basis=shared.quality_basis,
            why_not=f"no requests in the last {LEVEL_DAYS} days: nothing to distil (retired?)"))
    history = MissingInput("usage log", "Days of history to score", (
        f"only {days} days of history, fewer than the {min_days} needed to score it; screen it again when it "
        "has more"))
    return verdict_from(VerdictInputs(
        horizon_months=0, payback_months=None, npv_usd=0.0, confidence=0.0, p_student_fails=0.0,
        quality_basis=shared.quality_basis, missing=(history, *shared.missing)))
