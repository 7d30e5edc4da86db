"""The scenario: every input of the cost model, as frozen pydantic models (the scenario-file contract).

Imports pydantic and `econ.profile` only. Defaults and help text live here once; the CLIs and the
app read them from the field descriptions. Validation happens here, at the edge: a bad value raises
a `pydantic.ValidationError` whose location names the field; `load_scenario` turns it into a
`ScenarioError` with one line per problem.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, ValidationError, model_validator

from econ.errors import describe_validation_error
from econ.profile import Profile
from econ.types import (
    MAX_HORIZON_MONTHS,
    HorizonMonths,
    NonNegativeFloat,
    NonNegativeInt,
    PositiveFloat,
    PositiveInt,
    TokenCount,
)
from econ.types import Fraction as Rate
from econ.types import Frozen as _Frozen
from econ.uncertainty import Uncertainty


class Workload(_Frozen):
    """Tokens in one request of the task, as the teacher sees it today."""

    input_tokens: TokenCount = Field(1000, description="Prompt tokens per request (tokens).")
    output_tokens: TokenCount = Field(300, description="Generated tokens per request (tokens).")


class Traffic(_Frozen):
    """How many requests arrive, month by month."""

    requests_per_day: NonNegativeFloat = Field(
        30000, description="Average requests per day in month 1 (requests/day)."
    )
    monthly_growth: Annotated[float, Field(gt=-1, le=10, allow_inf_nan=False)] = Field(
        0.08, description="Compound growth of traffic per month (fraction; 0.08 = +8%/month)."
    )
    peak_to_average: Annotated[float, Field(ge=1, le=100, allow_inf_nan=False)] = Field(
        1.7, description="Peak requests/s over average requests/s (ratio ≥ 1); sizes always-on fleets."
    )
    seasonality: list[PositiveFloat] | None = Field(
        None, min_length=12, max_length=12,
        description="Optional 12 monthly multipliers (ratio), applied from start_month on.",
    )
    start_month: Annotated[int, Field(ge=1, le=12)] = Field(
        1, description="Calendar month (1–12) of month 1; picks the seasonality multiplier."
    )
    monthly_requests: list[NonNegativeFloat] | None = Field(
        None, min_length=1,
        description="Optional explicit requests per month (requests/month); replaces requests_per_day and growth.",
    )


class ApiServing(_Frozen):
    """A model bought per token from an API provider."""

    kind: Literal["api"] = "api"
    name: str | None = Field(None, description="Model name in the API price table (informational).")
    input_usd_per_mtok: NonNegativeFloat = Field(description="Price of input tokens (USD per million tokens).")
    output_usd_per_mtok: NonNegativeFloat = Field(description="Price of output tokens (USD per million tokens).")
    cached_input_share: Rate = Field(0.0, description="Share of input tokens billed at the cached price (fraction).")
    cached_input_usd_per_mtok: NonNegativeFloat | None = Field(
        None, description="Price of cached input tokens (USD per million tokens); needed when cached_input_share > 0."
    )
    batch_discount: Annotated[float, Field(ge=0, lt=1, allow_inf_nan=False)] = Field(
        0.5, description="Discount of the offline batch API (fraction; 0.5 = half price); used for data generation."
    )
    annual_price_decline: Annotated[float, Field(ge=0, lt=1, allow_inf_nan=False)] = Field(
        0.0, description="Yearly decline of this API's prices (fraction/year); erodes future savings."
    )
    input_tokens: TokenCount | None = Field(
        None, description="Override of the workload's input tokens for this side (tokens), e.g. few-shot prompts."
    )
    output_tokens: TokenCount | None = Field(
        None, description="Override of the workload's output tokens for this side (tokens), e.g. reasoning tokens."
    )

    @model_validator(mode="after")
    def _cached_price_given(self) -> ApiServing:
        if self.cached_input_share > 0 and self.cached_input_usd_per_mtok is None:
            raise ValueError("cached_input_usd_per_mtok is required when cached_input_share > 0")
        return self


class LatencySlo(_Frozen):
    """Latency the self-hosted side must meet; picks the operating batch size from a profile."""

    ttft_ms_p99: PositiveFloat | None = Field(None, description="p99 time to first token (ms).")
    tpot_ms_p99: PositiveFloat | None = Field(None, description="p99 time per output token (ms).")


class SelfHostedServing(_Frozen):
    """A model served on rented or owned GPUs."""

    kind: Literal["self_hosted"] = "self_hosted"
    gpu_name: str | None = Field(None, description="GPU in the price table, e.g. h100-sxm (informational).")
    gpu_usd_per_hour: NonNegativeFloat = Field(description="Price of one GPU (USD per GPU-hour).")
    gpus_per_replica: Annotated[float, Field(gt=0, le=1024, allow_inf_nan=False)] = Field(
        1.0, description="GPUs one replica uses (GPUs); a fraction for a MIG slice or a shared GPU."
    )
    requests_per_second_per_replica: PositiveFloat | None = Field(
        None, description="Capacity of one replica at the latency target (requests/s); or give a profile."
    )
    profile: str | Profile | None = Field(
        None, description="Profile file path (or embedded profile) to derive capacity from, with the SLO."
    )
    slo: LatencySlo | None = Field(None, description="Latency SLO that picks the profile's operating point.")
    target_utilization: Annotated[float, Field(gt=0, le=1, allow_inf_nan=False)] = Field(
        0.7, description="Share of capacity the fleet is planned to use at peak (fraction in (0, 1])."
    )
    min_replicas: Annotated[int, Field(ge=0, le=100_000)] = Field(1, description="Replicas kept running (replicas).")
    billing: Literal["always_on", "autoscale"] = Field(
        "always_on", description="always_on: pay every replica 730 h/month; autoscale: pay GPU-hours used."
    )
    input_tokens: TokenCount | None = Field(
        None, description="Override of the workload's input tokens for this side (tokens), e.g. a short prompt."
    )
    output_tokens: TokenCount | None = Field(
        None, description="Override of the workload's output tokens for this side (tokens), e.g. terse answers."
    )

    @model_validator(mode="after")
    def _one_capacity_source(self) -> SelfHostedServing:
        given = (self.requests_per_second_per_replica is not None) + (self.profile is not None)
        if given != 1:
            raise ValueError("give exactly one of requests_per_second_per_replica or profile")
        return self


Serving = Annotated[ApiServing | SelfHostedServing, Field(discriminator="kind")]


class DataGeneration(_Frozen):
    """Teacher-generated training data, priced by the teacher's own serving."""

    examples: PositiveInt = Field(description="Training examples to generate (examples).")
    prompt_tokens: NonNegativeInt = Field(description="Prompt tokens per example (tokens).")
    completion_tokens: PositiveInt = Field(
        description="Completion tokens per example, rationales included (tokens)."
    )
    use_batch_price: bool = Field(True, description="Price API teachers at their batch discount.")


