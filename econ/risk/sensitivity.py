"""The tornado: which inputs decide the answer. Each input at its low and its high, all others held.

Imports numpy, pandas and the `econ` modules of the cost model. All variants run at once through
`evaluate_many`, the same formulas as `econ.chain.evaluate`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from econ.chain.evaluate import evaluate_many
from econ.chain.inputs import numeric_inputs
from econ.evidence.measured import measured_inputs
from econ.io.serialize import finite_or_none, json_ready
from econ.model.scenario import Scenario
from econ.model.uncertainty import INPUTS, P_HIGH, P_LOW, UncertainInput, Uncertainty, clip_to_input
from econ.risk.levers import LEVERS, check_listed, merge_columns, settings_of

# What a bar's low–high covers. Distributions and the default spread move to P10/P90; a measured rate
# moves across its 95% Wilson interval (econ.evidence.measured); a listed low/high is the user's own.
COVERAGE_P10_P90 = "P10–P90"
COVERAGE_WILSON = "95% Wilson interval"
COVERAGE_GIVEN = "low–high as given"


@dataclass(frozen=True)
class Tornado:
    """Each input moved to its low and high value with all others held, ranked by NPV swing."""

    rows: pd.DataFrame  # one row per input, largest NPV swing first
    base_npv_usd: float
    base_payback_months: float | None
    horizon_months: int

    def to_frame(self) -> pd.DataFrame:
        """input, label, unit, base/low/high value, coverage (what low–high spans), NPV and payback at low
        and high,
        swings."""
        return self.rows.copy()

    def to_dict(self) -> dict:
        return json_ready({
            "base_npv_usd": self.base_npv_usd,
            "base_payback_months": self.base_payback_months,
            "horizon_months": self.horizon_months,
            "inputs": self.rows.to_dict(orient="records"),
        })


def tornado_range(name: str, base: float, item: UncertainInput | None,
                  relative: float) -> tuple[float, float] | None:
    """(low, high) of one input: its own low/high, else its distribution's P10/P90, else base × (1 ∓
    relative)."""
    if item is not None and item.low is not None:
        return item.low, item.high
    if item is not None and item.distribution is not None:
        d = item.distribution
        low, high = clip_to_input(name, [d.quantile(P_LOW), d.quantile(P_HIGH)])
        return float(low), float(high)
    if relative <= 0:
        return None
    if base == 0:
        return INPUTS[name].zero_base_range
    low, high = clip_to_input(name, [base * (1 - relative), base * (1 + relative)])
    return float(low), float(high)


def _coverage(item: UncertainInput | None, from_evidence: bool) -> str:
    """What one bar's low–high spans (see COVERAGE_*); a measured rate's low/high is its Wilson interval."""
    if item is not None and item.low is not None:
        return COVERAGE_WILSON if from_evidence else COVERAGE_GIVEN
    return COVERAGE_P10_P90


def tornado(scenario: Scenario, uncertainty: Uncertainty | None = None,
            relative_range: float | None = None) -> Tornado:
    """NPV and payback with each input at its low and at its high (others held), in one vectorized run.

    relative_range overrides the ±fraction used for inputs without their own range or distribution.
    """
    uncertainty = uncertainty or settings_of(scenario)
    relative = uncertainty.default_spread if relative_range is None else relative_range
    x, derivation = numeric_inputs(scenario)
    check_listed(x, uncertainty)
    # Measured quality rates move across their 95% intervals unless risk.inputs lists them itself.
    measured, own = measured_inputs(derivation.quality), uncertainty.listed()
    listed = {**measured, **own}
    moves = []
    for name, lever in LEVERS.items():
        if name not in listed and lever.inapplicable(x):
            continue
        base = lever.base(x)
        ends = tornado_range(name, base, listed.get(name), relative)
        if ends is not None:
            moves.append((name, base, *ends, _coverage(listed.get(name), from_evidence=name not in own)))
    # Row 0 is the scenario itself; rows 2i+1, 2i+2 move input i to its low, then its high.
    columns = {}
    for i, (name, base, low, high, _) in enumerate(moves):
        column = np.full(2 * len(moves) + 1, base)
        column[2 * i + 1], column[2 * i + 2] = low, high
        columns[name] = column
    result = evaluate_many(merge_columns(x, columns))
    npv, payback = result.npv_usd, result.payback_months
    horizon = scenario.horizon_months
    capped = np.where(np.isnan(payback), float(horizon), payback)  # "never" ranks as the horizon
    rows = pd.DataFrame({
        "input": [m[0] for m in moves],
        "label": [INPUTS[m[0]].label for m in moves],
        "unit": [INPUTS[m[0]].unit for m in moves],
        "base_value": [m[1] for m in moves],
        "low_value": [m[2] for m in moves],
        "high_value": [m[3] for m in moves],
        "coverage": [m[4] for m in moves],
        "npv_low_usd": npv[1::2],
        "npv_high_usd": npv[2::2],
        "payback_low_months": payback[1::2],
        "payback_high_months": payback[2::2],
    })
    rows["npv_swing_usd"] = (rows["npv_high_usd"] - rows["npv_low_usd"]).abs()
    rows["payback_swing_months"] = np.abs(capped[2::2] - capped[1::2])
    rows = rows.sort_values("npv_swing_usd", ascending=False, kind="stable").reset_index(drop=True)
    base_payback = float(payback[0])
    return Tornado(rows, float(npv[0]), finite_or_none(base_payback), horizon)
