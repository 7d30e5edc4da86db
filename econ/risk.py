"""Risk: the tornado (which inputs decide the answer) and the Monte Carlo (how likely payback is).

Imports numpy, pandas and the `econ` modules of the cost model. Every variant of an input runs through
the same cash-flow formulas as `econ.evaluate`, all at once: `numeric_inputs` flattens the scenario,
`vary` swaps in arrays of values, `evaluate_many` returns NPV and payback per variant. With no spread
the Monte Carlo reproduces `econ.evaluate` exactly. Probabilities are also said in words a manager reads.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from econ.capacity import profile_of
from econ.evaluate import ManyResults, evaluate_many
from econ.inputs import Derivation, NumericInputs, numeric_inputs, vary
from econ.report import usd
from econ.scenario import Scenario, SelfHostedServing
from econ.uncertainty import (
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
from econ.units import MONTHS_PER_YEAR

P_MID = 0.50
# Evaluate the Monte Carlo in chunks of at most this many variant-months: ~14 arrays of 8-byte floats
# this size stay near 0.5 GB, whatever the number of draws.
CHUNK_VARIANT_MONTHS = 4_000_000
# Probabilities within this of 0 or 1 are said as "less than 1 in 100" / "more than 99 in 100".
NEAR_CERTAIN = 0.005
TENTHS = 10  # "7 in 10": the grain of the words


# --- How each named input maps onto the numeric inputs -------------------------------------------

@dataclass(frozen=True)
class Lever:
    """Where an uncertain input lives in NumericInputs: its scenario value and the fields it sets."""

    base: Callable[[NumericInputs], float]
    fields: Callable[[NumericInputs, np.ndarray], dict[str, np.ndarray]]
    # None when the input moves the result; otherwise why it does not (e.g. "the student is an API").
    inapplicable: Callable[[NumericInputs], str | None]


def _field(name: str) -> Lever:
    """An input that is one top-level field of NumericInputs."""
    return Lever(lambda x: float(getattr(x, name)[0]), lambda x, v: {name: v}, lambda x: None)


def _student(name: str) -> Lever:
    """An input that is one field of a self-hosted student."""
    return Lever(
        lambda x: float(getattr(x.student, name)[0]),
        lambda x, v: {f"student__{name}": v},
        lambda x: "the student is served by an API" if x.student.is_api else None,
    )


def _teacher_price(x: NumericInputs, scale: np.ndarray) -> dict[str, np.ndarray]:
    """Teacher price × scale: the API price per request, or the GPU price of a self-hosted teacher."""
    if x.teacher.is_api:
        return {"teacher__usd_per_request": x.teacher.usd_per_request[0] * scale}
    return {"teacher__gpu_usd_per_hour": x.teacher.gpu_usd_per_hour[0] * scale}


def _no_peak_sizing(x: NumericInputs) -> str | None:
    sized = [s for s in (x.teacher, x.student) if not s.is_api and s.always_on]
    return None if sized else "no always-on GPU fleet is sized for the peak"


def _no_cadence(x: NumericInputs) -> str | None:
    if x.redistill_every_months[0] <= 0:
        return "the scenario never re-distils"
    return None


LEVERS: dict[str, Lever] = {
    "traffic_scale": _field("traffic_scale"),
    "monthly_growth": Lever(
        lambda x: float(x.monthly_growth[0]), lambda x, v: {"monthly_growth": v},
        lambda x: "traffic is an explicit monthly series" if x.explicit_requests is not None else None,
    ),
    "peak_to_average": Lever(lambda x: float(x.peak_to_average[0]), lambda x, v: {"peak_to_average": v},
                             _no_peak_sizing),
    "gpu_usd_per_hour": _student("gpu_usd_per_hour"),
    "teacher_price_scale": Lever(lambda x: 1.0, _teacher_price, lambda x: None),
    "teacher_annual_price_decline": Lever(
        lambda x: float(x.teacher.annual_price_decline[0]),
        lambda x, v: {"teacher__annual_price_decline": v},
        lambda x: None if x.teacher.is_api else "the teacher is self-hosted (no API price to drift)",
    ),
    "student_capacity_rps": _student("capacity_rps"),
    "fallback_rate": _field("fallback_rate"),
    "student_error_rate": _field("student_error_rate"),
    "usd_per_error": _field("usd_per_error"),
    "upfront_usd": _field("upfront_usd"),
    "redistill_every_months": Lever(lambda x: float(x.redistill_every_months[0]),
                                    lambda x, v: {"redistill_every_months": v}, _no_cadence),
    "redistill_usd": Lever(lambda x: float(x.redistill_usd[0]), lambda x, v: {"redistill_usd": v}, _no_cadence),
}


def settings_of(scenario: Scenario) -> Uncertainty:
    """The scenario's own risk settings (its `risk` block), or the defaults."""
    return getattr(scenario, "risk", None) or Uncertainty()


