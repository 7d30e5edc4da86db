"""Verdict of one screened task: distil, watch or stay, with its reasons in words.

Imports only `econ.cli.report` (money words). The thresholds are named here with why they sit where they do:

- **distil**: pays back within `DISTIL_PAYBACK_SHARE` of the horizon, today's volume is at least
  `BREAKEVEN_MARGIN` × break-even, daily volume is steady (volatility ≤ `MAX_VOLATILITY`), the
  history is long enough to trust the fitted growth (`CONFIDENT_HISTORY_DAYS`), and the low side of the
  task's own Monte Carlo (P10 NPV) is above 0;
- **watch**: pays (payback within the horizon and NPV > 0) but misses one of those, or has too little
  history to be scored at all;
- **stay**: never pays (no payback within the horizon, or NPV ≤ 0), or volume is below break-even.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from econ.base.units import LEVEL_DAYS
from econ.io.formats import usd

DISTIL = "distil"
WATCH = "watch"
STAY = "stay"
VERDICTS = (DISTIL, WATCH, STAY)
# The rule: a student must pay back within half the horizon, leaving the other half as profit
# and as room for a late start or a re-distillation that costs more than planned.
DISTIL_PAYBACK_SHARE = 0.5
# Volume at least 1.5× break-even: a third of today's traffic can go (a product change, a seasonal
# low, a customer lost) before the student stops saving money.
BREAKEVEN_MARGIN = 1.5
# Day-to-day variation (CV after trend and weekly pattern) above 25% is event-driven traffic
# (campaigns, batch jobs, spikes): an always-on fleet sized for the template's peak-to-average then
# either misses the spikes or idles between them, and last month's level says little about next
# month's. Steady product features sit at 3-15% (Poisson noise alone is 1/sqrt(requests/day)).
MAX_VOLATILITY = 0.25
# 13 weeks, a quarter: growth fitted on fewer whole-week totals swings by several %/month with noise.
CONFIDENT_HISTORY_DAYS = 91


@dataclass(frozen=True)
class Facts:
    """What the verdict looks at for one scored task."""

    days: int
    requests_per_day: float
    volatility: float  # NaN when it could not be measured
    payback_months: float | None
    npv_usd: float
    breakeven_requests_per_day: float | None
    horizon_months: int
    fitted_growth: float
    projected_growth: float
    npv_p10_usd: float | None = None  # the low side of the task's Monte Carlo (None: not drawn)
    growth_significant: bool = True


def _count(value: float) -> str:
    return f"{value:,.0f}" if value >= 10 else f"{value:.2g}"


def _volume_reasons(f: Facts) -> tuple[list[str], bool, bool]:
    """Reasons about volume vs break-even, whether it is below break-even, whether it has the margin."""
    be = f.breakeven_requests_per_day
    if be is None:
        return ["no volume makes distilling pay: the student's cost per request is not below the teacher's"], True, False
    if be == 0:
        return ["saves at any volume: the distilled setup's fixed costs are below the teacher's"], False, True
    multiple = f.requests_per_day / be
    words = f"{_count(f.requests_per_day)} requests/day vs a break-even of {_count(be)}"
    if multiple < 1:
        return [f"below break-even: {words}"], True, False
    if multiple < BREAKEVEN_MARGIN:
        return [f"close to break-even: {words} ({multiple:.2f}×, want ≥ {BREAKEVEN_MARGIN}×)"], False, False
    return [f"volume {multiple:.1f}× break-even ({words})"], False, True


def _payback_reason(f: Facts) -> tuple[str, bool, bool]:
    """Words, whether it pays at all, whether it pays back fast enough for distil."""
    h = f.horizon_months
    if f.payback_months is None or f.npv_usd <= 0:
        when = f"no payback within {h} months" if f.payback_months is None else f"pays back in {f.payback_months:.1f} months"
        return f"never pays: {when}, NPV {usd(f.npv_usd)}", False, False
    limit = DISTIL_PAYBACK_SHARE * h
    fast = f.payback_months <= limit
    side = "within" if fast else "later than"
    return f"pays back in {f.payback_months:.1f} months ({side} half the {h}-month horizon), NPV {usd(f.npv_usd)}", True, fast


def _stability_reasons(f: Facts) -> tuple[list[str], bool]:
    reasons = []
    if math.isnan(f.volatility):
        reasons.append("volatility not measurable (too few requests)")
        steady = False
    else:
        steady = f.volatility <= MAX_VOLATILITY
        state = "steady" if steady else "unsteady"
        reasons.append(f"{state}: day-to-day variation {f.volatility:.0%} after trend and weekly pattern "
                       f"(limit {MAX_VOLATILITY:.0%})")
    long_enough = f.days >= CONFIDENT_HISTORY_DAYS
    if not long_enough:
        reasons.append(f"only {f.days} days of history: growth is uncertain before {CONFIDENT_HISTORY_DAYS} days")
    if f.growth_significant and f.projected_growth < f.fitted_growth:
        reasons.append(f"growth fitted at {f.fitted_growth:+.1%}/month, projected at {f.projected_growth:+.1%}/month "
                       "(a ramp does not compound for the whole horizon)")
    return reasons, steady and long_enough


def verdict(f: Facts) -> tuple[str, tuple[str, ...]]:
    """distil / watch / stay for a scored task, and the reasons (first the one that decided)."""
    payback_words, pays, fast = _payback_reason(f)
    volume_words, below, margin = _volume_reasons(f)
    stability_words, stable = _stability_reasons(f)
    if not pays or below:
        first = volume_words if below else [payback_words]
        rest = [payback_words] if below else volume_words
        return STAY, tuple(first + rest)
    reasons = [payback_words, *volume_words, *stability_words]
    sure = f.npv_p10_usd is None or f.npv_p10_usd > 0
    if not sure:
        reasons.append(f"low side: P10 NPV {usd(f.npv_p10_usd)} ≤ 0, one time in ten it loses money on what "
                       "the log shows")
    if fast and margin and stable and sure:
        return DISTIL, tuple(reasons)
    return WATCH, tuple(reasons)


def unscored_verdict(days: int, min_days: int, requests: float) -> tuple[str, tuple[str, ...]]:
    """A task with too little history (or none of its requests) is listed, not scored."""
    if not requests > 0:
        return STAY, (f"no requests in the last {LEVEL_DAYS} days: nothing to distil (retired?)",)
    return WATCH, (f"only {days} days of history, fewer than the {min_days} needed to score it; "
                   "screen it again when it has more",)
