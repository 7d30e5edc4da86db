"""The distillation spend part of a scenario: upfront lines as USD or objects that derive them,
re-distillation.

Imports pydantic and `econ.base.types`/`econ.model.profile`/`econ.model.distill_run` only;
`econ.model.scenario` re-exports these models and `econ.chain.spend` prices them.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Discriminator, Field, Tag, model_validator

from econ.base.types import (
    MAX_COUNT,
    MAX_HORIZON_MONTHS,
    MAX_TOKENS,
    MAX_TOKENS_PER_S,
    FlopPerSecond,
    Gpus,
    Hours,
    PathText,
    TokenCount,
    Usd,
    UsdPerHour,
    UsdPerMonth,
    real,
    whole,
)
from econ.base.types import Frozen as _Frozen
from econ.model.distill_run import DistillationRun
from econ.model.profile import Profile

MAX_EXAMPLES = 10**10  # training examples: 1,000× the largest published distillation sets
MAX_EPOCHS = 1_000.0
MIN_TRAINING_TOKENS_PER_S = 1e-3  # a token every 17 minutes: slower is not a training run
MIN_MFU = 1e-4  # 0.01% of peak


class DataGeneration(_Frozen):
    """Teacher-generated training data, priced by the teacher's own serving."""

    examples: whole("examples", gt=0, le=MAX_EXAMPLES) = Field(
        description="Training examples to generate (examples)."
    )
    prompt_tokens: whole("tokens", ge=0, le=MAX_TOKENS) = Field(
        description="Prompt tokens per example (tokens)."
    )
    completion_tokens: TokenCount = Field(
        description="Completion tokens per example, rationales included (tokens)."
    )
    use_batch_price: bool = Field(True, description="Price API teachers at their batch discount.")


class TrainingRun(_Frozen):
    """A training run priced from measured (or estimated) training throughput."""

    examples: whole("examples", gt=0, le=MAX_EXAMPLES) = Field(description="Training examples (examples).")
    tokens_per_example: TokenCount = Field(description="Tokens per example (tokens).")
    epochs: real("epochs", 0.1, gt=0, le=MAX_EPOCHS) = Field(
        1.0, description="Passes over the data (epochs)."
    )
    gpu_usd_per_hour: UsdPerHour = Field(description="Price of one training GPU (USD per GPU-hour).")
    gpus: Gpus = Field(1.0, description="GPUs in the training run (GPUs).")
    training_tokens_per_s: real("tokens/s", ge=MIN_TRAINING_TOKENS_PER_S, le=MAX_TOKENS_PER_S) | None = Field(
        None, description="Measured training throughput of the whole run (tokens/s)."
    )
    profile: PathText | Profile | None = Field(
        None, description="Profile with a training block (its tokens_per_s is used; per the profile's GPUs)."
    )
    parameters: real("parameters", ge=1, le=MAX_COUNT) | None = Field(
        None,
        description="Student parameters N the matmuls use (decoder layers + LM head), "
        "for 6·N·D (parameters).",
    )
    peak_flop_per_s: FlopPerSecond | None = Field(None, description="Peak FLOP/s of one GPU (FLOP/s).")
    mfu: real("fraction", 0.01, ge=MIN_MFU, le=1) | None = Field(
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


def _training_kind(value) -> str:
    """Which form training_usd takes: a distillation run names its method; a TrainingRun does not."""
    if isinstance(value, dict):
        return "DistillationRun" if "method" in value else "TrainingRun"
    if isinstance(value, DistillationRun | TrainingRun):
        return type(value).__name__
    return "Usd"


# Picked by shape, so a bad run reports its own fields (not the other forms' errors as well). Tags are
# capitalised: `field_path` leaves them out of the field named in an error.
TrainingSpend = Annotated[
    Annotated[Usd, Tag("Usd")] | Annotated[TrainingRun, Tag("TrainingRun")]
    | Annotated[DistillationRun, Tag("DistillationRun")],
    Discriminator(_training_kind),
]


class EngineeringEffort(_Frozen):
    """People time."""

    hours: Hours = Field(description="Engineering hours (hours).")
    usd_per_hour: UsdPerHour = Field(description="Loaded cost of an engineering hour (USD/hour).")


class Distillation(_Frozen):
    """What distillation costs up front and later. Upfront lines are USD or an object that derives them."""

    data_generation_usd: Usd | DataGeneration = Field(
        750, description="Teacher-generated data (USD), or examples × tokens priced by the teacher."
    )
    training_usd: TrainingSpend = Field(
        3000,
        description="Training run (USD), or tokens ÷ training tokens/s × GPU price, "
        "or a distillation run by method priced phase by phase.",
    )
    evaluation_usd: Usd = Field(0, description="Evaluation of the student (USD).")
    engineering_usd: Usd | EngineeringEffort = Field(
        20000, description="Engineering (USD), or hours × rate."
    )
    redistill_every_months: whole("months", ge=0, le=MAX_HORIZON_MONTHS) = Field(
        6, description="Re-distil every k months (months); 0 = never."
    )
    redistill_usd: Usd | None = Field(
        3750,
        description="Cost of one re-distillation (USD); null: derived from redistill_fraction_of_upfront "
        "(null alone is an error, not free: type 0 for that).",
    )
    redistill_fraction_of_upfront: real("fraction", 0.01, ge=0, le=10) | None = Field(
        None, description="Or: one re-distillation costs this fraction of upfront data + training (fraction)."
    )
    monitoring_usd_per_month: UsdPerMonth = Field(0, description="Monitoring the student (USD/month).")
    lead_time_months: real("months", 0.25, ge=0, le=MAX_HORIZON_MONTHS) = Field(
        0.0,
        description="Months from the decision until the student serves (months): savings start after it, "
        "the teacher serves and is paid until then. 0 = the student serves from month 1.",
    )
    lead_time_engineering_weeks: real("weeks", 1, ge=0, le=MAX_HORIZON_MONTHS * 5) | None = Field(
        None, description="Or: derive the lead time as the distillation run's elapsed time plus these "
        "engineering weeks (weeks).")

    @model_validator(mode="before")
    @classmethod
    def _fraction_replaces_the_default_cost(cls, data):
        """A fraction given without a typed cost derives the cost: the default cost is not kept beside
        it, so a saved scenario (which writes every non-null field) reads back."""
        if isinstance(data, dict) and data.get("redistill_fraction_of_upfront") is not None \
                and "redistill_usd" not in data:
            return {**data, "redistill_usd": None}
        return data

    @model_validator(mode="after")
    def _one_lead_time(self) -> Distillation:
        if self.lead_time_engineering_weeks is not None and "lead_time_months" in self.model_fields_set \
                and self.lead_time_months > 0:
            raise ValueError(
                "give lead_time_months or lead_time_engineering_weeks (derived from the run), not both"
            )
        return self

    @model_validator(mode="after")
    def _one_redistill_cost(self) -> Distillation:
        typed = "redistill_usd" in self.model_fields_set and self.redistill_usd is not None
        if typed and self.redistill_fraction_of_upfront is not None:
            raise ValueError("give redistill_usd or redistill_fraction_of_upfront, not both")
        derived = self.redistill_fraction_of_upfront is not None
        if self.redistill_usd is None and not derived and self.redistill_every_months > 0:
            raise ValueError("redistill_usd is null but redistill_fraction_of_upfront is not given: "
                             "give one of them (0 for a free re-distillation)")
        return self
