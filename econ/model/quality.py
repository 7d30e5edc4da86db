"""The scenario's quality block: fallback, error rates and their cost, typed or measured from graded samples.

Imports pydantic and `econ.base.types` only. The `Evidence` pointer (a graded-samples CSV and a router
threshold) is part of this contract; reading the file is `econ.evidence.measured`'s job. With `evidence`,
the rates it measures may not also be typed (the conflict names both), and only the fields given are
written back.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_serializer, model_validator
from pydantic_core import PydanticCustomError

from econ.base.types import Fraction, Frozen, UsdPerError, UsdPerRequest

# Rates the evidence can measure, as named in the scenario's quality block and in econ.model.uncertainty.
FALLBACK, STUDENT_ERROR, TEACHER_ERROR = "fallback_rate", "student_error_rate", "teacher_error_rate"
ALWAYS_MEASURED = (STUDENT_ERROR, "student_eval_on_production_traffic")
NOT_PRICED = "not_priced"  # the explicit "decide on cost alone" value of quality.usd_per_error
ERROR_COST_LABEL = "Cost of one wrong answer (USD/error)"  # the sidebar's label and the verdict's name for it
# The default chance that a distilled student never reaches the quality bar, before any graded evidence.
# A stated prior, not a measurement: the distillation papers report students that match their teacher
# on narrow tasks (classification, extraction: Hsieh et al. 2023, "Distilling step-by-step") and fall
# short on open-ended generation (Gudibande et al. 2023, "The false promise of imitating proprietary
# LLMs"); one attempt in five missing the bar is the planning assumption for a narrow task with a clear
# metric. Raise it for open-ended tasks; graded samples replace it (econ.evidence.failure).
DEFAULT_P_STUDENT_FAILS = 0.2


class Evidence(Frozen):
    """Graded samples the quality rates are measured from (see `python -m econ quality`)."""

    path: str = Field(min_length=1, description="Graded-samples CSV (relative to the scenario file).")
    router_threshold: Fraction | None = Field(
        None, description="Router threshold: requests with student confidence below it go to the teacher "
        "(fraction; none or 0 = never fall back).",
    )


def static_conflicts(evidence: Evidence | None, typed: set[str]) -> list[str]:
    """Fields typed beside evidence that the evidence always measures (checked without reading the file)."""
    if evidence is None:
        return []
    fields = list(ALWAYS_MEASURED) + ([FALLBACK] if evidence.router_threshold is not None else [])
    return [f for f in fields if f in typed]


def conflict_message(field: str) -> str:
    """Said under the field path `quality`: both fields named."""
    return f"{field} and evidence are both given: the evidence measures {field}; remove one"


class Quality(Frozen):
    """How good the student is, and what its mistakes cost."""

    fallback_rate: Fraction = Field(
        0.05, description="Share of requests escalated to the teacher after the student (fraction)."
    )
    router_usd_per_request: UsdPerRequest = Field(
        0.0, description="Cost of routing/guarding each request (USD/request)."
    )
    usd_per_error: UsdPerError | Literal["not_priced"] | None = Field(
        None, description="Cost of one wrong answer (USD/error), or \"not_priced\" to decide on cost alone; "
        "a scenario without it is not yet decidable.",
    )
    teacher_error_rate: Fraction = Field(0.0, description="Teacher's error rate on the task (fraction).")
    student_error_rate: Fraction = Field(
        0.0, description="Error rate of the distilled system, fallback included (fraction)."
    )
    student_eval_on_production_traffic: bool = Field(
        False, description="The student's error rate was measured on real production traffic."
    )
    p_student_fails: Fraction = Field(
        DEFAULT_P_STUDENT_FAILS, description="Chance the student never reaches the quality bar (fraction; "
        "a stated prior, replaced by graded samples).",
    )
    allowed_error_increase: Fraction = Field(
        0.0, description="Error rate the student may add to the teacher's and still pass the bar (fraction).",
    )
    evidence: Evidence | None = Field(
        None, description="Graded samples that measure fallback_rate, student_error_rate and (when graded) "
        "teacher_error_rate at a router threshold; those rates may then not be typed.",
    )

    @property
    def error_cost_stated(self) -> bool:
        """A number or "not_priced" was given (None: the scenario never said)."""
        return self.usd_per_error is not None

    @property
    def errors_priced(self) -> bool:
        """A cost per wrong answer is a number (0 included)."""
        return isinstance(self.usd_per_error, float | int)

    @property
    def usd_per_error_value(self) -> float:
        """The cost per wrong answer the cash flows use: the number, else 0 (not stated or not priced)."""
        return float(self.usd_per_error) if self.errors_priced else 0.0

    @model_validator(mode="after")
    def _measured_not_typed(self) -> Quality:
        conflicts = static_conflicts(self.evidence, self.model_fields_set)
        if conflicts:  # a custom error type: the message reads without pydantic's "Value error, " prefix
            raise PydanticCustomError("measured_rate_typed", conflict_message(conflicts[0]))
        return self

    @model_serializer(mode="wrap")
    def _typed_fields_only(self, handler):
        """With evidence, only the fields given are written: a default never reads back as a typed rate."""
        data = handler(self)
        if self.evidence is not None and isinstance(data, dict):
            data = {k: v for k, v in data.items() if k in self.model_fields_set}
        return data