class TrainingRun(_Frozen):
    """A training run priced from measured (or estimated) training throughput."""

    examples: PositiveInt = Field(description="Training examples (examples).")
    tokens_per_example: PositiveInt = Field(description="Tokens per example (tokens).")
    epochs: PositiveFloat = Field(1.0, description="Passes over the data (epochs).")
    gpu_usd_per_hour: NonNegativeFloat = Field(description="Price of one training GPU (USD per GPU-hour).")
    gpus: PositiveFloat = Field(1.0, description="GPUs in the training run (GPUs).")
    training_tokens_per_s: PositiveFloat | None = Field(
        None, description="Measured training throughput of the whole run (tokens/s)."
    )
    profile: str | Profile | None = Field(
        None, description="Profile with a training block (its tokens_per_s is used; per the profile's GPUs)."
    )
    parameters: PositiveFloat | None = Field(None, description="Student parameters N, for 6·N·D (parameters).")
    peak_flop_per_s: PositiveFloat | None = Field(None, description="Peak FLOP/s of one GPU (FLOP/s).")
    mfu: Annotated[float, Field(gt=0, le=1, allow_inf_nan=False)] | None = Field(
        None, description="Model FLOP utilization assumed for 6·N·D (fraction)."
    )

    @model_validator(mode="after")
    def _one_throughput_source(self) -> TrainingRun:
        estimate = (self.parameters, self.peak_flop_per_s, self.mfu)
        sources = (
            (self.training_tokens_per_s is not None)
            + (self.profile is not None)
            + all(v is not None for v in estimate)
        )
        if sources != 1:
            raise ValueError(
                "give exactly one of training_tokens_per_s, profile, or parameters + peak_flop_per_s + mfu"
            )
        return self


class EngineeringEffort(_Frozen):
    """People time."""

    hours: NonNegativeFloat = Field(description="Engineering hours (hours).")
    usd_per_hour: NonNegativeFloat = Field(description="Loaded cost of an engineering hour (USD/hour).")


class Distillation(_Frozen):
    """What distillation costs up front and later. Upfront lines are USD or an object that derives them."""

    data_generation_usd: NonNegativeFloat | DataGeneration = Field(
        750, description="Teacher-generated data (USD), or examples × tokens priced by the teacher."
    )
    training_usd: NonNegativeFloat | TrainingRun = Field(
        3000, description="Training run (USD), or tokens ÷ training tokens/s × GPU price."
    )
    evaluation_usd: NonNegativeFloat = Field(0, description="Evaluation of the student (USD).")
    engineering_usd: NonNegativeFloat | EngineeringEffort = Field(
        20000, description="Engineering (USD), or hours × rate."
    )
    redistill_every_months: Annotated[int, Field(ge=0, le=MAX_HORIZON_MONTHS)] = Field(
        6, description="Re-distil every k months (months); 0 = never."
    )
    redistill_usd: NonNegativeFloat | None = Field(
        3750, description="Cost of one re-distillation (USD); ignored when redistill_fraction_of_upfront is given."
    )
    redistill_fraction_of_upfront: Annotated[float, Field(ge=0, le=10, allow_inf_nan=False)] | None = Field(
        None, description="Or: one re-distillation costs this fraction of upfront data + training (fraction)."
    )
    monitoring_usd_per_month: NonNegativeFloat = Field(0, description="Monitoring the student (USD/month).")

    @model_validator(mode="after")
    def _one_redistill_cost(self) -> Distillation:
        typed = "redistill_usd" in self.model_fields_set and self.redistill_usd is not None
        if typed and self.redistill_fraction_of_upfront is not None:
            raise ValueError("give redistill_usd or redistill_fraction_of_upfront, not both")
        return self


