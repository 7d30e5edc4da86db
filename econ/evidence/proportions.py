"""Proportions measured on weighted samples: the rate, its 95% Wilson interval, gaps and Beta posteriors.

Imports numpy; statsmodels only inside the interval functions (so `import econ` stays light). Weights
are sampling weights: the rate is the weighted mean, and intervals use Kish's effective sample size
n_eff = (Σw)² / Σw² with effective count rate × n_eff. Unweighted rows (all w = 1) give n_eff = n and
the plain counts; weights of 2 everywhere give the same rate *and the same interval* as weights of 1
(relabelling rows cannot make a sample more informative). The intervals are statsmodels'
`proportion_confint(method="wilson")` and `confint_proportions_2indep(method="newcomb")` (Newcomb's
hybrid score interval for a difference of two independent proportions, built from Wilson intervals).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

ALPHA = 0.05  # 95% intervals
JEFFREYS_PRIOR = 0.5  # Beta(1/2, 1/2): the Jeffreys prior of a binomial rate
POINTS = 100.0  # a rate difference of 0.01 is 1 point


@dataclass(frozen=True)
class Proportion:
    """A weighted share: `count` of `total` (weights summed), over `rows` rows, with its 95% interval."""

    rows: int
    total: float  # Σw
    count: float  # Σw over the rows that count (errors, fallbacks)
    n_effective: float  # (Σw)² / Σw²
    ci95: tuple[float, float]

    @property
    def rate(self) -> float:
        return self.count / self.total if self.total > 0 else float("nan")

    @property
    def effective_count(self) -> float:
        return self.rate * self.n_effective

    def posterior(self) -> tuple[float, float]:
        """Beta(a, b) posterior of the rate under the Jeffreys prior: (x + 1/2, n − x + 1/2), effective
        counts."""
        x, n = self.effective_count, self.n_effective
        return x + JEFFREYS_PRIOR, n - x + JEFFREYS_PRIOR

    def posterior_mean(self) -> float:
        """(x + 1/2) / (n + 1)."""
        a, b = self.posterior()
        return a / (a + b)


def wilson_interval(count: np.ndarray | float, nobs: np.ndarray | float) -> tuple[np.ndarray, np.ndarray]:
    """95% Wilson score interval of count/nobs (statsmodels); non-integer effective counts are fine."""
    from statsmodels.stats.proportion import proportion_confint

    low, high = proportion_confint(count, nobs, alpha=ALPHA, method="wilson")
    return np.asarray(low, dtype=float), np.asarray(high, dtype=float)


def proportions(rows: np.ndarray, total: np.ndarray, count: np.ndarray,
                sum_sq: np.ndarray) -> list[Proportion]:
    """One Proportion per group from per-group row counts, Σw, Σw·[counted] and Σw² (all arrays (G,))."""
    total = np.asarray(total, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        n_eff = np.where(sum_sq > 0, total**2 / sum_sq, 0.0)
        rate = np.where(total > 0, count / total, np.nan)
    low, high = wilson_interval(np.nan_to_num(rate) * n_eff, np.maximum(n_eff, np.finfo(float).tiny))
    return [Proportion(int(r), float(t), float(c), float(n), (float(lo), float(hi)))
            for r, t, c, n, lo, hi in zip(rows, total, count, n_eff, low, high, strict=True)]


def proportion(weight: np.ndarray, counted: np.ndarray) -> Proportion:
    """The weighted share of rows where `counted` is True."""
    w = np.asarray(weight, dtype=float)
    return proportions(np.array([w.size]), np.array([w.sum()]), np.array([w[counted].sum()]),
                       np.array([np.dot(w, w)]))[0]


def difference_interval(first: Proportion, second: Proportion) -> tuple[float, float]:
    """95% interval of rate(first) − rate(second), independent samples (Newcomb, statsmodels), effective
    counts."""
    from statsmodels.stats.proportion import confint_proportions_2indep

    low, high = confint_proportions_2indep(
        first.effective_count, first.n_effective, second.effective_count, second.n_effective,
        method="newcomb", compare="diff", alpha=ALPHA,
    )
    return float(low), float(high)
