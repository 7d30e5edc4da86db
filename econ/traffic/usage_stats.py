"""Per-task traffic statistics from a usage log: level, fitted growth, volatility, token mix, teacher price.

Imports numpy, pandas, `econ.traffic.usage`, `econ.base.units` and `econ.traffic.forecast` (its
log-linear growth fit). Every statistic is computed for all tasks at once on a (tasks × days) matrix
of the log's last `TREND_DAYS` days, which ends on the log's last day for every task (a task silent
lately shows as such):

- `requests_per_day`: the mean of the last `LEVEL_DAYS` days (whole weeks, so the weekly pattern cancels);
- `monthly_growth`: a least-squares line through the logs of whole-week totals (a week sums away the
  weekly pattern), `econ.traffic.forecast.compound_growth`, as compound growth per 730/24-day month;
- `volatility`: the coefficient of variation of daily volume after dividing out that trend and the
  weekly pattern (each weekday's mean ratio to the trend): the day-to-day noise a fleet must absorb;
- `growth_low`/`growth_high`/`growth_significant`/`growth_slope_se`, `level_se`, `peak_day_ratio`: how
  sure those are (`econ.traffic.task_fit`);
- tokens and USD per request: totals over the last `LEVEL_DAYS` days ÷ requests (the whole log when
  those days had none);
- `teacher_usd_per_month`: what the teacher costs per month at today's level, by the log's own prices
  (requests/day × 730/24 × USD/request; NaN when the log is unpriced). The screen reports this one figure
  for scored and unscored tasks alike.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from econ.base.units import DAYS_PER_MONTH, LEVEL_DAYS, WEEK_DAYS
from econ.traffic.forecast import compound_growth
from econ.traffic.task_fit import GrowthInterval, growth_interval, level_se, peak_day_ratio
from econ.traffic.usage import UsageLog

TREND_DAYS = 26 * WEEK_DAYS  # half a year of whole weeks: growth of +5%/month shows clearly over noise
# A week with no requests enters the log fit as half a request (the usual continuity correction for
# log counts), so one silent week does not read as a collapse to zero.
ZERO_WEEK_REQUESTS = 0.5
MIN_TREND_WEEKS = 2  # a line needs two points


@dataclass(frozen=True)
class TaskStats:
    """One row per task (sorted by name) and the recent daily volume behind it."""

    frame: pd.DataFrame  # index task: days, requests_per_day, monthly_growth, volatility, input_tokens,
    #                      output_tokens, usd_per_request (NaN when unpriced), teacher_usd_per_month
    recent_daily: pd.DataFrame  # index: the last TREND_DAYS dates; one column of requests per task
    end_date: pd.Timestamp


def _window_sums(daily: pd.DataFrame, tasks: pd.Index, since: pd.Timestamp) -> pd.DataFrame:
    columns = ["requests", "input_tokens", "output_tokens", "usd"]
    recent = daily.loc[daily["date"] >= since].groupby("task")[columns].sum(min_count=1)
    whole = daily.groupby("task")[columns].sum(min_count=1)
    recent, whole = recent.reindex(tasks), whole.reindex(tasks)
    lately = (recent["requests"] > 0).to_numpy()  # none lately: describe the task by its whole history
    return recent.where(np.repeat(lately[:, None], len(columns), axis=1), whole)


def _trend_and_noise(
    matrix: np.ndarray, weeks: int
) -> tuple[np.ndarray, np.ndarray, GrowthInterval, np.ndarray]:
    """Monthly growth, volatility, the growth's interval and the p95 ÷ mean day (trend divided out, weekly
    pattern kept) of the last `weeks` whole weeks of (tasks, days)."""
    daily = matrix[:, matrix.shape[1] - weeks * WEEK_DAYS:]
    weekly = np.maximum(daily.reshape(len(daily), weeks, WEEK_DAYS).sum(axis=2), ZERO_WEEK_REQUESTS)
    growth_per_week = compound_growth(weekly.T)
    slope = np.log1p(growth_per_week)
    logs = np.log(weekly)
    intercept = logs.mean(axis=1) - slope * (weeks - 1) / 2.0
    # Week k's total sits at its middle day (3 of 0..6): day d is at week-time (d - 3) / 7.
    t = (np.arange(weeks * WEEK_DAYS) - (WEEK_DAYS - 1) / 2.0) / WEEK_DAYS
    trend_per_day = np.exp(intercept[:, None] + slope[:, None] * t[None, :]) / WEEK_DAYS
    ratio = (daily / trend_per_day).reshape(len(daily), weeks, WEEK_DAYS)
    weekday = ratio.mean(axis=1, keepdims=True)
    weekday_mean = weekday.mean(axis=2, keepdims=True)
    weekday = weekday / np.where(weekday_mean > 0, weekday_mean, 1.0)
    # A task silent through the window has no residuals: its volatility is NaN (unknown), said quietly.
    with np.errstate(divide="ignore", invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # numpy's "mean of empty slice" for such a row
        residual = np.where(weekday > 0, ratio / weekday, np.nan).reshape(len(daily), -1)
        mean = np.nanmean(residual, axis=1)
        volatility = np.where(mean > 0, np.nanstd(residual, axis=1, ddof=1) / mean, np.nan)
    monthly_growth = (1.0 + growth_per_week) ** (DAYS_PER_MONTH / WEEK_DAYS) - 1.0
    peak_day = peak_day_ratio(ratio.reshape(len(daily), -1))
    return monthly_growth, volatility, growth_interval(logs), peak_day


def task_stats(log: UsageLog) -> TaskStats:
    """Level, growth, volatility, token mix and teacher price of every task in the log (see module doc)."""
    daily = log.daily
    end = daily["date"].max()
    codes, tasks = pd.factorize(daily["task"], sort=True)
    tasks = pd.Index(tasks, name="task")
    first = daily.groupby("task")["date"].min().reindex(tasks)
    days = ((end - first).dt.days + 1).to_numpy()
    start = end - pd.Timedelta(days=TREND_DAYS - 1)
    offset = ((daily["date"] - start).dt.days).to_numpy()
    inside = offset >= 0
    matrix = np.zeros((len(tasks), TREND_DAYS))
    matrix[codes[inside], offset[inside]] = daily["requests"].to_numpy()[inside]
    level_days = np.minimum(days, LEVEL_DAYS)
    requests_per_day = matrix[:, -LEVEL_DAYS:].sum(axis=1) / level_days
    growth = np.zeros(len(tasks))
    volatility = np.full(len(tasks), np.nan)
    fit = {name: np.full(len(tasks), np.nan) for name in ("growth_low", "growth_high", "growth_slope_se")}
    peak_day = np.ones(len(tasks))
    weeks = np.minimum(days, TREND_DAYS) // WEEK_DAYS
    for w in np.unique(weeks[weeks >= MIN_TREND_WEEKS]):
        rows = weeks == w
        growth[rows], volatility[rows], interval, peak_day[rows] = _trend_and_noise(matrix[rows], int(w))
        fit["growth_low"][rows], fit["growth_high"][rows] = interval.low, interval.high
        fit["growth_slope_se"][rows] = interval.slope_se_per_week
    sums = _window_sums(daily, tasks, end - pd.Timedelta(days=LEVEL_DAYS - 1))
    with np.errstate(divide="ignore", invalid="ignore"):
        per_request = sums.div(sums["requests"].where(sums["requests"] > 0), axis=0)
    frame = pd.DataFrame({
        "days": days.astype(int),
        "requests_per_day": requests_per_day,
        "monthly_growth": growth,
        "volatility": volatility,
        "input_tokens": per_request["input_tokens"].to_numpy(),
        "output_tokens": per_request["output_tokens"].to_numpy(),
        "usd_per_request": per_request["usd"].to_numpy() if log.priced else np.nan,
        **fit,
        "growth_significant": (fit["growth_low"] > 0) | (fit["growth_high"] < 0),
        "level_se": level_se(volatility, LEVEL_DAYS),
        "peak_day_ratio": peak_day,
    }, index=tasks)
    frame["teacher_usd_per_month"] = frame["requests_per_day"] * DAYS_PER_MONTH * frame["usd_per_request"]
    dates = pd.date_range(start, end, freq="D")
    recent = pd.DataFrame(matrix.T, index=dates, columns=tasks)
    return TaskStats(frame, recent, end)
