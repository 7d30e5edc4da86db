"""The Portfolio page's tables, and a task's scenario as a person would type it into the sidebar.

Imports pandas and econ only (no streamlit). `ranked_table` holds the numbers (one row per screened task,
its recent daily volume as a list); `shown_table` is the same rows as the words the page prints (the CLI's
formatters), so no cell depends on a grid's column width to be read in full; `as_typed` rounds a task's
scenario to the figures a person types (3 significant requests/day, growth to 0.1%, prices to the cent).
"""

from __future__ import annotations

import math

import pandas as pd

import econ
from econ.io.formats import usd

TABLE_COLUMNS = {  # Screen.to_frame() column → heading
    "task": "Task", "verdict_label": "Verdict", "requests_per_day": "Requests/day",
    "monthly_growth": "Growth/month", "volatility": "Volatility", "teacher_usd_per_month": "Teacher $/month",
    "data_generation_usd": "Data generation $", "upfront_usd": "Upfront $", "npv_p10_usd": "NPV P10 $",
    "npv_usd": "NPV $", "npv_p90_usd": "NPV P90 $", "payback_months": "Payback (months)",
    "breakeven_requests_per_day": "Break-even/day", "chosen": "Chosen",
}
DAILY_COLUMN = "Daily requests"
REQUEST_FIGURES = 3  # 61,234.567 requests/day is typed as 61,200
GROWTH_DIGITS = 3  # 0.0213 → 0.021: growth to 0.1 percentage point
PRICE_DIGITS = 2  # $/Mtok to the cent


def ranked_table(result: econ.Screen) -> pd.DataFrame:
    """Rank, the headline columns and each task's daily requests over the screen's recent window."""
    frame = result.to_frame().loc[:, list(TABLE_COLUMNS)].rename(columns=TABLE_COLUMNS)
    frame.insert(0, "Rank", range(1, len(frame) + 1))
    daily = result.recent_daily
    frame[DAILY_COLUMN] = [daily[t.task].tolist() if t.task in daily else [] for t in result.tasks]
    for column in ("Requests/day", "Break-even/day"):  # whole requests: a ranking, not an invoice
        frame[column] = frame[column].round(0)
    return frame


def _number(value, spec: str) -> str:
    return "–" if value is None or (isinstance(value, float) and math.isnan(value)) else format(value, spec)


def shown_table(result: econ.Screen, with_chosen: bool) -> pd.DataFrame:
    """The ranked rows as printed words, in rank order (at 1,400 px a rank column would push the table past
    its container); with a budget, a chosen task's verdict says "(chosen)"."""
    rows = []
    for t in result.tasks:
        scored = t.npv_usd is not None
        rows.append({
            "Task": t.task,
            "Verdict": t.verdict_label + (" (chosen)" if with_chosen and t.task in result.chosen else ""),
            "Requests/day": _number(t.requests_per_day, ",.0f"),
            "Growth/month": _number(t.projected_growth, "+.1%"), "Volatility": _number(t.volatility, ".0%"),
            "Teacher $/month": usd(t.teacher_usd_per_month), "Data generation $": usd(t.data_generation_usd),
            "Upfront $": usd(t.upfront_usd), "NPV P10 $": usd(t.npv_p10_usd), "NPV $": usd(t.npv_usd),
            "NPV P90 $": usd(t.npv_p90_usd),
            "Payback (months)": ("never" if t.payback_months is None else f"{t.payback_months:.1f}")
            if scored else "–",
            "Break-even/day": _number(t.breakeven_requests_per_day, ",.0f") if scored else "–",
        })
    return pd.DataFrame(rows)


def _figures(value: float, figures: int) -> float:
    return float(f"{value:.{figures}g}")


def _cents(value: float | None) -> float | None:
    """To the cent; a price under half a cent keeps two significant figures instead of becoming 0."""
    if value is None or value == 0:
        return value
    rounded = round(value, PRICE_DIGITS)
    return rounded if rounded != 0 else _figures(value, 2)


def as_typed(scenario: econ.Scenario) -> econ.Scenario:
    """The task's scenario with its screened figures rounded to what a person types into the sidebar."""
    traffic = scenario.traffic.model_copy(update={
        "requests_per_day": _figures(scenario.traffic.requests_per_day, REQUEST_FIGURES),
        "monthly_growth": round(scenario.traffic.monthly_growth, GROWTH_DIGITS),
        "peak_to_average": max(1.0, round(scenario.traffic.peak_to_average, 1)),
    })
    teacher = scenario.teacher
    if isinstance(teacher, econ.ApiServing):
        teacher = teacher.model_copy(update={
            name: _cents(getattr(teacher, name))
            for name in ("input_usd_per_mtok", "output_usd_per_mtok", "cached_input_usd_per_mtok")})
    return econ.parse_scenario(scenario.model_copy(update={"traffic": traffic, "teacher": teacher})
                               .model_dump_json())
