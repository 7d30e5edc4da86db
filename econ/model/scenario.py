"""The scenario: every input of the cost model, as frozen pydantic models (the scenario-file contract).

Imports pydantic and `econ.base.types`/`econ.model.profile`/`econ.model.uncertainty`/`econ.model.spend_models`/`econ.model.quality`
only (the distillation spend models and the quality block live there and are re-exported here).
Defaults, bounds, units and help text live here once; the CLIs and the app read them from the fields.
A renamed field keeps its old name as a validated alias, so saved scenarios still load
(`requests_per_second_per_replica` reads as `requests_per_s_per_replica`). Validation happens here, at the edge: a bad value raises a `pydantic.ValidationError` whose location names the field;
`econ.model.scenario_files` reads and writes scenario files and turns it into a `ScenarioError`.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AliasChoices, Field, model_validator

from econ.base.types import (  # noqa: F401 (kept importable from here)
    MAX_HORIZON_MONTHS,
    MIN_GPUS,
    CapacityRps,
    HorizonMonths,
    Name,
    NonNegativeFloat,
    PathText,
    PositiveFloat,
    PositiveMilliseconds,
    RequestsPerDay,
    RequestsPerMonth,
    Text,
    TokenCount,
    Usd,
    UsdPerError,
    UsdPerHour,
    UsdPerMtok,
    UsdPerRequest,
    real,
    whole,
)
from econ.base.types import Fraction as Rate
from econ.base.types import Frozen as _Frozen
from econ.model.distill_run import DistillationRun, PhaseSide  # noqa: F401
from econ.model.profile import Profile
from econ.model.quality import Quality  # noqa: F401 (the scenario's quality block)
from econ.model.spend_models import DataGeneration, Distillation, EngineeringEffort, TrainingRun  # noqa: F401
from econ.model.uncertainty import Uncertainty

MAX_SEASON_MULTIPLIER = 100.0  # a month 100× the average: beyond any seasonal business
MIN_TARGET_UTILIZATION = 0.01  # a fleet planned 1% busy at peak is not a plan


class Workload(_Frozen):
    """Tokens in one request of the task, as the teacher sees it today."""

    input_tokens: TokenCount = Field(1000, description="Prompt tokens per request (tokens).")
    output_tokens: TokenCount = Field(300, description="Generated tokens per request (tokens).")


class Traffic(_Frozen):
    """How many requests arrive, month by month."""

    requests_per_day: RequestsPerDay = Field(
        30000, description="Average requests per day in month 1 (requests/day)."
    )
    monthly_growth: real("fraction/month", 0.01, gt=-1, le=10) = Field(
        0.08, description="Compound growth of traffic per month (fraction; 0.08 = +8%/month)."
    )
    peak_to_average: real("ratio", 0.1, ge=1, le=100) = Field(
        1.7, description="Peak requests/s over average requests/s (ratio ≥ 1); sizes always-on fleets."
    )
    seasonality: list[real("ratio", 0.01, gt=0, le=MAX_SEASON_MULTIPLIER)] | None = Field(
        None, min_length=12, max_length=12,
        description="Optional 12 monthly multipliers (ratio), applied from start_month on.",
    )
    start_month: whole("month", ge=1, le=12) = Field(
        1, description="Calendar month (1–12) of month 1; picks the seasonality multiplier."
    )
    monthly_requests: list[RequestsPerMonth] | None = Field(
        None, min_length=1,
        description="Optional explicit requests per month (requests/month); replaces requests_per_day and growth.",
    )


class ApiServing(_Frozen):
    """A model bought per token from an API provider."""

    kind: Literal["api"] = "api"
    name: Name | None = Field(None, description="Model name in the API price table (informational).")
    input_usd_per_mtok: UsdPerMtok = Field(description="Price of input tokens (USD per million tokens).")
    output_usd_per_mtok: UsdPerMtok = Field(description="Price of output tokens (USD per million tokens).")
    cached_input_share: Rate = Field(0.0, description="Share of input tokens billed at the cached price (fraction).")
    cached_input_usd_per_mtok: UsdPerMtok | None = Field(
        None, description="Price of cached input tokens (USD per million tokens); needed when cached_input_share > 0."
    )
    batch_discount: real("fraction", 0.01, ge=0, lt=1) = Field(
        0.5, description="Discount of the offline batch API (fraction; 0.5 = half price); used for data generation."
    )
    annual_price_decline: real("fraction/year", 0.01, ge=0, lt=1) = Field(
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

    ttft_ms_p99: PositiveMilliseconds | None = Field(None, description="p99 time to first token (ms).")
    tpot_ms_p99: PositiveMilliseconds | None = Field(None, description="p99 time per output token (ms).")


class SelfHostedServing(_Frozen):
    """A model served on rented or owned GPUs."""

    kind: Literal["self_hosted"] = "self_hosted"
    gpu_name: Name | None = Field(None, description="GPU in the price table, e.g. h100-sxm (informational).")
    gpu_usd_per_hour: UsdPerHour = Field(description="Price of one GPU (USD per GPU-hour).")
    gpus_per_replica: real("GPUs", 0.1, ge=MIN_GPUS, le=1024) = Field(
        1.0, description="GPUs one replica uses (GPUs); a fraction for a MIG slice or a shared GPU."
    )
    requests_per_s_per_replica: CapacityRps | None = Field(
        None, validation_alias=AliasChoices("requests_per_s_per_replica", "requests_per_second_per_replica"),
        description="Capacity of one replica at the latency target (requests/s); or give a profile."
    )
    profile: PathText | Profile | None = Field(
        None, description="Profile file path (or embedded profile) to derive capacity from, with the SLO."
    )
    slo: LatencySlo | None = Field(None, description="Latency SLO that picks the profile's operating point.")
    target_utilization: real("fraction", 0.01, ge=MIN_TARGET_UTILIZATION, le=1) = Field(
        0.7, description="Share of capacity the fleet is planned to use at peak (fraction in (0, 1])."
    )
    min_replicas: whole("replicas", ge=0, le=100_000) = Field(1, description="Replicas kept running (replicas).")
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
        given = (self.requests_per_s_per_replica is not None) + (self.profile is not None)
        if given != 1:
            raise ValueError("give exactly one of requests_per_s_per_replica or profile")
        return self


Serving = Annotated[ApiServing | SelfHostedServing, Field(discriminator="kind")]


def token_counts(side: ApiServing | SelfHostedServing, workload: Workload) -> tuple[int, int]:
    """(input, output) tokens per request on one side: its own overrides, else the workload's."""
    return side.input_tokens or workload.input_tokens, side.output_tokens or workload.output_tokens


class Swap(_Frozen):
    """An off-the-shelf cheaper model to compare against distilling (the third option)."""

    name: Name = Field("off-the-shelf model", description="What the alternative is.")
    serving: Serving = Field(description="How the alternative is served and priced.")
    error_rate: Rate = Field(0.0, description="The alternative's error rate on the task (fraction).")
    switching_usd: Usd = Field(0.0, description="One-off cost of switching (USD).")


class Scenario(_Frozen):
    """One distillation decision: workload, traffic, teacher and student serving, spend, quality."""

    name: Name = Field("example", description="Scenario name.")
    description: Text = Field("", description="Free text.")
    horizon_months: HorizonMonths = Field(
        24, description="Months evaluated (months)."
    )
    annual_discount_rate: real("fraction/year", 0.01, ge=0, le=1) = Field(
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