def _check_listed(x: NumericInputs, uncertainty: Uncertainty) -> None:
    for item in uncertainty.inputs:
        why = LEVERS[item.input].inapplicable(x)
        if why:
            raise ValueError(f"risk.inputs: {item.input} does not apply here: {why}")
        if item.low is not None:
            info = INPUTS[item.input]
            for end, value in (("low", item.low), ("high", item.high)):
                if not info.lower <= value <= info.upper:
                    raise ValueError(
                        f"risk.inputs: {item.input} {end} {value:g} is outside its valid range "
                        f"[{info.lower:g}, {info.upper:g}] ({info.unit})"
                    )


def _merge(x: NumericInputs, columns: dict[str, np.ndarray]) -> NumericInputs:
    """vary() with every named input's column (V,) mapped onto its fields."""
    changes: dict[str, np.ndarray] = {}
    for name, values in columns.items():
        changes.update(LEVERS[name].fields(x, values))
    return vary(x, **changes)


# --- Tornado ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Tornado:
    """Each input moved to its low and high value with all others held, ranked by NPV swing."""

    rows: pd.DataFrame  # one row per input, largest NPV swing first
    base_npv_usd: float
    base_payback_months: float | None
    horizon_months: int

    def to_frame(self) -> pd.DataFrame:
        """input, label, unit, base/low/high value, NPV and payback at low and high, swings."""
        return self.rows.copy()

    def to_dict(self) -> dict:
        return {
            "base_npv_usd": self.base_npv_usd,
            "base_payback_months": self.base_payback_months,
            "horizon_months": self.horizon_months,
            "inputs": [{k: _json_number(v) for k, v in row.items()} for row in self.rows.to_dict(orient="records")],
        }


def _json_number(value):
    if isinstance(value, float | np.floating):
        return None if not math.isfinite(float(value)) else float(value)
    return value


def tornado_range(name: str, base: float, item: UncertainInput | None, relative: float) -> tuple[float, float] | None:
    """(low, high) of one input: its own low/high, else its distribution's P10/P90, else base × (1 ∓ relative)."""
    if item is not None and item.low is not None:
        return item.low, item.high
    if item is not None and item.distribution is not None:
        d = item.distribution
        low, high = clip_to_input(name, [d.quantile(P_LOW), d.quantile(P_HIGH)])
        return float(low), float(high)
    if relative <= 0:
        return None
    if base == 0:
        return INPUTS[name].zero_base_range
    low, high = clip_to_input(name, [base * (1 - relative), base * (1 + relative)])
    return float(low), float(high)


def tornado(scenario: Scenario, uncertainty: Uncertainty | None = None, relative_range: float | None = None) -> Tornado:
    """NPV and payback with each input at its low and at its high (others held), in one vectorized run.

    relative_range overrides the ±fraction used for inputs without their own range or distribution.
    """
    uncertainty = uncertainty or settings_of(scenario)
    relative = uncertainty.default_spread if relative_range is None else relative_range
    x, _ = numeric_inputs(scenario)
    _check_listed(x, uncertainty)
    listed = uncertainty.listed()
    moves = []
    for name, lever in LEVERS.items():
        if name not in listed and lever.inapplicable(x):
            continue
        base = lever.base(x)
        ends = tornado_range(name, base, listed.get(name), relative)
        if ends is not None:
            moves.append((name, base, *ends))
    # Row 0 is the scenario itself; rows 2i+1, 2i+2 move input i to its low, then its high.
    columns = {}
    for i, (name, base, low, high) in enumerate(moves):
        column = np.full(2 * len(moves) + 1, base)
        column[2 * i + 1], column[2 * i + 2] = low, high
        columns[name] = column
    result = evaluate_many(_merge(x, columns))
    npv, payback = result.npv_usd, result.payback_months
    horizon = scenario.horizon_months
    capped = np.where(np.isnan(payback), float(horizon), payback)  # "never" ranks as the horizon
    rows = pd.DataFrame({
        "input": [m[0] for m in moves],
        "label": [INPUTS[m[0]].label for m in moves],
        "unit": [INPUTS[m[0]].unit for m in moves],
        "base_value": [m[1] for m in moves],
        "low_value": [m[2] for m in moves],
        "high_value": [m[3] for m in moves],
        "npv_low_usd": npv[1::2],
        "npv_high_usd": npv[2::2],
        "payback_low_months": payback[1::2],
        "payback_high_months": payback[2::2],
    })
    rows["npv_swing_usd"] = (rows["npv_high_usd"] - rows["npv_low_usd"]).abs()
    rows["payback_swing_months"] = np.abs(capped[2::2] - capped[1::2])
    rows = rows.sort_values("npv_swing_usd", ascending=False, kind="stable").reset_index(drop=True)
    base_payback = float(payback[0])
    return Tornado(rows, float(npv[0]), None if math.isnan(base_payback) else base_payback, horizon)


