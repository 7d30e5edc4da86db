"""The distillation methods a scenario allows, side by side: upfront $ per phase, GPU-hours, elapsed time on
the GPUs given, lead time, payback and NPV; the cheapest and the fastest to a serving student.

Imports pandas, pydantic and `econ.chain.evaluate`/`econ.model`. Each method is the scenario's own
`DistillationRun` with only `method` changed, so volumes, sides and prices stay the user's. A method the
scenario cannot run (a gate, or volumes or a side it lacks) is listed as ruled out, with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from pydantic import ValidationError

from econ.base.errors import FieldError, describe_validation_error
from econ.base.units import SECONDS_PER_HOUR
from econ.chain.evaluate import Evaluation, evaluate
from econ.chain.inputs import lead_time_months
from econ.chain.spend import upfront_spend
from econ.model.distill_profile import METHODS
from econ.model.distill_run import DistillationRun
from econ.model.scenario import Scenario

PHASE_LINES = ("teacher_scoring_usd", "student_sampling_usd", "student_training_usd", "logit_storage_usd")


@dataclass(frozen=True)
class MethodResult:
    """One method: its evaluation and run, or why it is ruled out."""

    method: str
    evaluation: Evaluation | None = None
    gpu_hours: float | None = None
    elapsed_hours: float | None = None
    lead_time_months: float | None = None
    ruled_out: str | None = None


@dataclass(frozen=True)
class MethodComparison:
    """Every method's result, in METHODS order."""

    results: tuple[MethodResult, ...]

    @property
    def allowed(self) -> list[MethodResult]:
        return [r for r in self.results if r.evaluation is not None]

    def cheapest(self) -> MethodResult | None:
        """The allowed method with the least upfront spend."""
        return min(self.allowed, key=lambda r: r.evaluation.upfront_usd, default=None)

    def fastest(self) -> MethodResult | None:
        """The allowed method whose student serves first (lead time, then the run's elapsed time)."""
        return min(self.allowed, key=lambda r: (r.lead_time_months, r.elapsed_hours), default=None)

    def to_frame(self) -> pd.DataFrame:
        """One row per method: phases' USD, upfront, GPU-hours, elapsed hours, lead months, payback, NPV."""
        rows = []
        for r in self.results:
            row = {"method": r.method}
            if r.evaluation is not None:
                lines = r.evaluation.upfront_lines_usd
                row |= {name: lines.get(name, 0.0) for name in ("data_generation_usd", *PHASE_LINES)}
                row |= {"upfront_usd": r.evaluation.upfront_usd, "gpu_hours": r.gpu_hours,
                        "elapsed_hours": r.elapsed_hours, "lead_time_months": r.lead_time_months,
                        "payback_months": r.evaluation.payback_months, "npv_usd": r.evaluation.npv_usd}
            row["ruled_out"] = r.ruled_out or ""
            rows.append(row)
        return pd.DataFrame(rows)


def _with_method(scenario: Scenario, run: DistillationRun, method: str) -> Scenario:
    changed = DistillationRun.model_validate({**run.model_dump(exclude_unset=True), "method": method})
    distillation = scenario.distillation.model_copy(update={"training_usd": changed})
    return scenario.model_copy(update={"distillation": distillation})


def method_result(scenario: Scenario, run: DistillationRun, method: str) -> MethodResult:
    """The scenario evaluated with this method, or the reason it cannot be."""
    try:
        variant = _with_method(scenario, run, method)
        upfront = upfront_spend(variant)
        result = evaluate(variant)
    except ValidationError as exc:
        reason = describe_validation_error(exc).replace("(root): ", "").replace("Value error, ", "")
        return MethodResult(method, ruled_out=reason)
    except FieldError as exc:
        return MethodResult(method, ruled_out=str(exc))
    return MethodResult(method, result, upfront.run.gpu_hours, upfront.run.elapsed_s / SECONDS_PER_HOUR,
                        lead_time_months(variant, upfront))


def compare_methods(scenario: Scenario) -> MethodComparison:
    """Every method on the scenario's run; a ValueError naming the field when the run is not a
    DistillationRun."""
    run = scenario.distillation.training_usd
    if not isinstance(run, DistillationRun):
        raise FieldError("distillation.training_usd", "comparing methods needs a distillation run (method, "
                         "volumes and the sides that run each phase), not a single training cost")
    return MethodComparison(tuple(method_result(scenario, run, m) for m in METHODS))
