"""The router threshold priced in dollars: a scenario evaluated at every threshold of the router curve.

Imports numpy, pandas and the `econ` cost-model and evidence modules. Each threshold's measured
fallback rate and residual error rate (and the teacher's measured error rate, when graded) replace
the scenario's quality rates; all thresholds run at once through `evaluate_many`, the same cash-flow
formulas as `econ.chain.evaluate`. The optimum is the NPV-maximising threshold (ties: the lowest, which
sends the least traffic to the teacher). A curve with more thresholds than `MAX_SWEEP_THRESHOLDS` is
swept at thresholds picked evenly along its fallback rate, threshold 0 always included.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from econ.chain.evaluate import evaluate_many
from econ.chain.inputs import NumericInputs, numeric_inputs, vary
from econ.evidence.measured import evidence_of, measured_fields
from econ.evidence.rates import GradedSampleRates
from econ.evidence.router import RouterCurve
from econ.io.serialize import finite_or_none
from econ.model.quality import Evidence
from econ.model.scenario import Quality, Scenario

# 200 thresholds put a point every half point of fallback rate; the sweep then takes ~10 ms (bench).
MAX_SWEEP_THRESHOLDS = 200


@dataclass(frozen=True)
class ThresholdSweep:
    """NPV and payback of the scenario at each swept threshold, and the best one."""

    curve: pd.DataFrame  # threshold, fallback_rate, error_rate, npv_usd, payback_months (NaN: not within)
    best_threshold: float
    best_npv_usd: float
    best_payback_months: float | None
    horizon_months: int
    swept_of: int  # thresholds on the full router curve
    errors_free: bool  # quality.usd_per_error is 0: the optimum is simply "never fall back"

    def to_dict(self) -> dict:
        return {"threshold": self.best_threshold, "npv_usd": self.best_npv_usd,
                "payback_months": self.best_payback_months}

    def words(self) -> str:
        """The optimum in a sentence."""
        row = self.curve.loc[self.curve["threshold"] == self.best_threshold].iloc[0]
        payback = ("beyond the horizon" if self.best_payback_months is None
                   else f"{self.best_payback_months:.1f} months")
        text = (f"best threshold {self.best_threshold:.3g}: {row.fallback_rate:.1%} fall back, "
                f"{row.error_rate:.1%} residual errors; NPV ${self.best_npv_usd:,.0f}, payback {payback}")
        if self.errors_free:
            text += ("; errors are priced at $0 (quality.usd_per_error), so the optimum is simply "
                     "\"never fall back\"")
        return text


def sweep_indices(curve: RouterCurve, limit: int = MAX_SWEEP_THRESHOLDS) -> np.ndarray:
    """Indices of the thresholds to sweep: all of them, or `limit` picked evenly along the fallback rate."""
    n = curve.threshold.size
    if n <= limit:
        return np.arange(n)
    targets = np.linspace(0.0, curve.fallback_rate[-1], limit)
    picked = np.searchsorted(curve.fallback_rate, targets, side="left")
    return np.unique(np.concatenate(([0], np.minimum(picked, n - 1))))


def quality_variants(x: NumericInputs, evidence: GradedSampleRates, indices: np.ndarray) -> NumericInputs:
    """The scenario's numeric inputs with one variant per threshold: measured fallback and error rates."""
    curve = evidence.router
    columns = {"fallback_rate": curve.fallback_rate[indices], "student_error_rate": curve.error_rate[indices]}
    if evidence.teacher_error is not None:
        columns["teacher_error_rate"] = np.full(indices.size, evidence.teacher_error.rate)
    return vary(x, **columns)


def threshold_sweep(scenario: Scenario, evidence: GradedSampleRates,
                    limit: int = MAX_SWEEP_THRESHOLDS) -> ThresholdSweep:
    """Evaluate the scenario at each threshold of the evidence's router curve in one `evaluate_many`."""
    if evidence.router is None:
        raise ValueError(
            f"{evidence.origin}: no student_confidence column, so there is no threshold to price"
        )
    x, _ = numeric_inputs(scenario)
    curve = evidence.router
    indices = sweep_indices(curve, limit)
    result = evaluate_many(quality_variants(x, evidence, indices))
    npv = np.broadcast_to(result.npv_usd, indices.shape)
    payback = np.broadcast_to(result.payback_months, indices.shape)
    best = int(np.argmax(npv))  # the first maximum: the lowest threshold among ties
    table = pd.DataFrame({
        "threshold": curve.threshold[indices], "fallback_rate": curve.fallback_rate[indices],
        "error_rate": curve.error_rate[indices], "npv_usd": npv, "payback_months": payback,
    })
    best_payback = float(payback[best])
    return ThresholdSweep(
        curve=table, best_threshold=float(table["threshold"].iloc[best]), best_npv_usd=float(npv[best]),
        best_payback_months=finite_or_none(best_payback),
        horizon_months=scenario.horizon_months, swept_of=int(curve.threshold.size),
        errors_free=scenario.quality.usd_per_error_value == 0,
    )


def with_evidence(scenario: Scenario, path: str, threshold: float | None) -> Scenario:
    """The scenario measuring its quality from `path` at `threshold`.

    The typed rates it measures are dropped.
    """
    evidence = Evidence(path=path, router_threshold=threshold)
    evidence_of(path)  # a file that cannot be read is refused here, before the scenario changes
    drop = measured_fields(evidence) | {"evidence"}
    kept = {k: v for k, v in scenario.quality.model_dump().items() if k not in drop}
    quality = Quality.model_validate({**kept, "evidence": evidence})
    return scenario.model_copy(update={"quality": quality})


def quality_bar(scenario: Scenario, evidence: GradedSampleRates) -> float:
    """The error rate the student must meet: the teacher's (measured when graded, else typed) + the allowed
    increase."""
    if evidence.teacher_error is not None:
        teacher = evidence.teacher_error.rate
    else:
        teacher = scenario.quality.teacher_error_rate
    return teacher + scenario.quality.allowed_error_increase


def bar_threshold(curve: pd.DataFrame, bar: float) -> float | None:
    """The lowest swept threshold whose residual error rate meets the bar (None: no threshold does).

    What to offer when errors are not priced: the NPV-best threshold is then "never fall back" whatever the
    errors, so the least fallback that keeps the student's errors at the teacher's level is offered instead.
    """
    meets = curve.loc[curve["error_rate"] <= bar, "threshold"]
    return float(meets.min()) if not meets.empty else None
