"""How sure a task's fitted traffic is: the growth's 95% interval, the level's standard error, the peak day.

Imports numpy and `econ.base.units`. Used by `econ.traffic.usage_stats` on its (tasks × weeks) totals:

- `growth_interval`: the least-squares slope of log weekly totals (a week sums away the weekly pattern)
  with its t-interval, turned into compound growth per 730/24-day month. Growth counts only when the
  interval excludes 0 (`significant`); otherwise the screen projects 0 and says why.
- `level_se`: the relative standard error of the 28-day mean, volatility / √28 (days as independent
  draws around trend × weekly pattern: the day-to-day noise the fit measured).
- `peak_day_ratio`: the p95 day ÷ the mean day (zero days included; `usage_stats` divides the trend out
  first, so growth does not read as peaks), the daily part of a task's peak-to-average where the source
  has no timestamps.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from econ.base.units import DAYS_PER_MONTH

WEEK_DAYS = 7
CONFIDENCE = 0.95
PEAK_DAY_QUANTILE = 0.95
# Two-sided 95% Student-t quantiles t(0.975, df) for df = 1..30 (any statistics table); above 30 the
# normal 1.96 is within 2%.
_T975 = (12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145,
         2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048,
         2.045, 2.042)
Z975 = 1.96


def t975(df: int) -> float:
    """Two-sided 95% Student-t quantile for `df` degrees of freedom (inf when df < 1)."""
    if df < 1:
        return float("inf")
    return _T975[df - 1] if df <= len(_T975) else Z975


@dataclass(frozen=True)
class GrowthInterval:
    """Per task: fitted compound growth per month, its 95% interval, and the weekly log-slope's standard
    error."""

    growth: np.ndarray
    low: np.ndarray
    high: np.ndarray
    slope_se_per_week: np.ndarray  # standard error of the slope of log weekly totals

    @property
    def significant(self) -> np.ndarray:
        return (self.low > 0) | (self.high < 0)


def per_month(slope_per_week: np.ndarray) -> np.ndarray:
    """Compound monthly growth of a weekly log-slope: exp(slope × 730/24/7) − 1 (inf where it
    overflows)."""
    with np.errstate(over="ignore", invalid="ignore"):
        return np.expm1(slope_per_week * DAYS_PER_MONTH / WEEK_DAYS)


def growth_interval(log_weekly: np.ndarray) -> GrowthInterval:
    """Least-squares slope of each row of log weekly totals (tasks × weeks) with its 95% t-interval."""
    weeks = log_weekly.shape[1]
    m = np.arange(weeks, dtype=float) - (weeks - 1) / 2.0
    centred = log_weekly - log_weekly.mean(axis=1, keepdims=True)
    slope = centred @ m / np.sum(m**2)
    residual = centred - slope[:, None] * m[None, :]
    df = weeks - 2
    with np.errstate(divide="ignore", invalid="ignore"):
        se = (
            np.sqrt(np.sum(residual**2, axis=1) / df / np.sum(m**2))
            if df > 0
            else np.full(len(slope), np.inf)
        )
    half = t975(df) * se
    return GrowthInterval(per_month(slope), per_month(slope - half), per_month(slope + half), se)


def level_se(volatility: np.ndarray, level_days: int) -> np.ndarray:
    """Relative standard error of a `level_days`-day mean: volatility / √days (NaN volatility → 0)."""
    return np.nan_to_num(volatility, nan=0.0) / np.sqrt(level_days)


def peak_day_ratio(daily: np.ndarray) -> np.ndarray:
    """p95 day ÷ mean day of each row of (tasks × days); 1 for a task without requests."""
    mean = daily.mean(axis=1)
    peak = np.quantile(daily, PEAK_DAY_QUANTILE, axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(mean > 0, peak / mean, 1.0)
