"""Make `examples/usage.csv`: a synthetic year of daily usage for eight LLM tasks, with known truth.

Imports numpy, pandas and `econ.base.units`. Run from the repository root:

    .venv/bin/python examples/make_usage.py            # writes examples/usage.csv (seed 0)

Each task's expected daily requests are `requests_per_day × (1 + monthly_growth)^(months before the
last day) × weekday factor`, spiky tasks multiply some days by `spike_multiple`, and the count of a day
is Poisson around that times log-normal day-to-day noise (`noise_cv`). Token totals are requests × the
task's tokens per request; the teacher is priced by its `model` from `econ/data/api_prices.json`. The
same generator (`synthetic_usage`) builds the test logs and the benchmark's 1,000 × 365 log.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from econ.base.units import DAYS_PER_MONTH

# Weekday traffic of a business tool: busier Monday–Friday, quiet weekends (normalized to mean 1 below).
WEEKDAY_FACTORS = np.array([1.1, 1.15, 1.15, 1.1, 1.05, 0.75, 0.7])
END_DATE = "2026-11-30"
DAYS = 365
OUT = Path(__file__).with_name("usage.csv")


@dataclass(frozen=True)
class TaskSpec:
    """The truth of one synthetic task."""

    name: str
    requests_per_day: float  # expected requests/day around the last day (weekly pattern averaged out)
    monthly_growth: float = 0.0
    noise_cv: float = 0.05  # log-normal day-to-day noise
    spike_share: float = 0.0  # share of days with a spike
    spike_multiple: float = 1.0
    input_tokens: int = 1000
    output_tokens: int = 300
    model: str = "claude-sonnet-4-5"
    days: int | None = None  # history length (None: the whole log)


EXAMPLE_TASKS = (
    TaskSpec("support-replies", 120_000, 0.02, 0.06, input_tokens=1200, output_tokens=350),
    TaskSpec("ticket-triage", 250_000, 0.01, 0.05, input_tokens=600, output_tokens=20, model="gpt-4.1"),
    TaskSpec("invoice-extraction", 45_000, 0.06, 0.07, input_tokens=2500, output_tokens=400),
    TaskSpec("search-rewrite", 400_000, 0.0, 0.04, input_tokens=150, output_tokens=30, model="gpt-5-mini"),
    TaskSpec("marketing-copy", 30_000, 0.0, 0.15, 0.08, 6.0, input_tokens=800, output_tokens=600),
    TaskSpec("contract-review", 1_500, 0.0, 0.10, input_tokens=9000, output_tokens=1200,
             model="claude-opus-4-5"),
    TaskSpec("sql-assistant", 12_000, 0.12, 0.08, input_tokens=3000, output_tokens=250, days=120),
    TaskSpec("meeting-notes", 8_000, 0.15, 0.10, input_tokens=6000, output_tokens=800, days=20),
)


def expected_daily(spec: TaskSpec, days: int, end: str, rng: np.random.Generator) -> np.ndarray:
    """Expected requests on each of `days` days ending at the log's last day (before Poisson counting)."""
    months_before_end = (np.arange(days) - (days - 1)) / DAYS_PER_MONTH
    weekday = WEEKDAY_FACTORS / WEEKDAY_FACTORS.mean()
    level = spec.requests_per_day * (1.0 + spec.monthly_growth) ** months_before_end
    sigma = np.sqrt(np.log1p(spec.noise_cv**2))
    noise = rng.lognormal(-sigma**2 / 2, sigma, days)  # mean 1
    spikes = np.where(rng.random(days) < spec.spike_share, spec.spike_multiple, 1.0)
    end_weekday = pd.Timestamp(end).day_of_week
    weekdays = (end_weekday - (days - 1) + np.arange(days)) % 7
    return level * weekday[weekdays] * noise * spikes


def synthetic_usage(specs, days: int = DAYS, end: str = END_DATE, seed: int = 0) -> pd.DataFrame:
    """Aggregated daily usage (date, task, requests, input_tokens, output_tokens, model) of every spec."""
    rng = np.random.default_rng(seed)
    frames = []
    for spec in specs:
        n = min(days, spec.days or days)
        requests = rng.poisson(expected_daily(spec, n, end, rng)).astype(np.int64)
        dates = pd.date_range(end=end, periods=n, freq="D").strftime("%Y-%m-%d")
        frames.append(pd.DataFrame({
            "date": dates, "task": spec.name, "requests": requests,
            "input_tokens": requests * spec.input_tokens, "output_tokens": requests * spec.output_tokens,
            "model": spec.model,
        }))
    return pd.concat(frames, ignore_index=True)


def main() -> None:
    synthetic_usage(EXAMPLE_TASKS).to_csv(OUT, index=False)
    print(f"wrote {OUT} ({len(EXAMPLE_TASKS)} tasks × up to {DAYS} days)")


if __name__ == "__main__":
    main()
