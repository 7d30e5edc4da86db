"""The scenario's quality block: fallback, error rates and their cost, typed or measured from graded samples.

Imports pydantic and `econ.types`/`econ.measured_quality` only. With `evidence`, the rates it measures
may not also be typed (the conflict names both), and only the fields given are written back.
"""

from __future__ import annotations

from pydantic import Field, model_serializer, model_validator
from pydantic_core import PydanticCustomError

from econ.measured_quality import Evidence, conflict_message, static_conflicts
from econ.types import Fraction as Rate
from econ.types import Frozen as _Frozen
from econ.types import UsdPerError, UsdPerRequest


class Quality(_Frozen):
    """How good the student is, and what its mistakes cost."""

    fallback_rate: Rate = Field(
        0.05, description="Share of requests escalated to the teacher after the student (fraction)."
    )
    router_usd_per_request: UsdPerRequest = Field(
        0.0, description="Cost of routing/guarding each request (USD/request)."
    )
    usd_per_error: UsdPerError = Field(0.0, description="Business cost of one wrong answer (USD/error).")
    teacher_error_rate: Rate = Field(0.0, description="Teacher's error rate on the task (fraction).")
    student_error_rate: Rate = Field(
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
