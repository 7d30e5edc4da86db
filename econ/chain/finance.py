"""Finance on cash flows: payback (interpolated), discounted payback, NPV, IRR, ROI. Vectorized.

Imports numpy and `econ.base.units` only. Conventions (DESIGN.md): upfront spend at t = 0 undiscounted;
month m's flow discounted by (1 + r_m)^m with r_m = (1 + r)^(1/12) − 1; payback interpolated
linearly inside the month where cumulative savings turn non-negative. Inputs: upfront (V,),
per-period flows (V, M). NaN means "never" / "undefined".
"""

from __future__ import annotations

import numpy as np

from econ.base.units import MONTHS_PER_YEAR, discount_factor

IRR_BRACKET_PER_PERIOD = (-0.9999, 100.0)  # search range of the per-period IRR
IRR_BISECTION_STEPS = 64  # halves the bracket to ~1e-17 of its width: double precision


def _rows(upfront, flows):
    flows = np.atleast_2d(np.asarray(flows, dtype=float))
    upfront = np.broadcast_to(np.asarray(upfront, dtype=float).reshape(-1), (flows.shape[0],))
    return upfront, flows


def payback_periods(upfront, flows) -> np.ndarray:
    """Periods until −upfront + cumulative flows ≥ 0, interpolated inside the crossing period; NaN if
    never."""
    upfront, flows = _rows(upfront, flows)
    cumulative = -upfront[:, None] + np.cumsum(flows, axis=1)
    before = np.concatenate([-upfront[:, None], cumulative[:, :-1]], axis=1)
    reached = cumulative >= 0
    first = np.argmax(reached, axis=1)
    rows = np.arange(flows.shape[0])
    flow = flows[rows, first]
    with np.errstate(divide="ignore", invalid="ignore"):
        fraction = np.where(flow > 0, -before[rows, first] / flow, 0.0)
    payback = first + np.clip(fraction, 0.0, 1.0)
    payback = np.where(reached.any(axis=1), payback, np.nan)
    return np.where(upfront <= 0, 0.0, payback)


def npv(upfront, flows, rate_per_period) -> np.ndarray:
    """−upfront + Σ_m flow_m / (1 + r)^m, m = 1…M."""
    upfront, flows = _rows(upfront, flows)
    m = np.arange(1, flows.shape[1] + 1)
    rate = np.asarray(rate_per_period, dtype=float).reshape(-1, 1)
    return -upfront + np.sum(flows * discount_factor(rate, m), axis=1)


def irr_per_period(upfront, flows) -> np.ndarray:
    """Rate r with npv(upfront, flows, r) = 0, by bisection; NaN where no sign change brackets one."""
    upfront, flows = _rows(upfront, flows)
    m = np.arange(1, flows.shape[1] + 1)

    def npv_at(rate):
        # Near the bracket's low end (1 + r)^-m overflows to inf: only the sign is used, and inf has one.
        with np.errstate(over="ignore", invalid="ignore"):
            return -upfront + np.sum(flows * discount_factor(rate[:, None], m), axis=1)

    lo = np.full(flows.shape[0], IRR_BRACKET_PER_PERIOD[0])
    hi = np.full(flows.shape[0], IRR_BRACKET_PER_PERIOD[1])
    sign_lo = np.sign(npv_at(lo))
    valid = (sign_lo != np.sign(npv_at(hi))) & (upfront > 0)
    for _ in range(IRR_BISECTION_STEPS):
        mid = (lo + hi) / 2
        left = np.sign(npv_at(mid)) == sign_lo
        lo = np.where(left, mid, lo)
        hi = np.where(left, hi, mid)
    return np.where(valid, (lo + hi) / 2, np.nan)


def annualize(rate_per_month):
    """(1 + r_m)^12 − 1 (inf where it overflows; the evaluation reports that as no IRR)."""
    with np.errstate(over="ignore"):
        return (1.0 + np.asarray(rate_per_month)) ** MONTHS_PER_YEAR - 1.0


def roi(npv_usd, pv_costs_usd):
    """Forrester TEI: NPV ÷ present value of costs."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(np.asarray(pv_costs_usd) > 0, np.asarray(npv_usd) / pv_costs_usd, np.nan)
