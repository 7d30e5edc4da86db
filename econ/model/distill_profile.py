"""The distillation profile contract: what `python -m profiles distill` measured, phase by phase.

Imports pydantic and `econ.base.types`/`econ.model.profile` only (reading a distillation profile never needs
torch). One file holds one method on one machine: the teacher's and the student's shape, the hardware and
environment as every profile records them, and the `distillation` block with one entry per phase, each
with its analytic check from the roofline's FLOPs and bytes.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from econ.base.types import (
    MAX_BYTES,
    MAX_TOKENS_PER_S,
    Bytes,
    Fraction,
    Gib,
    NonNegativeInt,
    PositiveInt,
    Text,
    real,
)
from econ.base.types import Frozen as _Frozen
from econ.io.files import read_validated_json
from econ.model.profile import Environment, Hardware, ModelInfo, ProfileError

METHODS = ("sequence", "logit-offline", "logit-online", "on-policy")
Method = Literal["sequence", "logit-offline", "logit-online", "on-policy"]
Finetune = Literal["full", "lora"]
# The phases a method runs, in order. Teacher phases are the ones `teacher_share` adds up.
PhaseName = Literal["teacher_scoring", "logit_write", "student_sampling", "student_training"]
TEACHER_PHASES = ("teacher_scoring",)
MAX_DISTILLATION_PROFILE_BYTES = 2**20
MAX_SECONDS = 1e7


class PhaseCheck(_Frozen):
    """The roofline beside a measured phase: its FLOPs and bytes per step, and the time they take at the
    measured peaks (max of compute and memory time)."""

    flops_per_step: real("FLOP", ge=0, le=1e30) = Field(description="Analytic FLOPs of one step (FLOP).")
    bytes_per_step: Bytes = Field(description="Analytic bytes read or written by one step (bytes).")
    seconds_per_step: real("s", ge=0, le=MAX_SECONDS) | None = Field(
        None, description="max(FLOPs ÷ measured FLOP/s, bytes ÷ measured bandwidth) (s); None without peaks.")
    measured_over_analytic: real("ratio", ge=0, le=1e9) | None = Field(
        None, description="Measured ÷ analytic seconds per step: 1 is the roofline, 10 is 10% of it.")


class DistillPhase(_Frozen):
    """One timed phase of a method's step."""

    name: PhaseName
    tokens_per_s: real("tokens/s", gt=0,
                       le=MAX_TOKENS_PER_S) = Field(description="Tokens of the phase per second.")
    tokens_per_step: PositiveInt = Field(description="Tokens one step handles (batch × its sequence).")
    seconds_per_step: real("s", gt=0, le=MAX_SECONDS) = Field(description="Mean timed step (s).")
    steps: PositiveInt = Field(description="Timed steps behind the mean.")
    peak_memory_gib: Gib | None = Field(None, description="Peak memory over the phase's warm-up steps, GiB.")
    analytic: PhaseCheck | None = None


class DistillationBlock(_Frozen):
    """Throughput per phase of one distillation method, and what the step needs."""

    method: Method
    finetune: Finetune
    lora_rank: PositiveInt | None = Field(None, description="LoRA rank (finetune lora).")
    top_k: NonNegativeInt | None = Field(None,
                                         description="Teacher logits kept per token; 0 = the full "
                                                     "vocabulary.")
    batch_size: PositiveInt = Field(description="Sequences per step.")
    seq_len: PositiveInt = Field(description="Tokens per training sequence (prompt + completion).")
    sample_tokens: PositiveInt | None = Field(None,
                                              description="On-policy: tokens the student samples per "
                                                          "sequence.")
    phases: list[DistillPhase] = Field(min_length=1, description="In the order the step runs them.")
    step_seconds: real("s", gt=0,
                       le=MAX_SECONDS) = Field(description="Σ of the phases' seconds per step (s).")
    teacher_share: Fraction = Field(description="Teacher phases' share of the step time.")
    trainable_parameters: PositiveInt = Field(description="Parameters the optimizer updates.")
    student_parameters: PositiveInt = Field(description="All student parameters.")
    vocab_size: PositiveInt = Field(description="The shared vocabulary of teacher and student.")
    logit_bytes_per_token: real("bytes", ge=0, le=MAX_BYTES) | None = Field(
        None, description="Offline: measured file bytes per stored token (header included).")
    logit_bytes_per_token_analytic: real("bytes", ge=0, le=MAX_BYTES) | None = Field(
        None, description="Offline: k × (index + value bytes), header excluded.")
    memory_needed_gib: Gib = Field(
        description="Analytic memory the method's resident models and states need, GiB.")
    memory_available_gib: Gib | None = Field(None, description="Free memory when the run started, GiB.")

    def phase(self, name: str) -> DistillPhase | None:
        """The phase of that name, or None when the method does not run it."""
        return next((p for p in self.phases if p.name == name), None)


class DistillationProfile(_Frozen):
    """A measured distillation step: `python -m profiles distill --out FILE`."""

    schema_version: Literal[1] = 1
    kind: Literal["distillation"] = "distillation"
    provenance: Literal["measured", "estimated"] = Field(description="How the numbers were obtained.")
    created_at: Text | None = None
    teacher: ModelInfo | None = Field(None, description="None for sequence-level runs (no teacher phase).")
    student: ModelInfo
    hardware: Hardware
    distillation: DistillationBlock
    environment: Environment | None = None
    notes: list[Text] = Field(default_factory=list)


def load_distillation_profile(path: str) -> DistillationProfile:
    """Read and validate a distillation profile file; a ProfileError naming the field otherwise."""
    return read_validated_json(path, DistillationProfile, MAX_DISTILLATION_PROFILE_BYTES, ProfileError)


__all__ = ["METHODS", "DistillationBlock", "DistillationProfile", "DistillPhase", "PhaseCheck",
           "load_distillation_profile"]
