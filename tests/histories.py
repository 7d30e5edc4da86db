"""Synthetic daily request histories for the forecast tests: a known growth, a weekly pattern, seeded noise.

Imports numpy, pandas and econ's units only.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from econ.base.units import DAYS_PER_MONTH

WEEKLY = np.array([1.10, 1.15, 1.10, 1.05, 1.00, 0.80, 0.80])  # weekdays busier than weekends


def history_csv(growth: float, days: int = 120, noise: float = 0.03, level: float = 10_000,
                seed: int = 1) -> str:
    """Daily counts growing `growth` per 730/24-day month, with a weekly pattern and seeded noise."""
    rng = np.random.default_rng(seed)
    t = np.arange(days)
    y = level * (1 + growth) ** (t / DAYS_PER_MONTH) * WEEKLY[t % 7] * (1 + noise * rng.standard_normal(days))
    dates = pd.date_range("2026-01-05", periods=days, freq="D")
    return "date,requests\n" + "".join(f"{d.date()},{v:.0f}\n" for d, v in zip(dates, y, strict=True))
