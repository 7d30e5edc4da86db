"""Input levers: where each named uncertain input (econ.model.uncertainty.INPUTS) lives in the numeric inputs.

Imports numpy and the `econ` modules that define the inputs. The tornado (`econ.risk.sensitivity`) and the
Monte Carlo (`econ.risk.simulation`) both move inputs through these levers, so an input means the same in
both.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from econ.base.errors import FieldError
from econ.chain.inputs import NumericInputs, vary
from econ.model.scenario import Scenario
from econ.model.uncertainty import INPUTS, Uncertainty


@dataclass(frozen=True)
class Lever:
    """Where an uncertain input lives in NumericInputs: its scenario value and the fields it sets."""

    base: Callable[[NumericInputs], float]
    fields: Callable[[NumericInputs, np.ndarray], dict[str, np.ndarray]]
    # None when the input moves the result; otherwise why it does not (e.g. "the student is an API").
    inapplicable: Callable[[NumericInputs], str | None]


def _field(name: str) -> Lever:
    """An input that is one top-level field of NumericInputs."""
    return Lever(lambda x: float(getattr(x, name)[0]), lambda x, v: {name: v}, lambda x: None)


def _student(name: str) -> Lever:
    """An input that is one field of a self-hosted student."""
    return Lever(
        lambda x: float(getattr(x.student, name)[0]),
        lambda x, v: {f"student__{name}": v},
        lambda x: "the student is served by an API" if x.student.is_api else None,
    )


def _teacher_price(x: NumericInputs, scale: np.ndarray) -> dict[str, np.ndarray]:
    """Teacher price × scale: the API price per request, or the GPU price of a self-hosted teacher."""
    if x.teacher.is_api:
        return {"teacher__usd_per_request": x.teacher.usd_per_request[0] * scale}
    return {"teacher__gpu_usd_per_hour": x.teacher.gpu_usd_per_hour[0] * scale}


def _no_peak_sizing(x: NumericInputs) -> str | None:
    sized = [s for s in (x.teacher, x.student) if not s.is_api and s.always_on]
    return None if sized else "no always-on GPU fleet is sized for the peak"


def _no_cadence(x: NumericInputs) -> str | None:
    if x.redistill_every_months[0] <= 0:
        return "the scenario never re-distils"
    return None


LEVERS: dict[str, Lever] = {
    "traffic_scale": _field("traffic_scale"),
    "monthly_growth": Lever(
        lambda x: float(x.monthly_growth[0]), lambda x, v: {"monthly_growth": v},
        lambda x: "traffic is an explicit monthly series" if x.explicit_requests is not None else None,
    ),
    "peak_to_average": Lever(lambda x: float(x.peak_to_average[0]), lambda x, v: {"peak_to_average": v},
                             _no_peak_sizing),
    "gpu_usd_per_hour": _student("gpu_usd_per_hour"),
    "teacher_price_scale": Lever(lambda x: 1.0, _teacher_price, lambda x: None),
    "teacher_annual_price_decline": Lever(
        lambda x: float(x.teacher.annual_price_decline[0]),
        lambda x, v: {"teacher__annual_price_decline": v},
        lambda x: None if x.teacher.is_api else "the teacher is self-hosted (no API price to drift)",
    ),
    "student_requests_per_s_per_replica": _student("requests_per_s_per_replica"),
    "fallback_rate": _field("fallback_rate"),
    "student_error_rate": _field("student_error_rate"),
    "usd_per_error": _field("usd_per_error"),
    "upfront_usd": _field("upfront_usd"),
    "redistill_every_months": Lever(lambda x: float(x.redistill_every_months[0]),
                                    lambda x, v: {"redistill_every_months": v}, _no_cadence),
    "redistill_usd": Lever(
        lambda x: float(x.redistill_usd[0]), lambda x, v: {"redistill_usd": v}, _no_cadence
    ),
    # Moved only when quality.evidence measures it (its posterior and interval are listed for it then).
    "teacher_error_rate": Lever(
        lambda x: float(x.teacher_error_rate[0]),
        lambda x, v: {"teacher_error_rate": v},
        lambda x: "a typed teacher error rate is held; one measured from "
                  "quality.evidence (teacher_correct) varies",
    ),
    "lead_time_months": _field("lead_time_months"),
    "distill_tokens_scale": Lever(
        lambda x: 1.0,
        lambda x, v: {"distill_tokens_scale": v},
        lambda x: None if x.run_usd[0] > 0 else "training is not a distillation run",
    ),
    "scoring_speed_scale": Lever(
        lambda x: 1.0,
        lambda x, v: {"scoring_speed_scale": v},
        lambda x: None if x.scoring_usd[0] > 0 else "the run has no teacher scoring phase",
    ),
}


def settings_of(scenario: Scenario) -> Uncertainty:
    """The scenario's own risk settings (its `risk` block), or the defaults."""
    return getattr(scenario, "risk", None) or Uncertainty()


def check_listed(x: NumericInputs, uncertainty: Uncertainty) -> None:
    for item in uncertainty.inputs:
        why = LEVERS[item.input].inapplicable(x)
        if why:
            raise FieldError("risk.inputs", f"{item.input} does not apply here: {why}")
        if item.low is not None:
            info = INPUTS[item.input]
            for end, value in (("low", item.low), ("high", item.high)):
                if not info.lower <= value <= info.upper:
                    raise FieldError(
                        "risk.inputs", f"{item.input} {end} {value:g} is outside its valid range "
                        f"[{info.lower:g}, {info.upper:g}] ({info.unit})"
                    )


def merge_columns(x: NumericInputs, columns: dict[str, np.ndarray]) -> NumericInputs:
    """vary() with every named input's column (V,) mapped onto its fields."""
    changes: dict[str, np.ndarray] = {}
    for name, values in columns.items():
        changes.update(LEVERS[name].fields(x, values))
    return vary(x, **changes)
