"""Make `examples/history.csv`: 180 days of daily requests for `python -m econ forecast`, with known truth.

Imports numpy, pandas and `econ.base.units`. Run from the repository root:

    .venv/bin/python examples/make_history.py            # writes examples/history.csv (seed 0)

The truth: 40,000 requests/day on the last day, growing 4% per month of 730/24 days, busier on weekdays
(WEEKDAY_FACTORS, mean 1), with 4% log-normal day-to-day noise. `econ forecast` should fit a monthly growth
near +4% and a level near 40,000/day; tests/econ/traffic/test_sample_history.py holds that.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from econ.base.units import DAYS_PER_MONTH

LAST_DAY = "2026-11-30"
DAYS = 180
REQUESTS_PER_DAY = 40_000.0  # expected requests/day on the last day, weekly pattern averaged out
MONTHLY_GROWTH = 0.04
NOISE_CV = 0.04
WEEKDAY_FACTORS = np.array([1.1, 1.15, 1.15, 1.1, 1.05, 0.75, 0.7])  # Monday … Sunday
OUT = Path(__file__).with_name("history.csv")


def history(seed: int = 0) -> pd.DataFrame:
    """The sample history as a `date,requests` frame."""
    rng = np.random.default_rng(seed)
    dates = pd.date_range(end=LAST_DAY, periods=DAYS, freq="D")
    months_before_end = (DAYS - 1 - np.arange(DAYS)) / DAYS_PER_MONTH
    weekly = WEEKDAY_FACTORS / WEEKDAY_FACTORS.mean()
    expected = REQUESTS_PER_DAY * (1 + MONTHLY_GROWTH) ** -months_before_end * weekly[dates.day_of_week]
    noise = rng.lognormal(-NOISE_CV**2 / 2, NOISE_CV, DAYS)  # mean 1
    requests = np.rint(expected * noise).astype(int)
    return pd.DataFrame({"date": dates.strftime("%Y-%m-%d"), "requests": requests})


if __name__ == "__main__":
    history().to_csv(OUT, index=False, lineterminator="\n")
    print(f"wrote {OUT} ({DAYS} days)")
