"""Uncertainty of the inputs: named uncertain inputs and their distributions (the scenario's `risk` block).

Imports pydantic, numpy and `econ.base.types` only. Each uncertain input is one of the names in `INPUTS`,
in its own units (the unit is in the name, or `_scale` for a ratio to the scenario's value). A
distribution is picked by its `kind`; draws are clipped to the input's valid range and whole months
are rounded. `econ.risk` maps the names onto the cash-flow model.
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import NormalDist
from typing import Annotated, Literal

import numpy as np
from pydantic import Field, field_validator, model_validator

from econ.base.types import (
    MAX_CAPACITY_RPS,
    MAX_HORIZON_MONTHS,
    MAX_USD,
    MAX_USD_PER_ERROR,
    MAX_USD_PER_HOUR,
    MIN_CAPACITY_RPS,
    Finite,
    Fraction,
    real,
    whole,
)
from econ.base.types import Frozen as _Frozen
from econ.base.types import NonNegativeFloat as NonNegative
from econ.base.types import PositiveFloat as Positive

P_LOW = 0.10  # the tornado's low end and the reported low percentile (P10)
P_HIGH = 0.90  # the high end (P90): decision analysts' usual 80% range
Z_HIGH = NormalDist().inv_cdf(P_HIGH)  # 1.2816: standard-normal quantile of P90
DEFAULT_RANGE = 0.20  # ±20%: the tornado's move of an input with no range or distribution of its own
DEFAULT_DRAWS = 10_000  # Monte Carlo draws: P10/P90 to about ±0.6 percentage points of probability
MAX_DRAWS = 1_000_000
# Quantiles of a beta have no closed form; they are read off a seeded sample this large (±0.3% of sd).
BETA_QUANTILE_SAMPLE = 200_000
BETA_QUANTILE_SEED = 20_261_128
MAX_MONTHS = MAX_HORIZON_MONTHS  # caps the re-distillation cadence
# Largest multiple of today's traffic or price a draw may take: keeps every product finite.
MAX_SCALE = 1e3
# Widest log-normal: P90 = median × e^(3 × 1.28) ≈ 47× the median; wider is not an estimate.
MAX_LOG_SIGMA = 3.0


@dataclass(frozen=True)
class InputInfo:
    """What an uncertain input is, for people (label, unit) and for the sampler (valid range)."""

    label: str
    unit: str
    lower: float
    upper: float
    whole: bool = False  # rounded to whole numbers (months)
    # Tornado range used when the scenario's value is 0 (±20% of 0 says nothing); None: no range.
    zero_base_range: tuple[float, float] | None = None


# The uncertain inputs, in the order reports list them. The cash-flow mapping is in econ.risk.
INPUTS: dict[str, InputInfo] = {
    "traffic_scale": InputInfo("traffic level", "× forecast", 0.0, MAX_SCALE),
    "monthly_growth": InputInfo("traffic growth", "fraction/month", -0.99, 10.0),
    "peak_to_average": InputInfo("peak-to-average", "ratio", 1.0, 100.0),
    "gpu_usd_per_hour": InputInfo("student GPU price", "USD/GPU-hour", 0.0, MAX_USD_PER_HOUR),
    "teacher_price_scale": InputInfo("teacher price", "× today's price", 0.0, MAX_SCALE),
    # An API teacher that gets 20%/year cheaper is a plausible bad case (assumption, not a forecast).
    "teacher_annual_price_decline": InputInfo("teacher price drift", "fraction/year", 0.0, 0.99,
                                              zero_base_range=(0.0, 0.20)),
    "student_requests_per_s_per_replica": InputInfo("student capacity", "requests/s per replica",
                                                    MIN_CAPACITY_RPS, MAX_CAPACITY_RPS),
    "fallback_rate": InputInfo("fallback rate", "fraction", 0.0, 1.0),
    "student_error_rate": InputInfo("student error rate", "fraction", 0.0, 1.0),
    "usd_per_error": InputInfo("cost of an error", "USD/error", 0.0, MAX_USD_PER_ERROR),
    "upfront_usd": InputInfo("upfront spend", "USD", 0.0, MAX_USD),
    "redistill_every_months": InputInfo("re-distillation cadence", "months", 1.0, MAX_MONTHS, whole=True),
    "redistill_usd": InputInfo("re-distillation cost", "USD", 0.0, MAX_USD),
    # Varies only when measured from quality.evidence (a typed teacher error rate is held: econ.risk.levers).
    "teacher_error_rate": InputInfo("teacher error rate", "fraction", 0.0, 1.0),
    # Months before the student serves; a zero lead time has no default range (results kept exactly).
    "lead_time_months": InputInfo("lead time", "months", 0.0, MAX_MONTHS),
    # A distillation run's uncertainties, as multipliers of its plan (only a run's scenario moves).
    "distill_tokens_scale": InputInfo("distillation tokens", "× planned", 0.0, MAX_SCALE),
    "scoring_speed_scale": InputInfo("teacher scoring throughput", "× planned", 0.01, MAX_SCALE),
}
RENAMED_INPUTS = {"student_capacity_rps": "student_requests_per_s_per_replica"}  # old name → today's
InputName = Literal[tuple(INPUTS)]  # the names above, once


class Normal(_Frozen):
    """Normal: mean ± sd (in the input's units)."""

    kind: Literal["normal"] = "normal"
    mean: Finite = Field(description="Mean (input's units).")
    sd: NonNegative = Field(description="Standard deviation (input's units); 0 = fixed at the mean.")

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return self.mean + self.sd * rng.standard_normal(n)

    def quantile(self, q: float) -> float:
        return self.mean + self.sd * NormalDist().inv_cdf(q)


class LogNormal(_Frozen):
    """Log-normal: median × exp(sigma · z); for positive amounts (prices, volumes, capacity)."""

    kind: Literal["lognormal"] = "lognormal"
    median: Positive = Field(description="Median (input's units).")
    sigma: real("ratio", 0.01, ge=0, le=MAX_LOG_SIGMA) = Field(
        description="Standard deviation of the log (ratio); 0.14 ≈ P90 at +20%.")

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return self.median * np.exp(self.sigma * rng.standard_normal(n))

    def quantile(self, q: float) -> float:
        return self.median * float(np.exp(self.sigma * NormalDist().inv_cdf(q)))


class Triangular(_Frozen):
    """Triangular: low, most likely, high (a three-point estimate)."""

    kind: Literal["triangular"] = "triangular"
    low: Finite = Field(description="Lowest value (input's units).")
    mode: Finite = Field(description="Most likely value (input's units).")
    high: Finite = Field(description="Highest value (input's units).")

    @model_validator(mode="after")
    def _ordered(self) -> Triangular:
        if not self.low <= self.mode <= self.high:
            raise ValueError("need low ≤ mode ≤ high")
        return self

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        if self.low == self.high:
            return np.full(n, self.mode)
        return rng.triangular(self.low, self.mode, self.high, n)

    def quantile(self, q: float) -> float:
        a, c, b = self.low, self.mode, self.high
        if a == b:
            return c
        split = (c - a) / (b - a)
        if q <= split:
            return a + float(np.sqrt(q * (b - a) * (c - a)))
        return b - float(np.sqrt((1 - q) * (b - a) * (b - c)))


class Uniform(_Frozen):
    """Uniform between low and high."""

    kind: Literal["uniform"] = "uniform"
    low: Finite = Field(description="Lowest value (input's units).")
    high: Finite = Field(description="Highest value (input's units).")

    @model_validator(mode="after")
    def _ordered(self) -> Uniform:
        if self.low > self.high:
            raise ValueError("need low ≤ high")
        return self

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return self.low + (self.high - self.low) * rng.random(n)

    def quantile(self, q: float) -> float:
        return self.low + (self.high - self.low) * q


class Beta(_Frozen):
    """Beta with a mean and a standard deviation: for rates in [0, 1] (fallback, error rates)."""

    kind: Literal["beta"] = "beta"
    mean: Fraction = Field(description="Mean rate (fraction).")
    sd: NonNegative = Field(description="Standard deviation (fraction); 0 = fixed at the mean.")

    @model_validator(mode="after")
    def _feasible(self) -> Beta:
        widest_variance = self.mean * (1 - self.mean)
        if self.sd > 0 and self.sd**2 >= widest_variance:
            raise ValueError(f"sd must be below √(mean·(1−mean)) = {np.sqrt(widest_variance):.4g}")
        return self

    def shape(self) -> tuple[float, float]:
        """(α, β) = (mean·k, (1 − mean)·k) with k = mean(1 − mean)/sd² − 1."""
        k = self.mean * (1 - self.mean) / self.sd**2 - 1
        return self.mean * k, (1 - self.mean) * k

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        if self.sd == 0:
            return np.full(n, self.mean)
        return rng.beta(*self.shape(), n)

    def quantile(self, q: float) -> float:
        if self.sd == 0:
            return self.mean
        sample = self.sample(np.random.default_rng(BETA_QUANTILE_SEED), BETA_QUANTILE_SAMPLE)
        return float(np.quantile(sample, q))


Distribution = Annotated[Normal | LogNormal | Triangular | Uniform | Beta, Field(discriminator="kind")]


class UncertainInput(_Frozen):
    """One uncertain input: its distribution (Monte Carlo) and/or its low and high (tornado)."""

    input: InputName = Field(description="Which input (see econ.model.uncertainty.INPUTS for units).")

    @field_validator("input", mode="before")
    @classmethod
    def _renamed(cls, value):
        """An input's old name (in a saved scenario) reads as its new one."""
        return RENAMED_INPUTS.get(value, value) if isinstance(value, str) else value

    distribution: Distribution | None = Field(
        None, description="Distribution for the Monte Carlo; its P10/P90 are the tornado's low/high.")
    low: Finite | None = Field(None, description="Tornado low value (input's units); overrides P10.")
    high: Finite | None = Field(None, description="Tornado high value (input's units); overrides P90.")

    @model_validator(mode="after")
    def _range(self) -> UncertainInput:
        if (self.low is None) != (self.high is None):
            raise ValueError("give both low and high, or neither")
        if self.low is not None and self.low > self.high:
            raise ValueError("need low ≤ high")
        return self


class Uncertainty(_Frozen):
    """How uncertain the scenario's inputs are: the risk analysis settings a scenario file can carry."""

    inputs: list[UncertainInput] = Field(
        default_factory=list, description="Inputs with their own distribution or range.")
    default_spread: real("fraction", 0.01, ge=0, lt=1) = Field(
        DEFAULT_RANGE,
        description="Inputs not listed: P10/P90 at ∓/± this fraction of the scenario's value in the "
        "Monte Carlo and the tornado (fraction; 0 holds them at the scenario's value).",
    )
    profile_spread: bool = Field(
        True, description="Add a measured profile's run-to-run throughput spread (CV); an estimate has "
        "none.")
    draws: whole("draws", ge=1, le=MAX_DRAWS) = Field(DEFAULT_DRAWS, description="Monte Carlo draws.")
    seed: whole(ge=0, le=2**63 - 1) = Field(0, description="Random seed: the same seed gives the same draws.")

    @model_validator(mode="after")
    def _unique(self) -> Uncertainty:
        names = [item.input for item in self.inputs]
        repeated = sorted({n for n in names if names.count(n) > 1})
        if repeated:
            raise ValueError(f"inputs listed twice: {', '.join(repeated)}")
        return self

    def listed(self) -> dict[str, UncertainInput]:
        """The listed inputs by name."""
        return {item.input: item for item in self.inputs}

    def with_defaults(self, inputs: list[UncertainInput]) -> Uncertainty:
        """These settings plus `inputs` for the inputs they do not list (their own listing wins).

        How a traffic forecast's uncertainty joins a scenario's risk block.
        """
        listed = self.listed()
        extra = [item for item in inputs if item.input not in listed]
        return self.model_copy(update={"inputs": [*self.inputs, *extra]})


def clip_to_input(name: str, values: np.ndarray) -> np.ndarray:
    """Values clipped to the input's valid range (and rounded to whole months where it counts months)."""
    info = INPUTS[name]
    values = np.clip(np.asarray(values, dtype=float), info.lower, info.upper)
    return np.rint(values) if info.whole else values


def default_distribution(name: str, base: float, spread: float) -> Distribution | None:
    """A distribution centred on the scenario's value with P10/P90 about ∓/± spread; None when fixed.

    Amounts > 0: log-normal (P90 = base × (1 + spread)); rates: beta; growth and months: normal or
    triangular. A base of 0 has no relative spread (an input with a zero-base range gets a triangular).
    """
    info = INPUTS[name]
    if spread <= 0:
        return None
    if base == 0:
        if info.zero_base_range is None:
            return None
        _, high = info.zero_base_range
        # A right triangle on [0, H] has P10 = 0 and P90 = H·(1 − √0.1): choose H so P90 = the range's top.
        return Triangular(low=0.0, mode=0.0, high=high / (1 - np.sqrt(1 - P_HIGH)))
    if name in ("fallback_rate", "student_error_rate"):
        sd = min(base * spread / Z_HIGH, 0.99 * np.sqrt(base * (1 - base))) if base < 1 else 0.0
        return Beta(mean=base, sd=sd)
    if name == "monthly_growth":
        return Normal(mean=base, sd=abs(base) * spread / Z_HIGH)
    if name in ("teacher_annual_price_decline", "redistill_every_months"):
        # Symmetric triangle of half-width h: P90 = base + h·(1 − √(2·(1 − 0.9))); solve for P90 at +spread.
        half_width = abs(base) * spread / (1 - np.sqrt(2 * (1 - P_HIGH)))
        return Triangular(low=base - half_width, mode=base, high=base + half_width)
    return LogNormal(median=base, sigma=float(np.log1p(spread)) / Z_HIGH)
