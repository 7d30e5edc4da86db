"""Plain-text rendering of an evaluation for terminals: readable money, months and the monthly table.

Imports pandas and `econ.evaluate` only. Library code does not print; this returns strings.
"""

from __future__ import annotations

import math

from econ.evaluate import Evaluation


def usd(value: float | None) -> str:
    """$12.3k style: compact, sign-aware."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    sign = "-" if value < 0 else ""
    v = abs(value)
    for limit, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if v >= limit:
            return f"{sign}${v / limit:.1f}{suffix}"
    return f"{sign}${v:,.2f}"


def months(value: float | None) -> str:
    return "not within the horizon" if value is None else f"{value:.1f} months"


def headline_text(result: Evaluation) -> str:
    """The headline answer as aligned lines."""
    s = result.scenario
    be = result.breakeven_requests_per_day
    rows = [
        ("scenario", s.name),
        ("payback", months(result.payback_months)),
        ("discounted payback", months(result.discounted_payback_months)),
        (f"NPV ({s.annual_discount_rate:.0%}/yr, {s.horizon_months} months)", usd(result.npv_usd)),
        ("IRR", "n/a" if result.irr_annual is None else f"{result.irr_annual:.0%} per year"),
        ("ROI", "n/a" if result.roi is None else f"{result.roi:.0%}"),
        ("total savings after upfront", usd(result.total_savings_usd)),
        ("upfront spend", usd(result.upfront_usd)),
        ("break-even volume", "none" if be is None else f"{be:,.0f} requests/day"),
        ("teacher cost", f"${result.teacher_usd_per_mtok:,.3f}/M tokens, ${result.teacher_usd_per_kreq:,.3f}/1k requests"),
        ("student cost", f"${result.student_usd_per_mtok:,.3f}/M tokens, ${result.student_usd_per_kreq:,.3f}/1k requests"),
    ]
    width = max(len(k) for k, _ in rows)
    lines = [f"{k:<{width}}  {v}" for k, v in rows]
    lines += [f"warning: {w}" for w in result.warnings]
    return "\n".join(lines)


def monthly_text(result: Evaluation) -> str:
    """The monthly table with money rounded to cents."""
    table = result.monthly.loc[:, ["month", "requests", "teacher_usd", "student_usd", "savings_usd",
                                   "cumulative_usd", "replicas", "utilization"]]
    return table.to_string(index=False, float_format=lambda v: f"{v:,.2f}")