class Quality(_Frozen):
    """How good the student is, and what its mistakes cost."""

    fallback_rate: Rate = Field(
        0.05, description="Share of requests escalated to the teacher after the student (fraction)."
    )
    router_usd_per_request: NonNegativeFloat = Field(
        0.0, description="Cost of routing/guarding each request (USD/request)."
    )
    usd_per_error: NonNegativeFloat = Field(0.0, description="Business cost of one wrong answer (USD/error).")
    teacher_error_rate: Rate = Field(0.0, description="Teacher's error rate on the task (fraction).")
    student_error_rate: Rate = Field(
        0.0, description="Error rate of the distilled system, fallback included (fraction)."
    )
    student_eval_on_production_traffic: bool = Field(
        False, description="The student's error rate was measured on real production traffic."
    )


class Swap(_Frozen):
    """An off-the-shelf cheaper model to compare against distilling (the third option)."""

    name: str = Field("off-the-shelf model", description="What the alternative is.")
    serving: Serving = Field(description="How the alternative is served and priced.")
    error_rate: Rate = Field(0.0, description="The alternative's error rate on the task (fraction).")
    switching_usd: NonNegativeFloat = Field(0.0, description="One-off cost of switching (USD).")


class Scenario(_Frozen):
    """One distillation decision: workload, traffic, teacher and student serving, spend, quality."""

    name: str = Field("example", min_length=1, max_length=200, description="Scenario name.")
    description: str = Field("", max_length=5000, description="Free text.")
    horizon_months: HorizonMonths = Field(
        24, description="Months evaluated (months)."
    )
    annual_discount_rate: Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)] = Field(
        0.10, description="Discount rate for NPV (fraction/year)."
    )
    workload: Workload = Field(default_factory=Workload)
    traffic: Traffic = Field(default_factory=Traffic)
    teacher: Serving = Field(description="How the teacher is served today.")
    student: Serving = Field(description="How the distilled student would be served.")
    distillation: Distillation = Field(default_factory=Distillation)
    quality: Quality = Field(default_factory=Quality)
    swap: Swap | None = Field(None, description="Optional off-the-shelf alternative for stay / swap / distil.")
    risk: Uncertainty | None = Field(
        None, description="Optional risk settings: distributions and ranges of uncertain inputs (econ.risk)."
    )

    @model_validator(mode="after")
    def _series_covers_horizon(self) -> Scenario:
        series = self.traffic.monthly_requests
        if series is not None and len(series) < self.horizon_months:
            raise ValueError(
                f"traffic.monthly_requests has {len(series)} months; horizon_months needs {self.horizon_months}"
            )
        return self


class ScenarioError(ValueError):
    """A scenario that cannot be read or is invalid; the message names the field."""


def parse_scenario(data: dict | str | bytes, origin: str = "scenario") -> Scenario:
    """Validate a scenario from a dict or JSON text; raise ScenarioError naming each bad field."""
    if isinstance(data, str | bytes):
        try:
            data = json.loads(data)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise ScenarioError(f"{origin}: not valid JSON ({exc})") from None
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(f"{origin}: {describe_validation_error(exc)}") from None


def load_scenario(path: str | Path) -> Scenario:
    """Read a scenario file; profile paths inside it are resolved relative to the file's folder."""
    p = Path(path)
    try:
        text = p.read_bytes()
    except OSError as exc:
        raise ScenarioError(f"{path}: cannot read ({exc.strerror})") from None
    scenario = parse_scenario(text, origin=str(path))
    return resolve_profile_paths(scenario, p.parent)


def resolve_profile_paths(scenario: Scenario, base_dir: Path) -> Scenario:
    """Make relative profile paths absolute against base_dir (where the scenario file lives)."""

    def fix(obj):
        if isinstance(obj, SelfHostedServing | TrainingRun) and isinstance(obj.profile, str):
            candidate = Path(obj.profile)
            if not candidate.is_absolute() and (base_dir / candidate).exists():
                return obj.model_copy(update={"profile": str((base_dir / candidate).resolve())})
        return obj

    dist = scenario.distillation
    updates = {
        "teacher": fix(scenario.teacher),
        "student": fix(scenario.student),
        "distillation": dist.model_copy(update={"training_usd": fix(dist.training_usd)}),
    }
    if scenario.swap is not None:
        updates["swap"] = scenario.swap.model_copy(update={"serving": fix(scenario.swap.serving)})
    return scenario.model_copy(update=updates)


def save_scenario(scenario: Scenario, path: str | Path) -> None:
    """Write a scenario atomically (a temp file renamed over the target: never half-written)."""
    p = Path(path)
    tmp = p.with_name(f".{p.name}.tmp")
    tmp.write_text(scenario.model_dump_json(indent=2, exclude_none=True) + "\n")
    tmp.replace(p)
