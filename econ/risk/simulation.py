"""The Monte Carlo: how likely payback is. Every uncertain input drawn (seeded), all draws evaluated at once.

Imports numpy, pandas and the `econ` modules of the cost model. With no spread and no chance of a failed
student (`quality.p_student_fails` = 0) it reproduces `econ.chain.evaluate` exactly; a draw whose student
never reaches the quality bar pays the upfront spend and stays on the teacher. The sentences in words are
in `econ.risk.words`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from econ.chain.evaluate import ManyResults, evaluate_many
from econ.chain.inputs import Derivation, NumericInputs, numeric_inputs
from econ.evidence.measured import measured_inputs
from econ.io.serialize import finite_or_none, json_ready
from econ.model.quality import TEACHER_ERROR
from econ.model.scenario import Scenario
from econ.model.uncertainty import (
    INPUTS,
    P_HIGH,
    P_LOW,
    Z_HIGH,
    Distribution,
    Triangular,
    UncertainInput,
    Uncertainty,
    Uniform,
    clip_to_input,
    default_distribution,
)
from econ.risk.levers import LEVERS, check_listed, merge_columns, settings_of
from econ.risk.words import failure_sentence, first_year_months, risk_sentences

P_MID = 0.50
# Evaluate the Monte Carlo in chunks of at most this many variant-months: ~14 arrays of 8-byte floats
# this size stay near 0.5 GB, whatever the number of draws.
CHUNK_VARIANT_MONTHS = 4_000_000
CAPACITY_INPUT = "student_requests_per_s_per_replica"  # the input a profile's measured spread widens
ASSUMPTION_COLUMNS = ["input", "label", "unit", "base_value", "distribution", "p10", "p90"]


@dataclass(frozen=True)
class Range:
    """P10, P50, P90 of one outcome; None where the percentile is beyond the horizon (payback)."""

    p10: float | None
    p50: float | None
    p90: float | None

    def as_tuple(self) -> tuple[float | None, float | None, float | None]:
        return self.p10, self.p50, self.p90

    def to_dict(self) -> dict[str, float | None]:
        return {"p10": self.p10, "p50": self.p50, "p90": self.p90}


@dataclass(frozen=True)
class MonteCarlo:
    """Outcomes of many draws of the uncertain inputs: ranges, probabilities and the draws themselves."""

    draws: pd.DataFrame  # one row per draw: each drawn input, npv_usd, payback_months (NaN = not within)
    npv_usd: Range
    payback_months: Range
    p_npv_positive: float
    p_payback_within_horizon: float
    payback_by_month: pd.DataFrame  # month, p_paid_back: P(payback ≤ month)
    deterministic_npv_usd: float
    deterministic_payback_months: float | None
    horizon_months: int
    seed: int
    assumptions: pd.DataFrame  # input, label, unit, base_value, distribution, p10, p90
    # Share of draws in which the student never reaches the quality bar (they pay the upfront spend and stay
    # on the teacher), and what it came from: "prior" (quality.p_student_fails) or "evidence" (graded
    # samples).
    p_student_fails: float = 0.0
    failure_source: str = "prior"

    @property
    def n_draws(self) -> int:
        return len(self.draws)

    def p_payback_within(self, months: float) -> float:
        """Share of draws paying back within `months`."""
        payback = self.draws["payback_months"].to_numpy()
        return float(np.mean(np.nan_to_num(payback, nan=np.inf) <= months))

    def summary(self) -> list[str]:
        """The answer in sentences a manager reads, ranges first."""
        year = first_year_months(self.horizon_months)
        out = risk_sentences(self.horizon_months, self.p_payback_within(year), self.p_payback_within_horizon,
                             self.p_npv_positive, self.npv_usd.as_tuple(), self.payback_months.as_tuple())
        return [*out, failure_sentence(self.p_student_fails, self.failure_source)]

    def to_frame(self) -> pd.DataFrame:
        """P10 / P50 / P90 of NPV and payback, one row per outcome."""
        return pd.DataFrame([
            {"outcome": "npv_usd", **self.npv_usd.to_dict()},
            {"outcome": "payback_months", **self.payback_months.to_dict()},
        ])

    def to_dict(self) -> dict:
        return json_ready({
            "draws": self.n_draws,
            "seed": self.seed,
            "horizon_months": self.horizon_months,
            "p_npv_positive": self.p_npv_positive,
            "p_payback_within_horizon": self.p_payback_within_horizon,
            "npv_usd": self.npv_usd.to_dict(),
            "payback_months": self.payback_months.to_dict(),
            "deterministic": {"npv_usd": self.deterministic_npv_usd,
                              "payback_months": self.deterministic_payback_months},
            "payback_probability_by_month": [
                {"month": int(r.month), "p_paid_back": float(r.p_paid_back)}
                for r in self.payback_by_month.itertuples()
            ],
            "assumptions": self.assumptions.to_dict(orient="records"),
            "p_student_fails": self.p_student_fails,
            "failure_source": self.failure_source,
            "summary": self.summary(),
        })


def capacity_spread_sigma(derivation: Derivation) -> float:
    """Log-sd of the student's capacity from its profile: √ln(1 + CV²) of the operating point's E2E
    (else TPOT).

    requests/s = batch ÷ E2E, so the spread of E2E is the spread of capacity; 0 when capacity was typed
    or the profile has no CV (an estimate).
    """
    capacity = derivation.student_capacity
    if capacity is None or capacity.point is None:  # an API student, or a typed capacity
        return 0.0
    point = capacity.point.measured
    latency = point.e2e_ms if point.e2e_ms is not None and point.e2e_ms.cv is not None else point.tpot_ms
    cv = latency.cv if latency is not None else None
    return float(np.sqrt(np.log1p(cv**2))) if cv else 0.0


def _mc_distribution(
    name: str, base: float, item: UncertainInput | None, spread: float
) -> Distribution | None:
    """The listed distribution; a listed low/high becomes a triangle through the scenario's value; else the
    default."""
    if item is not None and item.distribution is not None:
        return item.distribution
    if item is not None and item.low is not None:
        if item.low <= base <= item.high:
            return Triangular(low=item.low, mode=base, high=item.high)
        return Uniform(low=item.low, high=item.high)
    return default_distribution(name, base, spread)


def _describe(d: Distribution) -> str:
    fields = ", ".join(f"{k}={v:.4g}" for k, v in d.model_dump().items() if k != "kind")
    return f"{d.kind}({fields})"


def _percentiles(values: np.ndarray) -> Range:
    """P10/P50/P90 without interpolation across "never" (NaN ranks above every month)."""
    ordered = np.nan_to_num(values, nan=np.inf)
    q = np.quantile(ordered, [P_LOW, P_MID, P_HIGH], method="inverted_cdf")
    return Range(*(finite_or_none(v) for v in q))


def bar_is_measured(scenario: Scenario, derivation: Derivation) -> bool:
    """Graded samples measure the student, and the bar is known: the teacher graded too, or its rate typed."""
    q = derivation.quality
    return q is not None and (TEACHER_ERROR in q.rates or scenario.quality.teacher_error_rate > 0)


def failed_draws(scenario: Scenario, x: NumericInputs, measured: bool, columns: dict[str, np.ndarray],
                 rng: np.random.Generator, n: int) -> np.ndarray:
    """Draws in which the student never reaches the bar (the teacher's error rate + the allowed increase).

    With graded evidence, a draw fails when its drawn student error rate is above its teacher error rate
    plus the margin (the posteriors decide); otherwise each draw fails with the stated prior
    quality.p_student_fails. Drawn last, so the other inputs' draws do not move with it.
    """
    q = scenario.quality
    if measured:
        student = columns.get("student_error_rate", np.full(n, float(x.student_error_rate[0])))
        teacher = columns.get("teacher_error_rate", np.full(n, float(x.teacher_error_rate[0])))
        return student > teacher + q.allowed_error_increase
    return rng.random(n) < q.p_student_fails


def _with_failures(x: NumericInputs, columns: dict[str, np.ndarray], failed: np.ndarray,
                   npv: np.ndarray, payback: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A failed student: the upfront spend is sunk at month 0 (NPV = −upfront) and every month stays on the
    teacher."""
    upfront = columns.get("upfront_usd", np.full(failed.size, float(x.upfront_usd[0])))
    return np.where(failed, -upfront, npv), np.where(failed, np.nan, payback)


def _evaluate_chunked(
    x: NumericInputs, columns: dict[str, np.ndarray], n: int
) -> tuple[np.ndarray, np.ndarray]:
    size = max(1, CHUNK_VARIANT_MONTHS // x.months)
    npv, payback = [], []
    for start in range(0, n, size):
        part = {name: values[start:start + size] for name, values in columns.items()}
        if not part:  # nothing varies: one row stands for every draw
            part = {"traffic_scale": np.full(min(size, n - start), float(x.traffic_scale[0]))}
        result: ManyResults = evaluate_many(merge_columns(x, part))
        npv.append(result.npv_usd)
        payback.append(result.payback_months)
    return np.concatenate(npv), np.concatenate(payback)


def _capacity_spread(x: NumericInputs, drawn: np.ndarray | None, sigma: float, rng: np.random.Generator,
                     n: int) -> tuple[np.ndarray, tuple]:
    """The student's capacity (its draws, else its scenario value) × a log-normal of median 1 and the
    profile's spread (log-sd `sigma`), and the assumption row that says so."""
    base = LEVERS[CAPACITY_INPUT].base(x)
    measured = np.exp(sigma * rng.standard_normal(n))  # median 1: the measured capacity stays the median
    capacity = clip_to_input(CAPACITY_INPUT, (np.full(n, base) if drawn is None else drawn) * measured)
    described = f"lognormal(median=1, sigma={sigma:.4g}) from the profile's CV"
    low, high = float(np.exp(-sigma * Z_HIGH)), float(np.exp(sigma * Z_HIGH))
    return capacity, (CAPACITY_INPUT, "measured throughput spread", "× measured", 1.0, described, low, high)


def monte_carlo(scenario: Scenario, uncertainty: Uncertainty | None = None,
                draws: int | None = None, seed: int | None = None) -> MonteCarlo:
    """Draw every uncertain input (seeded), evaluate all draws at once, summarize NPV and payback."""
    uncertainty = uncertainty or settings_of(scenario)
    n = uncertainty.draws if draws is None else int(draws)
    seed = uncertainty.seed if seed is None else int(seed)
    if n < 1:
        raise ValueError("draws must be at least 1")
    x, derivation = numeric_inputs(scenario)
    check_listed(x, uncertainty)
    # Measured quality rates are drawn from their Beta posteriors unless risk.inputs lists them itself.
    listed = {**measured_inputs(derivation.quality), **uncertainty.listed()}
    rng = np.random.default_rng(seed)
    columns: dict[str, np.ndarray] = {}
    assumptions = []
    for name, lever in LEVERS.items():  # a fixed order: the same seed gives the same draws
        if name not in listed and lever.inapplicable(x):
            continue
        base = lever.base(x)
        dist = _mc_distribution(name, base, listed.get(name), uncertainty.default_spread)
        if dist is None:
            continue
        columns[name] = clip_to_input(name, dist.sample(rng, n))
        low, high = clip_to_input(name, [dist.quantile(P_LOW), dist.quantile(P_HIGH)])
        assumptions.append((name, INPUTS[name].label, INPUTS[name].unit, base, _describe(dist), low, high))
    sigma = capacity_spread_sigma(derivation) if uncertainty.profile_spread else 0.0
    if sigma > 0:
        columns[CAPACITY_INPUT], assumption = _capacity_spread(x, columns.get(CAPACITY_INPUT), sigma, rng, n)
        assumptions.append(assumption)
    npv, payback = _evaluate_chunked(x, columns, n)
    measured = bar_is_measured(scenario, derivation)
    failed = failed_draws(scenario, x, measured, columns, rng, n)
    npv, payback = _with_failures(x, columns, failed, npv, payback)
    det_npv, det_payback = _evaluate_chunked(x, {}, 1)
    months = np.arange(1, scenario.horizon_months + 1)
    paid = np.nan_to_num(payback, nan=np.inf)
    p_paid_back = (paid[None, :] <= months[:, None]).mean(axis=1)
    by_month = pd.DataFrame({"month": months, "p_paid_back": p_paid_back})
    draws_frame = pd.DataFrame(
        {**columns, "student_fails": failed, "npv_usd": npv, "payback_months": payback}
    )
    return MonteCarlo(
        draws=draws_frame,
        npv_usd=_percentiles(npv),
        payback_months=_percentiles(payback),
        p_npv_positive=float(np.mean(npv > 0)),
        p_payback_within_horizon=float(np.mean(~np.isnan(payback))),
        payback_by_month=by_month,
        deterministic_npv_usd=float(det_npv[0]),
        deterministic_payback_months=finite_or_none(det_payback[0]),
        horizon_months=scenario.horizon_months,
        seed=seed,
        assumptions=pd.DataFrame(assumptions, columns=ASSUMPTION_COLUMNS),
        p_student_fails=float(np.mean(failed)),
        failure_source="evidence" if measured else "prior",
    )
