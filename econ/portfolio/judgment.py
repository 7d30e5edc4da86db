"""What the screen projects for a task from its fitted statistics, and the words that say why.

Imports numpy, pandas and `econ` (`traffic.task_fit`, `io.formats`). A careful analyst's rules:

- growth is projected only when its 95% interval excludes 0 (weekly pattern summed away), else 0;
- the peak-to-average is the task's own: the p99 hour ÷ the mean hour where the source has timestamps,
  else the p95 day ÷ the mean day × the template's intra-day factor (its `traffic.peak_to_average`);
- a task whose peak is `BURSTY_PEAK_TO_AVERAGE`× its mean is better served by a batch API or
  scale-to-zero billing than by an always-on fleet sized for the peak, and the reasons say so;
- the cached-input share is the task's own where the source counts cached tokens.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from econ.io.formats import usd
from econ.traffic.task_fit import Z975

MAX_PEAK_TO_AVERAGE = 100.0  # Traffic.peak_to_average's upper bound
# A fleet sized for 5× its mean load idles 80% of its capacity on average: at that point a batch API
# (typically 50% off with a 24-hour window) or per-second scale-to-zero billing beats an always-on student.
BURSTY_PEAK_TO_AVERAGE = 5.0


def projected(
    frame: pd.DataFrame, shape: pd.DataFrame | None, template_peak_to_average: float
) -> pd.DataFrame:
    """Per task: projected growth, peak-to-average (and where it came from), cached-input share."""
    out = pd.DataFrame(index=frame.index)
    significant = frame["growth_significant"].fillna(False).astype(bool)
    out["projected_growth"] = np.where(significant, frame["monthly_growth"], 0.0)
    hourly = pd.Series(np.nan, index=frame.index)
    cached = pd.Series(np.nan, index=frame.index)
    if shape is not None:
        hourly = shape["peak_to_average_hourly"].reindex(frame.index)
        cached = shape["cached_input_share"].reindex(frame.index)
    from_days = frame["peak_day_ratio"].fillna(1.0) * template_peak_to_average
    use_hours = hourly.notna() & (hourly > 0)
    out["peak_to_average"] = np.clip(np.where(use_hours, hourly, from_days), 1.0, MAX_PEAK_TO_AVERAGE)
    out["peak_source"] = np.where(use_hours, "hours", "days")
    out["cached_input_share"] = cached.clip(0.0, 1.0)
    return out


def _signed(value: float) -> str:
    return f"{value * 100:+.1f}"


def growth_reason(row: pd.Series) -> str:
    fitted, low, high = row["monthly_growth"], row["growth_low"], row["growth_high"]
    if not math.isfinite(low):
        return "growth not measurable (under two whole weeks): projected at 0"
    words = f"growth {_signed(fitted)}%/month (95% CI {_signed(low)} to {_signed(high)})"
    if row["growth_significant"]:
        return words + ", after the weekly pattern is summed away: projected"
    return words + ": the interval includes 0, so no growth is projected"


def level_reason(row: pd.Series) -> str:
    level, se = row["requests_per_day"], row["level_se"]
    low, high = level * math.exp(-Z975 * se), level * math.exp(Z975 * se)
    return f"level {level:,.0f} requests/day (95% CI {low:,.0f} to {high:,.0f}), mean of the last 28 days"


def peak_reason(row: pd.Series, template_peak_to_average: float) -> str:
    """The peak-to-average and where it came from; a row of `stats.frame` joined with `projected`."""
    p = row
    if p["peak_source"] == "hours":
        words = f"peak-to-average {p['peak_to_average']:.1f}: the p99 hour ÷ the mean hour of its own log"
    else:
        words = (f"peak-to-average {p['peak_to_average']:.1f}: the p95 day ÷ the mean day "
                 f"({row['peak_day_ratio']:.2f}) × the template's intra-day {template_peak_to_average:g}")
    if p["peak_to_average"] >= BURSTY_PEAK_TO_AVERAGE:
        words += ("; bursty: an always-on fleet sized for the peak idles most of the time, so a batch API "
                  "(typically 50% off) or scale-to-zero serving fits it better")
    return words


def npv_reason(point: float, p10: float, p50: float, p90: float, draws: int) -> str:
    return (f"NPV P10 {usd(p10)} / P50 {usd(p50)} / P90 {usd(p90)} over the uncertainty of level, "
            "volatility and growth "
            f"({draws} draws; ranked on P10); {usd(point)} at the point estimate")
