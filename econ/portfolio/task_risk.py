"""Each task's NPV range: a Monte Carlo over the uncertainty the task's own log shows.

Imports numpy, zlib and `econ` (`chain.inputs`, `chain.evaluate`, `traffic.task_fit`). For every scored
task, `DRAWS` variants of its scenario's numeric inputs are drawn:

- level: today's requests/day × exp(N(0, level_se)), level_se = volatility / √28 (the log's day-to-day
  noise, so a bursty task's level is far less certain than a steady one's);
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


def _draws(tasks: list[str], level_se: np.ndarray, growth: np.ndarray, slope_se: np.ndarray, bounds, draws: int):
    """(tasks, draws) multipliers of the level and monthly growths."""
    level = np.empty((len(tasks), draws))
    monthly = np.empty((len(tasks), draws))
    slope = np.log1p(growth) * WEEK_DAYS / DAYS_PER_MONTH
    for i, task in enumerate(tasks):
        rng = np.random.default_rng(zlib.crc32(task.encode()))
        level[i] = np.exp(rng.normal(0.0, level_se[i], draws))
        monthly[i] = per_month(rng.normal(slope[i], slope_se[i], draws))
    return level, np.clip(monthly, *bounds)


def npv_range(stacked: NumericInputs, tasks: list[str], level_se: np.ndarray, slope_se: np.ndarray,
              bounds: tuple[float, float], draws: int = DRAWS) -> NpvRange:
    """P10/P50/P90 NPV of each task (row of `stacked`) over its level and growth uncertainty."""
    arrays = _arrays(stacked)
    growth = arrays["monthly_growth"]
    level, monthly = _draws(tasks, np.nan_to_num(level_se), growth, np.nan_to_num(slope_se), bounds, draws)
    npv = np.empty((len(tasks), draws))
    per_chunk = max(1, CHUNK_VARIANTS // draws)
    for start in range(0, len(tasks), per_chunk):
        rows = np.arange(start, min(len(tasks), start + per_chunk))
        repeated = _take(arrays, np.repeat(rows, draws))
        repeated["requests_per_day"] = repeated["requests_per_day"] * level[rows].ravel()
        repeated["monthly_growth"] = monthly[rows].ravel()
        npv[rows] = evaluate_many(vary(stacked, **repeated)).npv_usd.reshape(len(rows), draws)
    p10, p50, p90 = np.quantile(npv, [0.1, 0.5, 0.9], axis=1)
    return NpvRange(p10, p50, p90, draws)
