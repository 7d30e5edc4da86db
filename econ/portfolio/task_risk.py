"""Each task's NPV range: a Monte Carlo over the uncertainty the task's own log shows.

Imports numpy, zlib and `econ` (`chain.inputs`, `chain.evaluate`, `traffic.task_fit`,
`portfolio.judgment`). For every scored
task, `DRAWS` variants of its scenario's numeric inputs are drawn:

- volatility: the day-to-day variation itself is an estimate from the log's `n` residual days, drawn
  from its normal-theory sampling distribution, σ̂ × √((n − 1) / χ²(n − 1)) (a short or bursty log has a
  less certain spread);
- level: today's requests/day × exp(N(0, σ / √28)) with the *drawn* σ (the log's day-to-day noise, so a
  bursty task's level is far less certain than a steady one's, and more so when its noise is uncertain);
- peak-to-average: its excess over 1 scales with the drawn σ (for daily noise, p95 ÷ mean ≈ 1 + 1.645 · CV,
  so the excess is proportional to the spread): a fleet is sized for bursts whose height is uncertain too;
- growth: the weekly log-slope ~ N(projected slope, its standard error), as compound growth per month,
  clipped to the template's projection bounds.

All tasks × draws are scored in vectorized `evaluate_many` calls (chunks of `CHUNK_VARIANTS`). Each
task's random stream is seeded by its name, so other tasks, row order and untagged rows never move it.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

import numpy as np

from econ.base.units import DAYS_PER_MONTH
from econ.chain.evaluate import evaluate_many
from econ.chain.inputs import NumericInputs, vary
from econ.portfolio.judgment import MAX_PEAK_TO_AVERAGE
from econ.traffic.task_fit import WEEK_DAYS, per_month

DRAWS = 200
CHUNK_VARIANTS = 20_000  # variants per evaluate_many call: bounded memory for 1,000 tasks
_SKIP = ("seasonality", "explicit_requests")


@dataclass(frozen=True)
class NpvRange:
    p10: np.ndarray
    p50: np.ndarray
    p90: np.ndarray
    draws: int
    p_positive: np.ndarray  # share of draws with NPV > 0


def _arrays(x: NumericInputs) -> dict[str, np.ndarray]:
    """Every (V,) array of the inputs by its `vary` name."""
    out = {}
    for name, value in vars(x).items():
        if name in ("teacher", "student"):
            out.update({f"{name}__{f}": v for f, v in vars(value).items() if isinstance(v, np.ndarray)})
        elif isinstance(value, np.ndarray) and name not in _SKIP:
            out[name] = value
    return out


def _take(arrays: dict[str, np.ndarray], rows: np.ndarray) -> dict[str, np.ndarray]:
    return {name: (a[rows] if a.shape[0] > 1 else np.repeat(a, len(rows))) for name, a in arrays.items()}


def _draws(tasks: list[str], fit: dict[str, np.ndarray], growth: np.ndarray, bounds, draws: int):
    """(tasks, draws) multipliers of the level and of the volatility, and the monthly growths."""
    level, spread, monthly = (np.empty((len(tasks), draws)) for _ in range(3))
    slope = np.log1p(growth) * WEEK_DAYS / DAYS_PER_MONTH
    dof = np.maximum(np.nan_to_num(fit["residual_days"], nan=2.0) - 1.0, 1.0)
    for i, task in enumerate(tasks):
        rng = np.random.default_rng(zlib.crc32(task.encode()))
        spread[i] = np.sqrt(dof[i] / rng.chisquare(dof[i], draws))  # drawn σ ÷ fitted σ
        level[i] = np.exp(rng.standard_normal(draws) * fit["level_se"][i] * spread[i])
        monthly[i] = per_month(rng.normal(slope[i], fit["slope_se"][i], draws))
    return level, spread, np.clip(monthly, *bounds)


def npv_range(stacked: NumericInputs, tasks: list[str], fit: dict[str, np.ndarray],
              bounds: tuple[float, float], draws: int = DRAWS) -> NpvRange:
    """P10/P50/P90 NPV and P(NPV > 0) of each task (row of `stacked`) over its level, volatility and growth
    uncertainty; `fit` holds (tasks,) arrays level_se, slope_se and residual_days (NaN: none measured)."""
    arrays = _arrays(stacked)
    growth = arrays["monthly_growth"]
    fit = {name: np.nan_to_num(np.asarray(fit[name], dtype=float)) if name != "residual_days" else
           np.asarray(fit[name], dtype=float) for name in ("level_se", "slope_se", "residual_days")}
    level, spread, monthly = _draws(tasks, fit, growth, bounds, draws)
    npv = np.empty((len(tasks), draws))
    per_chunk = max(1, CHUNK_VARIANTS // draws)
    for start in range(0, len(tasks), per_chunk):
        rows = np.arange(start, min(len(tasks), start + per_chunk))
        repeated = _take(arrays, np.repeat(rows, draws))
        repeated["requests_per_day"] = repeated["requests_per_day"] * level[rows].ravel()
        repeated["monthly_growth"] = monthly[rows].ravel()
        excess = np.maximum(repeated["peak_to_average"] - 1.0, 0.0) * spread[rows].ravel()
        repeated["peak_to_average"] = np.minimum(1.0 + excess, MAX_PEAK_TO_AVERAGE)
        npv[rows] = evaluate_many(vary(stacked, **repeated)).npv_usd.reshape(len(rows), draws)
    p10, p50, p90 = np.quantile(npv, [0.1, 0.5, 0.9], axis=1)
    return NpvRange(p10, p50, p90, draws, (npv > 0).mean(axis=1))
