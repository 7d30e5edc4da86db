"""Numeric inputs: a validated Scenario flattened into numpy arrays, one row per variant.

Imports numpy and the `econ` modules that derive numbers from a scenario (capacity, spend).
The scalar `evaluate` and the vectorized paths (thousands of variants, Monte Carlo, tornado) both
run the same formulas in `econ.chain.cashflow` on these arrays, so they cannot drift apart. Every array
field has shape (V,) where V is the number of variants; `vary` swaps in new values for some fields.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

import numpy as np

from econ.base.units import DAYS_PER_MONTH, DAYS_PER_WEEK, SECONDS_PER_MONTH
from econ.chain.spend import UpfrontSpend, redistill_usd, upfront_spend
from econ.evidence.measured import MeasuredQuality, measured
from econ.model.quality import FALLBACK, STUDENT_ERROR, TEACHER_ERROR
from econ.model.scenario import ApiServing, Scenario, SelfHostedServing, token_counts
from econ.serving import unit_costs
from econ.serving.capacity import Capacity, replica_capacity


@dataclass(frozen=True)
class SideInputs:
    """How one side (teacher, student, or swap alternative) turns requests into dollars."""

    is_api: bool
    always_on: bool
    usd_per_request: np.ndarray  # API price of one request at month-1 prices (0 when self-hosted)
    annual_price_decline: np.ndarray  # fraction/year, API only
    gpu_usd_per_hour: np.ndarray
    gpus_per_replica: np.ndarray
    requests_per_s_per_replica: np.ndarray  # requests/s one replica serves at the latency target
    target_utilization: np.ndarray
    min_replicas: np.ndarray
    input_tokens: np.ndarray  # tokens per request on this side (its overrides, else the workload's)
    output_tokens: np.ndarray


@dataclass(frozen=True)
class NumericInputs:
    """Every number the cash-flow formulas need; arrays of shape (V,)."""

    months: int
    annual_discount_rate: np.ndarray
    requests_per_day: np.ndarray
    monthly_growth: np.ndarray
    traffic_scale: np.ndarray  # multiplies every month's requests (1 = as forecast)
    seasonality: np.ndarray  # (months,) multipliers
    explicit_requests: np.ndarray | None  # (months,) requests/month, or None
    peak_to_average: np.ndarray
    teacher: SideInputs
    student: SideInputs
    fallback_rate: np.ndarray
    router_usd_per_request: np.ndarray
    usd_per_error: np.ndarray
    teacher_error_rate: np.ndarray
    student_error_rate: np.ndarray
    upfront_usd: np.ndarray
    redistill_usd: np.ndarray
    redistill_every_months: np.ndarray
    monitoring_usd_per_month: np.ndarray
    lead_time_months: np.ndarray  # months until the student serves (0: from month 1)
    run_usd: np.ndarray  # the distillation run's phases, inside upfront_usd (0 without a run)
    scoring_usd: np.ndarray  # its teacher scoring, inside run_usd
    distill_tokens_scale: np.ndarray  # × the run's token volumes (examples × tokens × epochs); 1 = as planned
    scoring_speed_scale: np.ndarray  # × the teacher scoring throughput; 1 = as planned

    @property
    def variants(self) -> int:
        """V: the longest (V,) array; every other array has length 1 and broadcasts."""
        by_month = ("seasonality", "explicit_requests")
        arrays = [getattr(self, f.name) for f in fields(self) if f.name not in by_month]
        arrays += [getattr(side, f.name) for side in (self.teacher, self.student) for f in fields(side)]
        return max(a.size for a in arrays if isinstance(a, np.ndarray))


@dataclass(frozen=True)
class Derivation:
    """What was derived on the way to the numbers: capacities, upfront lines, warnings."""

    upfront: UpfrontSpend
    teacher_capacity: Capacity | None
    student_capacity: Capacity | None
    warnings: tuple[str, ...]
    quality: MeasuredQuality | None = None  # the rates measured from quality.evidence, when given


def _one(value: float) -> np.ndarray:
    return np.array([float(value)])


def api_usd_per_request(side: ApiServing, input_tokens: int, output_tokens: int) -> float:
    """The API side's price of one request at its token counts.

    The rule is econ.serving.unit_costs.api_usd_per_request.
    """
    return unit_costs.api_usd_per_request(input_tokens, output_tokens, side.input_usd_per_mtok,
                                          side.output_usd_per_mtok, side.cached_input_share,
                                          side.cached_input_usd_per_mtok or 0.0)


def side_inputs(side, workload, field: str) -> tuple[SideInputs, Capacity | None]:
    """Flatten one serving side; self-hosted capacity comes from `econ.serving.capacity`."""
    in_tok, out_tok = token_counts(side, workload)
    zero = _one(0.0)
    if isinstance(side, ApiServing):
        return SideInputs(
            is_api=True, always_on=False,
            usd_per_request=_one(api_usd_per_request(side, in_tok, out_tok)),
            annual_price_decline=_one(side.annual_price_decline),
            gpu_usd_per_hour=zero, gpus_per_replica=zero, requests_per_s_per_replica=_one(1.0),
            target_utilization=_one(1.0), min_replicas=zero,
            input_tokens=_one(in_tok), output_tokens=_one(out_tok),
        ), None
    assert isinstance(side, SelfHostedServing)
    capacity = replica_capacity(side, in_tok, out_tok, field)
    return SideInputs(
        is_api=False, always_on=side.billing == "always_on",
        usd_per_request=zero, annual_price_decline=zero,
        gpu_usd_per_hour=_one(side.gpu_usd_per_hour),
        gpus_per_replica=_one(side.gpus_per_replica),
        requests_per_s_per_replica=_one(capacity.requests_per_s_per_replica),
        target_utilization=_one(side.target_utilization),
        min_replicas=_one(side.min_replicas),
        input_tokens=_one(in_tok), output_tokens=_one(out_tok),
    ), capacity


def seasonality_by_month(scenario: Scenario) -> np.ndarray:
    """Multiplier of each horizon month: seasonality[(start_month - 1 + m - 1) mod 12], or ones."""
    months = scenario.horizon_months
    season = scenario.traffic.seasonality
    if season is None:
        return np.ones(months)
    calendar = (scenario.traffic.start_month - 1 + np.arange(months)) % 12
    return np.asarray(season, dtype=float)[calendar]


def lead_time_months(scenario: Scenario, upfront: UpfrontSpend) -> float:
    """Typed, or the distillation run's elapsed time (its phases back to back) + engineering weeks, months."""
    d = scenario.distillation
    if d.lead_time_engineering_weeks is None:
        return d.lead_time_months
    run_s = upfront.run.elapsed_s if upfront.run is not None else 0.0
    return run_s / SECONDS_PER_MONTH + d.lead_time_engineering_weeks * DAYS_PER_WEEK / DAYS_PER_MONTH


