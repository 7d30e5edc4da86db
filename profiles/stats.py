"""Summary statistics of latency samples: percentiles, mean, coefficient of variation, 95% t-interval.

Torch-free: imports numpy, math and the profile schema (it returns `Percentiles`).
"""

from __future__ import annotations

import math

import numpy as np

from econ.model.profile import Percentiles

# Two-sided 95% Student-t critical values t(0.975, df) for df = 1..30 (standard statistical tables,
# e.g. NIST/SEMATECH e-Handbook of Statistical Methods, table 1.3.6.7.2).
T_CRITICAL_95 = (
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
    2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
    2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
)
# Standard normal quantile z(0.975), the df → ∞ limit of the t critical value.
Z_975 = 1.959963984540054
MS_PER_S = 1000.0


def t_critical_95(df: int) -> float:
    """t(0.975, df): table for df ≤ 30, Cornish–Fisher expansion in 1/df beyond (error < 1e-4)."""
    if df < 1:
        raise ValueError("degrees of freedom must be at least 1")
    if df <= len(T_CRITICAL_95):
        return T_CRITICAL_95[df - 1]
    z = Z_975
    # Abramowitz & Stegun 26.7.5: expansion of the t quantile around the normal quantile.
    g1 = (z**3 + z) / 4
    g2 = (5 * z**5 + 16 * z**3 + 3 * z) / 96
    g3 = (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / 384
    g4 = (79 * z**9 + 776 * z**7 + 1482 * z**5 - 1920 * z**3 - 945 * z) / 92160
    return z + g1 / df + g2 / df**2 + g3 / df**3 + g4 / df**4


def coefficient_of_variation(samples) -> float | None:
    """Sample standard deviation / mean (None with fewer than two samples or a zero mean)."""
    x = np.asarray(samples, dtype=float)
    if x.size < 2 or x.mean() == 0:
        return None
    return float(x.std(ddof=1) / x.mean())


def ci95_half_width(samples) -> float | None:
    """Half-width of the 95% t-interval of the mean: t(0.975, n−1) × s / √n (None for n < 2)."""
    x = np.asarray(samples, dtype=float)
    if x.size < 2:
        return None
    return float(t_critical_95(x.size - 1) * x.std(ddof=1) / math.sqrt(x.size))


def percentiles_ms(samples_s) -> Percentiles:
    """p50/p90/p99/mean/CV/95% CI of samples given in seconds, reported in milliseconds."""
    x = np.asarray(samples_s, dtype=float) * MS_PER_S
    if x.size == 0:
        raise ValueError("no samples to summarize")
    p50, p90, p99 = np.percentile(x, [50, 90, 99])
    return Percentiles(
        p50=float(p50), p90=float(p90), p99=float(p99), mean=float(x.mean()),
        cv=coefficient_of_variation(x), ci95_half_width=ci95_half_width(x),
    )
