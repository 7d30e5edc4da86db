"""The scenario's quality block: fallback, error rates and their cost, typed or measured from graded samples.

Imports pydantic and `econ.base.types` only. The `Evidence` pointer (a graded-samples CSV and a router
threshold) is part of this contract; reading the file is `econ.evidence.measured`'s job. With `evidence`,
the rates it measures may not also be typed (the conflict names both), and only the fields given are
written back.
"""

from __future__ import annotations

from pydantic import Field, model_serializer, model_validator
from pydantic_core import PydanticCustomError

from econ.base.types import Fraction, Frozen, UsdPerError, UsdPerRequest

# Rates the evidence can measure, as named in the scenario's quality block and in econ.model.uncertainty.
FALLBACK, STUDENT_ERROR, TEACHER_ERROR = "fallback_rate", "student_error_rate", "teacher_error_rate"
ALWAYS_MEASURED = (STUDENT_ERROR, "student_eval_on_production_traffic")


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
    usd_per_error: UsdPerError = Field(0.0, description="Business cost of one wrong answer (USD/error).")
    teacher_error_rate: Fraction = Field(0.0, description="Teacher's error rate on the task (fraction).")
    student_error_rate: Fraction = Field(
        0.0, description="Error rate of the distilled system, fallback included (fraction)."
    )
    student_eval_on_production_traffic: bool = Field(
        False, description="The student's error rate was measured on real production traffic."
    )
    evidence: Evidence | None = Field(
        None, description="Graded samples that measure fallback_rate, student_error_rate and (when graded) "
        "teacher_error_rate at a router threshold; those rates may then not be typed.",
    )

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
