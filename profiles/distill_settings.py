"""What `python -m profiles distill` measures: its settings, validated once, with defaults and help text.

Torch-free: imports pydantic, the model-spec check and the run settings' flag naming, so a bad flag is
refused before torch loads. The CLI reads its defaults and help from these fields.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from econ.model.profile import field_path
from profiles.settings import MAX_REPEATS, flag_name

PositiveInt = Annotated[int, Field(gt=0)]
# Closed API teachers return at most 20 logprobs per token; a local teacher can keep any k. DistillKit's
# default is in this range too.
DEFAULT_TOP_K = 32
MAX_TOP_K = 4096


class DistillSettings(BaseModel):
    """One `distill`: which teacher and student, which method, at what shape, how long."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    teacher: str = Field(min_length=1,
                         description="Teacher: preset name (random weights) or checkpoint folder.")
    student: str = Field(min_length=1,
                         description="Student: preset name (random weights) or checkpoint folder.")
    method: Literal["sequence", "logit-online", "logit-offline", "on-policy"] = Field(
        description="sequence: SFT on teacher text; logit-online: teacher forward each step; logit-offline: "
        "teacher top-k logits stored, then read back; on-policy: student samples, teacher scores, reverse "
        "KL.")
    lora_rank: PositiveInt | None = Field(None,
                                          description="Train LoRA adapters of this rank (peft) instead of "
                                          "every weight.")
    top_k: Annotated[int, Field(ge=0, le=MAX_TOP_K)] = Field(
        DEFAULT_TOP_K, description="Teacher logits kept per token for the KL; 0 = the full vocabulary.")
    batch_size: PositiveInt = Field(4, description="Sequences per step.")
    seq_len: Annotated[int, Field(ge=2)] = Field(256, description="Tokens per training sequence "
                                                 "(prompt + completion).")
    sample_tokens: PositiveInt | None = Field(
        None, description="On-policy: tokens the student samples per sequence (default: half of --seq-len).")
    device: Literal["auto", "cuda", "mps", "cpu"] = Field("auto", description="Device to measure on.")
    dtype: Literal["bf16", "fp16", "fp32"] | None = Field(
        None, description="Weight and activation dtype (default: bf16 on a GPU, fp32 on CPU).")
    repeats: Annotated[int, Field(ge=1, le=MAX_REPEATS)] = Field(
        3, description="Minimum timed steps per phase (after untimed warm-up steps).")
    min_seconds: Annotated[float, Field(ge=0, le=3600, allow_inf_nan=False)] = Field(
        1.0, description="Minimum timed seconds per phase; steps repeat until both minimums are met.")
    teacher_url: str | None = Field(None, description="Score through a served teacher: the base URL of its "
                                    "OpenAI-compatible API (…/v1), e.g. a vLLM server (prompt_logprobs).")
    teacher_model: str | None = Field(None,
                                      description="The served teacher's model name (with --teacher-url).")
    out: str | None = Field(None, description="Distillation profile to write (default: "
                            "profiles/data/distill-METHOD-STUDENT.json).")

    @model_validator(mode="after")
    def _served_teacher(self) -> DistillSettings:
        if (self.teacher_url is None) != (self.teacher_model is None):
            raise ValueError("--teacher-url and --teacher-model go together")
        if self.teacher_url is not None and self.method == "sequence":
            raise ValueError("--teacher-url: the sequence method has no teacher phase to serve")
        if self.teacher_url is not None and self.top_k == 0:
            raise ValueError("--top-k 0: a served teacher returns its top-k log-probabilities, not the whole "
                             "vocabulary; give --top-k 1 or more")
        if self.teacher_url is not None and not self.teacher_url.startswith(("http://", "https://")):
            raise ValueError(f"--teacher-url: expected http://HOST:PORT/v1, got {self.teacher_url!r}")
        return self

    @model_validator(mode="after")
    def _sampling_fits(self) -> DistillSettings:
        if self.sample_tokens is not None and self.method != "on-policy":
            raise ValueError("--sample-tokens: only the on-policy method samples")
        if self.method == "on-policy" and self.sampled_tokens >= self.seq_len:
            raise ValueError(
                f"--sample-tokens: {self.sampled_tokens} leaves no prompt in --seq-len {self.seq_len}")
        return self

    @property
    def sampled_tokens(self) -> int:
        """On-policy: the tokens sampled per sequence (the default is half the sequence)."""
        return self.sample_tokens if self.sample_tokens is not None else self.seq_len // 2

    @property
    def finetune(self) -> str:
        return "full" if self.lora_rank is None else "lora"

    @property
    def uses_logits(self) -> bool:
        """Whether the teacher's logits reach the student (every method but sequence)."""
        return self.method != "sequence"


def distill_settings(**values) -> DistillSettings:
    """Validated settings; a ValueError naming the flag on bad input (one line)."""
    try:
        return DistillSettings(**values)
    except ValidationError as exc:
        problems = []
        for item in exc.errors():
            if item["loc"]:
                problems.append(f"{flag_name(field_path(item['loc'][:1]))}: {item['msg']}")
            else:
                problems.append(item["msg"].removeprefix("Value error, "))
        raise ValueError("; ".join(dict.fromkeys(problems))) from None
