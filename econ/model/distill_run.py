"""A distillation run by method: `distillation.training_usd` as a `DistillationRun`, priced phase by phase.

Imports pydantic and `econ.base`/`econ.model.distill_profile` only; `econ.chain.distill_cost` prices it. The
methods put the compute in different places (DESIGN.md, chain step 3):
- sequence: the teacher writes the text (the scenario's data generation line); the student trains on it.
- logit-offline: the teacher scores every training token once; its top-k logits are stored and read back.
- logit-online: the teacher scores every training token every epoch, resident beside the student.
- on-policy: the student samples, the teacher scores the samples (prefill only), the student updates.
Each phase's throughput comes from one source: a measured distillation profile's phase, a typed tokens/s,
or the roofline (FLOPs per token ÷ (peak × MFU)); the GPUs running it and their price come with it.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from econ.base.types import (
    MAX_COUNT,
    MAX_HORIZON_MONTHS,
    MAX_TOKENS,
    MAX_TOKENS_PER_S,
    FlopPerSecond,
    Gib,
    Gpus,
    PathText,
    UsdPerHour,
    real,
    whole,
)
from econ.base.types import Frozen as _Frozen
from econ.model.distill_profile import DistillationProfile

MAX_EXAMPLES = 10**10  # as spend_models: 1,000× the largest published distillation sets
MAX_EPOCHS = 1_000.0
MAX_STEPS = 10**9
MAX_TOP_K = 4096
# Closed API teachers return at most this many logprobs per generated token (OpenAI's top_logprobs
# maximum; Anthropic returns none) and no prompt logprobs at all.
API_MAX_TOP_K = 20
# AWS S3 Standard, first 50 TB per month, us-east-1 list price (unchanged since 2016-12), USD per GB-month.
DEFAULT_STORAGE_USD_PER_GB_MONTH = 0.023


class PhaseSide(_Frozen):
    """Who runs one phase and how fast: exactly one throughput source, and the GPUs with their price."""

    tokens_per_s: real("tokens/s", gt=0, le=MAX_TOKENS_PER_S) | None = Field(
        None, description="Measured throughput of this phase on these GPUs together (tokens/s).")
    profile: PathText | DistillationProfile | None = Field(
        None, description="Distillation profile (`profiles distill`) whose phase of this name gives tokens/s "
        "(per the profile's GPUs; more GPUs scale it linearly).")
    parameters: real("parameters", ge=1, le=MAX_COUNT) | None = Field(
        None, description="Roofline estimate: parameters N of the model running the phase (parameters).")
    peak_flop_per_s: FlopPerSecond | None = Field(None,
                                                  description="Roofline estimate: peak FLOP/s of one GPU.")
    mfu: real("fraction", 0.01, ge=1e-4, le=1) | None = Field(
        None, description="Roofline estimate: FLOP utilization assumed (fraction; decode reaches a few %).")
    gpu_usd_per_hour: UsdPerHour = Field(description="Price of one GPU of this side (USD per GPU-hour).")
    gpus: Gpus = Field(1.0, description="GPUs running the phase (GPUs).")
    gpu_memory_gib: Gib | None = Field(None,
                                       description="Memory of one GPU, GiB (checks that online KD fits).")

    @model_validator(mode="after")
    def _one_source(self) -> PhaseSide:
        estimate = (self.parameters, self.peak_flop_per_s, self.mfu)
        sources = (self.tokens_per_s is not None) + (self.profile is not None) + all(
            v is not None for v in estimate)
        if sources != 1:
            raise ValueError(
                "give exactly one of tokens_per_s, profile, or parameters + peak_flop_per_s + mfu")
        return self


class DistillationRun(_Frozen):
    """A distillation run by method, full or LoRA, priced phase by phase on the GPUs that run each phase."""

    method: Literal["sequence", "logit-offline", "logit-online", "on-policy"] = Field(
        description="How the teacher's knowledge reaches the student.")
    finetune: Literal["full", "lora"] = Field("full", description="Train every weight, or LoRA adapters.")
    examples: whole("examples", ge=0, le=MAX_EXAMPLES) = Field(0, description="Training examples (examples).")
    prompt_tokens: whole("tokens", ge=0, le=MAX_TOKENS) = Field(0, description="Prompt tokens per example or "
                                                                "on-policy prompt (tokens).")
    completion_tokens: whole("tokens", ge=0, le=MAX_TOKENS) = Field(
        0, description="Completion tokens per example (tokens).")
    epochs: real("epochs", 0.1, gt=0,
                 le=MAX_EPOCHS) = Field(1.0, description="Passes over the data (epochs).")
    steps: whole("steps", ge=0, le=MAX_STEPS) = Field(0, description="On-policy: update steps (steps).")
    prompts_per_step: whole("prompts", ge=0,
                            le=MAX_COUNT) = Field(0, description="On-policy: prompts per step.")
    sampled_tokens: whole("tokens", ge=0, le=MAX_TOKENS) = Field(
        0, description="On-policy: tokens the student samples per prompt (tokens).")
    top_k: whole("logits", ge=0,
                 le=MAX_TOP_K) = Field(32, description="Teacher logits kept per token; 0 = all.")
    vocab_size: whole("tokens", gt=0,
                      le=10**7) | None = Field(None, description="Vocabulary (needed for top_k 0).")
    storage_usd_per_gb_month: real("USD/GB-month", ge=0, le=1e3) = Field(
        DEFAULT_STORAGE_USD_PER_GB_MONTH, description="Price of storing the logits (USD per GB-month).")
    months_kept: real("months", 0.1, ge=0, le=MAX_HORIZON_MONTHS) = Field(
        1.0, description="Months the stored logits are kept (months).")
    redistill_reuses_logits: bool = Field(
        True,
        description="Offline: a re-distillation that only changes the student reuses the stored logits.")
    scoring: PhaseSide | None = Field(None, description="Teacher scoring (prefill-only forward) side.")
    sampling: PhaseSide | None = Field(None, description="On-policy: the student's sampling (decode) side.")
    training: PhaseSide = Field(description="The student's training side.")
    memory_needed_gib: Gib | None = Field(
        None, description="Online KD: memory teacher + student need together, GiB (else from the profile).")

    @model_validator(mode="after")
    def _volumes_and_sides(self) -> DistillationRun:
        if self.method == "on-policy":
            missing = [n for n in ("steps", "prompts_per_step", "sampled_tokens") if getattr(self, n) == 0]
            if missing:
                raise ValueError(f"on-policy needs {', '.join(missing)} (above 0)")
            if self.sampling is None:
                raise ValueError("sampling: on-policy needs the student's sampling side")
        elif self.examples == 0 or self.prompt_tokens + self.completion_tokens == 0:
            raise ValueError(f"{self.method} needs examples and prompt_tokens + completion_tokens above 0")
        if self.top_k == 0 and self.method == "logit-offline" and self.vocab_size is None:
            raise ValueError("vocab_size: top_k 0 stores the whole vocabulary; give its size")
        return self

    @property
    def uses_logits(self) -> bool:
        return self.method != "sequence"
