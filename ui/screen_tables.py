"""The Portfolio page's ranked table: one row per screened task, with its recent daily volume as a list.

Imports pandas and econ only (no streamlit). The page formats the columns; every number is econ's.
"""

from __future__ import annotations

import pandas as pd

import econ

TABLE_COLUMNS = {  # Screen.to_frame() column → heading
    "task": "Task", "verdict": "Verdict", "requests_per_day": "Requests/day",
    "monthly_growth": "Growth/month", "volatility": "Volatility", "teacher_usd_per_month": "Teacher $/month",
    "upfront_usd": "Upfront $", "npv_usd": "NPV $", "payback_months": "Payback (months)",
    "breakeven_requests_per_day": "Break-even/day", "chosen": "Chosen",
}
DAILY_COLUMN = "Daily requests"


def ranked_table(result: econ.Screen) -> pd.DataFrame:
    """Rank, the headline columns and each task's daily requests over the screen's recent window."""
    frame = result.to_frame().loc[:, list(TABLE_COLUMNS)].rename(columns=TABLE_COLUMNS)
    frame.insert(0, "Rank", range(1, len(frame) + 1))
    daily = result.recent_daily
    # Right after the verdict, so the shape of each task's traffic sits beside the call on it.
    frame.insert(3, DAILY_COLUMN, [daily[t.task].tolist() if t.task in daily else [] for t in result.tasks])
    for column in ("Requests/day", "Break-even/day"):  # whole requests: a ranking, not an invoice
        frame[column] = frame[column].round(0)
    return frame