# --- Monte Carlo ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Range:
    """P10, P50, P90 of one outcome; None where the percentile is beyond the horizon (payback)."""

    p10: float | None
    p50: float | None
    p90: float | None

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

    @property
    def n_draws(self) -> int:
        return len(self.draws)

    def p_payback_within(self, months: float) -> float:
        """Share of draws paying back within `months`."""
        payback = self.draws["payback_months"].to_numpy()
        return float(np.mean(np.nan_to_num(payback, nan=np.inf) <= months))

    def summary(self) -> list[str]:
        """The answer in sentences a manager reads, ranges first."""
        return risk_sentences(self)

    def to_frame(self) -> pd.DataFrame:
        """P10 / P50 / P90 of NPV and payback, one row per outcome."""
        return pd.DataFrame([
            {"outcome": "npv_usd", **self.npv_usd.to_dict()},
            {"outcome": "payback_months", **self.payback_months.to_dict()},
        ])

    def to_dict(self) -> dict:
        return {
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
            "assumptions": [{k: _json_number(v) for k, v in row.items()}
                            for row in self.assumptions.to_dict(orient="records")],
            "summary": self.summary(),
        }


def capacity_spread_sigma(scenario: Scenario, derivation: Derivation) -> float:
    """Log-sd of the student's capacity from its profile: √ln(1 + CV²) of the operating point's E2E (else TPOT).

    requests/s = batch ÷ E2E, so the spread of E2E is the spread of capacity; 0 when capacity was typed
    or the profile has no CV (an estimate).
    """
    student, capacity = scenario.student, derivation.student_capacity
    if not isinstance(student, SelfHostedServing) or student.profile is None or capacity is None or not capacity.point:
        return 0.0
    profile = profile_of(student.profile, "student")
    point = next(p for p in profile.fitting_points() if p.batch_size == capacity.point.batch_size)
    latency = point.e2e_ms if point.e2e_ms is not None and point.e2e_ms.cv is not None else point.tpot_ms
    cv = latency.cv if latency is not None else None
    return float(np.sqrt(np.log1p(cv**2))) if cv else 0.0


def _mc_distribution(name: str, base: float, item: UncertainInput | None, spread: float) -> Distribution | None:
    """The listed distribution; a listed low/high becomes a triangle through the scenario's value; else the default."""
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
    return Range(*(float(v) if math.isfinite(v) else None for v in q))


