"""Traffic forecast from history: daily request counts → monthly volumes with prediction intervals.

Imports numpy, pandas and `econ`; statsmodels only inside `forecast_traffic` (so `import econ` stays
light). The fit is statsmodels' ETS (exponential smoothing state space: Holt-Winters trend and weekly
seasonality), the candidate with the lowest AIC among additive and multiplicative forms. Intervals come
from simulated paths summed into months of 730/24 days (DESIGN.md), so they are intervals of the monthly
total, not sums of daily intervals. The fitted monthly growth and the paths' spread become the scenario's
traffic and its traffic distribution for the Monte Carlo.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from econ.base.types import MAX_HORIZON_MONTHS, MAX_REQUESTS_PER_DAY
from econ.base.units import DAYS_PER_MONTH, LEVEL_DAYS, WEEK_DAYS
from econ.io.csvfile import CsvError, CsvRules, parse_csv, read_csv_bytes
from econ.io.serialize import json_ready
from econ.model.scenario import Scenario
from econ.model.uncertainty import P_HIGH, P_LOW, Z_HIGH, LogNormal, Normal, UncertainInput

MIN_HISTORY_DAYS = LEVEL_DAYS  # four whole weeks: the least that shows a weekly pattern and a trend
DEFAULT_MONTHS = 24
MAX_MONTHS = MAX_HORIZON_MONTHS
SIMULATIONS = 1000  # simulated paths behind the monthly intervals (P10/P90 to about ±1% of the spread)
MAX_HISTORY_BYTES = 4 * 2**20  # a century of daily rows is about 1.1 MiB
MAX_HISTORY_DAYS = 36_600  # a century of days: more is not a daily request history
HISTORY_COLUMNS = ("date", "requests")


class HistoryError(CsvError):
    """A history CSV that cannot be used; the message names the line."""


def parse_history(text: str | bytes, origin: str = "history") -> pd.Series:
    """Validate `date,requests` CSV text → daily Series (DatetimeIndex, one row per day, no gaps)."""
    if isinstance(text, bytes) and len(text) > MAX_HISTORY_BYTES:
        raise HistoryError(origin, f"file is larger than {MAX_HISTORY_BYTES // 2**20} MiB")
    table = parse_csv(text, origin, HISTORY_COLUMNS,
                      rules=CsvRules(max_rows=MAX_HISTORY_DAYS, error=HistoryError))
    days: dict[date, int] = {}  # date → CSV line
    values: list[tuple[date, float]] = []
    for row in table.rows:
        day, requests = row.date("date"), row.number("requests", minimum=0, maximum=MAX_REQUESTS_PER_DAY)
        if day in days:
            raise row.error("date", f"{day} repeats line {days[day]}")
        days[day] = row.line
        values.append((day, requests))
    if len(values) < MIN_HISTORY_DAYS:
        raise HistoryError(origin, f"{len(values)} days of history; need at least {MIN_HISTORY_DAYS}")
    values.sort()
    for (before, _), (after, _) in zip(values, values[1:], strict=False):
        missing = (after - before).days - 1
        if missing:
            raise HistoryError(
                origin, f"date {after} follows {before} (line {days[before]}); "
                f"{missing} missing day{'s' if missing > 1 else ''} (every day needs a row, 0 for none)",
                days[after],
            )
    index = pd.DatetimeIndex([pd.Timestamp(d) for d, _ in values], freq="D")
    return pd.Series([v for _, v in values], index=index, name="requests")


def load_history(path: str | Path) -> pd.Series:
    """Read a `date,requests` CSV file (see parse_history): a regular file of at most MAX_HISTORY_BYTES."""
    return parse_history(read_csv_bytes(path, MAX_HISTORY_BYTES, HistoryError), origin=str(path))


def monthly_totals(daily: np.ndarray) -> np.ndarray:
    """Daily values (days, ...) → totals of consecutive 730/24-day months (months, ...), fractional days
    split."""
    days = daily.shape[0]
    months = int(days // DAYS_PER_MONTH)
    cumulative = np.concatenate([np.zeros((1, *daily.shape[1:])), np.cumsum(daily, axis=0)], axis=0)
    edges = np.arange(months + 1) * DAYS_PER_MONTH
    # Cumulative volume is linear within a day, so month edges at fractional days interpolate it.
    whole = np.floor(edges).astype(int)
    frac = (edges - whole).reshape(-1, *([1] * (daily.ndim - 1)))
    upper = np.minimum(whole + 1, days)
    at_edges = cumulative[whole] + frac * (cumulative[upper] - cumulative[whole])
    return np.diff(at_edges, axis=0)


def compound_growth(monthly: np.ndarray) -> np.ndarray:
    """Monthly growth g of the least-squares line through log volumes: exp(slope) − 1 (per column)."""
    logs = np.log(np.maximum(monthly, np.finfo(float).tiny))
    m = np.arange(monthly.shape[0], dtype=float)
    m = (m - m.mean()).reshape(-1, *([1] * (monthly.ndim - 1)))
    slope = np.sum(m * (logs - logs.mean(axis=0)), axis=0) / np.sum(m**2)
    return np.expm1(slope)


@dataclass(frozen=True)
class TrafficForecast:
    """Monthly volumes after the history, with P10–P90 intervals, the fitted growth and the model used."""

    monthly: pd.DataFrame  # month, requests (point forecast), low (P10), high (P90); requests/month
    monthly_growth: float  # fraction/month, compound growth of the point forecast
    monthly_growth_sd: float  # spread of that growth across simulated paths
    level_sigma: float  # log-sd of the total volume across simulated paths
    model: str  # which Holt-Winters form was fitted
    aic: float
    history: pd.Series
    fitted: pd.Series  # one-step fitted daily values over the history

    @property
    def requests_per_day(self) -> float:
        """Average requests/day of forecast month 1 (the scenario's traffic.requests_per_day)."""
        return float(self.monthly["requests"].iloc[0]) / DAYS_PER_MONTH

    def to_frame(self) -> pd.DataFrame:
        return self.monthly.copy()

    def to_dict(self) -> dict:
        """Strict JSON: a non-finite number (the AIC of a flat history is −∞) is null."""
        return json_ready({
            "model": self.model,
            "aic": self.aic,
            "history_days": len(self.history),
            "history_end": str(self.history.index[-1].date()),
            "monthly_growth": self.monthly_growth,
            "requests_per_day": self.requests_per_day,
            "interval": {"low": P_LOW, "high": P_HIGH},
            "monthly": [
                {"month": int(r.month), "requests": float(r.requests), "low": float(r.low),
                 "high": float(r.high)}
                for r in self.monthly.itertuples()
            ],
        })

    def traffic_inputs(self) -> list[UncertainInput]:
        """The forecast's own uncertainty as Monte Carlo inputs: traffic level and growth."""
        return [
            UncertainInput(input="traffic_scale", distribution=LogNormal(median=1.0, sigma=self.level_sigma)),
            UncertainInput(input="monthly_growth",
                           distribution=Normal(mean=self.monthly_growth, sd=self.monthly_growth_sd)),
        ]


def _fit(series: pd.Series):
    """Holt-Winters as ETS(A,A,A): on log requests when every day has traffic, else on requests.

    On the log scale an additive trend is a constant compound growth and additive seasonality is a
    multiplicative weekly pattern: the shape of the scenario's traffic model (requests × (1 + g)^m).
    """
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    on_log = bool((series > 0).all())
    endog = np.log(series) if on_log else series
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # convergence chatter from the optimizer
        try:
            result = ETSModel(endog, error="add", trend="add", seasonal="add",
                              seasonal_periods=WEEK_DAYS).fit(disp=False)
        except (ValueError, np.linalg.LinAlgError) as exc:
            raise HistoryError("history", f"exponential smoothing could not be fitted ({exc})") from None
    return on_log, result


def forecast_traffic(history: pd.Series, months: int = DEFAULT_MONTHS, seed: int = 0,
                     simulations: int = SIMULATIONS) -> TrafficForecast:
    """Fit Holt-Winters with weekly seasonality, forecast `months` months of 730/24 days, P10–P90 from
    simulated paths."""
    if not 1 <= months <= MAX_MONTHS:
        raise ValueError(f"months must be between 1 and {MAX_MONTHS}, got {months}")
    if len(history) < MIN_HISTORY_DAYS:
        raise HistoryError("history", f"{len(history)} days; need at least {MIN_HISTORY_DAYS}")
    on_log, result = _fit(history)
    back = np.exp if on_log else (lambda v: v)
    days = math.ceil(months * DAYS_PER_MONTH) + 1
    point = np.maximum(back(np.asarray(result.forecast(days), dtype=float)), 0.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        paths = result.simulate(days, anchor="end", repetitions=simulations, rng=np.random.default_rng(seed))
    # no negative traffic
    paths = np.maximum(back(np.asarray(paths, dtype=float).reshape(days, simulations)), 0.0)
    point_months = monthly_totals(point)[:months]
    path_months = monthly_totals(paths)[:months]
    low, high = np.quantile(path_months, [P_LOW, P_HIGH], axis=1)
    monthly = pd.DataFrame({
        "month": np.arange(1, months + 1),
        "requests": point_months,
        # Simulation noise can put a percentile a hair past the point forecast; the range must hold it.
        "low": np.minimum(low, point_months),
        "high": np.maximum(high, point_months),
    })
    several = months > 1
    totals = path_months.sum(axis=0)
    level_sigma = 0.0
    if np.all(totals > 0):  # P10–P90 of the total volume as a log-normal spread around its median
        level_sigma = float(np.log(np.quantile(totals, P_HIGH) / np.quantile(totals, P_LOW)) / (2 * Z_HIGH))
    fitted = np.asarray(result.fittedvalues, dtype=float)
    return TrafficForecast(
        monthly=monthly,
        monthly_growth=float(compound_growth(point_months)) if several else 0.0,
        monthly_growth_sd=float(np.std(compound_growth(path_months))) if several else 0.0,
        level_sigma=level_sigma,
        model="Holt-Winters ETS(A,A,A), weekly season, " + ("on log requests" if on_log else "on requests"),
        aic=float(result.aic),
        history=history,
        fitted=pd.Series(back(fitted), index=history.index, name="fitted"),
    )


def apply_forecast(scenario: Scenario, forecast: TrafficForecast) -> Scenario:
    """The scenario with its traffic from the forecast: month-1 requests/day and the fitted growth."""
    traffic = scenario.traffic.model_copy(update={
        "requests_per_day": forecast.requests_per_day,
        "monthly_growth": max(forecast.monthly_growth, -0.99),
        "monthly_requests": None,
    })
    # Validate the result like any edit: a forecast outside the model's ranges is an error, not a surprise.
    return Scenario.model_validate({**scenario.model_dump(), "traffic": traffic.model_dump()})