def numeric_inputs(scenario: Scenario) -> tuple[NumericInputs, Derivation]:
    """Flatten a scenario into one variant (V = 1) of numeric inputs, plus what was derived."""
    teacher, teacher_cap = side_inputs(scenario.teacher, scenario.workload, "teacher")
    student, student_cap = side_inputs(scenario.student, scenario.workload, "student")
    upfront = upfront_spend(scenario)
    t, q, d = scenario.traffic, scenario.quality, scenario.distillation
    explicit = None
    if t.monthly_requests is not None:
        explicit = np.asarray(t.monthly_requests[: scenario.horizon_months], dtype=float)
    warnings = tuple(w for cap in (teacher_cap, student_cap) if cap for w in cap.warnings)
    quality = measured(q.evidence, q.model_fields_set) if q.evidence is not None else None
    rate = {
        name: (quality.rates.get(name) if quality else None)
        for name in (FALLBACK, STUDENT_ERROR, TEACHER_ERROR)
    }
    inputs = NumericInputs(
        months=scenario.horizon_months,
        annual_discount_rate=_one(scenario.annual_discount_rate),
        requests_per_day=_one(t.requests_per_day),
        monthly_growth=_one(t.monthly_growth),
        traffic_scale=_one(1.0),
        seasonality=seasonality_by_month(scenario),
        explicit_requests=explicit,
        peak_to_average=_one(t.peak_to_average),
        teacher=teacher,
        student=student,
        fallback_rate=_one(q.fallback_rate if rate[FALLBACK] is None else rate[FALLBACK]),
        router_usd_per_request=_one(q.router_usd_per_request),
        usd_per_error=_one(q.usd_per_error_value),
        teacher_error_rate=_one(q.teacher_error_rate if rate[TEACHER_ERROR] is None else rate[TEACHER_ERROR]),
        student_error_rate=_one(q.student_error_rate if rate[STUDENT_ERROR] is None else rate[STUDENT_ERROR]),
        upfront_usd=_one(upfront.total_usd),
        redistill_usd=_one(redistill_usd(scenario, upfront)),
        redistill_every_months=_one(d.redistill_every_months),
        monitoring_usd_per_month=_one(d.monitoring_usd_per_month),
        lead_time_months=_one(lead_time_months(scenario, upfront)),
        run_usd=_one(upfront.run.total_usd if upfront.run else 0.0),
        scoring_usd=_one(upfront.run.lines_usd()["teacher_scoring_usd"] if upfront.run else 0.0),
        distill_tokens_scale=_one(1.0),
        scoring_speed_scale=_one(1.0),
    )
    return inputs, Derivation(upfront, teacher_cap, student_cap, warnings, quality)


def vary(inputs: NumericInputs, **arrays) -> NumericInputs:
    """Replace fields with arrays of shape (V,); fields of a side are named 'student__gpu_usd_per_hour'.

    Every other (V = 1) field broadcasts against them.
    """
    top, sides = {}, {"teacher": {}, "student": {}}
    for name, value in arrays.items():
        arr = np.asarray(value, dtype=float)
        side, _, field = name.partition("__")
        if field:
            if side not in sides or field not in {f.name for f in fields(SideInputs)}:
                raise ValueError(f"unknown input {name!r}")
            sides[side][field] = arr
        else:
            not_an_array = name in ("months", "teacher", "student")
            if name not in {f.name for f in fields(NumericInputs)} or not_an_array:
                raise ValueError(f"unknown input {name!r}")
            top[name] = arr
    for side, changes in sides.items():
        if changes:
            top[side] = replace(getattr(inputs, side), **changes)
    return replace(inputs, **top)