def _evaluate_chunked(x: NumericInputs, columns: dict[str, np.ndarray], n: int) -> tuple[np.ndarray, np.ndarray]:
    size = max(1, CHUNK_VARIANT_MONTHS // x.months)
    npv, payback = [], []
    for start in range(0, n, size):
        part = {name: values[start:start + size] for name, values in columns.items()}
        if not part:  # nothing varies: one row stands for every draw
            part = {"traffic_scale": np.full(min(size, n - start), float(x.traffic_scale[0]))}
        result: ManyResults = evaluate_many(_merge(x, part))
        npv.append(result.npv_usd)
        payback.append(result.payback_months)
    return np.concatenate(npv), np.concatenate(payback)


def monte_carlo(scenario: Scenario, uncertainty: Uncertainty | None = None,
                draws: int | None = None, seed: int | None = None) -> MonteCarlo:
    """Draw every uncertain input (seeded), evaluate all draws at once, summarize NPV and payback."""
    uncertainty = uncertainty or settings_of(scenario)
    n = uncertainty.draws if draws is None else int(draws)
    seed = uncertainty.seed if seed is None else int(seed)
    if n < 1:
        raise ValueError("draws must be at least 1")
    x, derivation = numeric_inputs(scenario)
    _check_listed(x, uncertainty)
    listed = uncertainty.listed()
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
    sigma = capacity_spread_sigma(scenario, derivation) if uncertainty.profile_spread else 0.0
    if sigma > 0:
        base = LEVERS["student_capacity_rps"].base(x)
        measured = np.exp(sigma * rng.standard_normal(n))  # median 1: the measured capacity stays the median
        columns["student_capacity_rps"] = clip_to_input(
            "student_capacity_rps", columns.get("student_capacity_rps", np.full(n, base)) * measured
        )
        assumptions.append(("student_capacity_rps", "measured throughput spread", "× measured", 1.0,
                            f"lognormal(median=1, sigma={sigma:.4g}) from the profile's CV",
                            float(np.exp(-sigma * Z_HIGH)), float(np.exp(sigma * Z_HIGH))))
    npv, payback = _evaluate_chunked(x, columns, n)
    det_npv, det_payback = _evaluate_chunked(x, {}, 1)
    months = np.arange(1, scenario.horizon_months + 1)
    paid = np.nan_to_num(payback, nan=np.inf)
    by_month = pd.DataFrame({"month": months, "p_paid_back": (paid[None, :] <= months[:, None]).mean(axis=1)})
    draws_frame = pd.DataFrame({**columns, "npv_usd": npv, "payback_months": payback})
    return MonteCarlo(
        draws=draws_frame,
        npv_usd=_percentiles(npv),
        payback_months=_percentiles(payback),
        p_npv_positive=float(np.mean(npv > 0)),
        p_payback_within_horizon=float(np.mean(~np.isnan(payback))),
        payback_by_month=by_month,
        deterministic_npv_usd=float(det_npv[0]),
        deterministic_payback_months=None if math.isnan(det_payback[0]) else float(det_payback[0]),
        horizon_months=scenario.horizon_months,
        seed=seed,
        assumptions=pd.DataFrame(assumptions, columns=["input", "label", "unit", "base_value", "distribution",
                                                       "p10", "p90"]),
    )


# --- Words ------------------------------------------------------------------------------------

def chance_words(p: float) -> str:
    """0.7 → '7 in 10 chance'; near 0 or 1 → 'less than 1 in 100 chance' / 'more than 99 in 100 chance'."""
    if not 0 <= p <= 1:
        raise ValueError(f"a probability is between 0 and 1, got {p}")
    if p >= 1 - NEAR_CERTAIN:
        return "more than 99 in 100 chance"
    if p <= NEAR_CERTAIN:
        return "less than 1 in 100 chance"
    tenths = round(p * TENTHS)
    if tenths == 0:
        return "less than 1 in 10 chance"
    if tenths == TENTHS:
        return "more than 9 in 10 chance"
    return f"{tenths} in 10 chance"


def period_words(months: float) -> str:
    """12 → 'a year', 24 → '2 years', 18 → '18 months'."""
    if months == MONTHS_PER_YEAR:
        return "a year"
    if months % MONTHS_PER_YEAR == 0:
        return f"{int(months // MONTHS_PER_YEAR)} years"
    return f"{months:g} months"


def payback_chance_words(p: float, months: float) -> str:
    """'7 in 10 chance of paying back within a year'."""
    return f"{chance_words(p)} of paying back within {period_words(months)}"


def risk_sentences(mc: MonteCarlo) -> list[str]:
    """Ranges before points: NPV range, payback odds at a year and at the horizon, then the medians."""
    h = mc.horizon_months
    out = []
    year = min(MONTHS_PER_YEAR, h)
    odds = payback_chance_words(mc.p_payback_within(year), year)
    if h > year:
        odds += f"; {chance_words(mc.p_payback_within_horizon)} within {period_words(h)}"
    out.append(odds[0].upper() + odds[1:] + ".")
    r = mc.npv_usd
    out.append(f"NPV over {period_words(h)} between {usd(r.p10)} and {usd(r.p90)} (P10–P90), "
               f"median {usd(r.p50)}; {chance_words(mc.p_npv_positive)} that it is positive.")
    p = mc.payback_months
    if p.p10 is None:
        out.append(f"Payback is beyond {period_words(h)} in most draws.")
    else:
        high = f"{p.p90:.1f} months" if p.p90 is not None else f"beyond {period_words(h)}"
        mid = f"{p.p50:.1f} months" if p.p50 is not None else f"beyond {period_words(h)}"
        out.append(f"Payback between {p.p10:.1f} months and {high} (P10–P90), median {mid}.")
    return out
