"""Stay, swap or distil: the three-way decision on total cost over the horizon, error cost included.

Imports numpy, pandas and the `econ` modules of the cost model. No cost formula lives here: "stay"
and "distil" are the two paths of `econ.chain.cashflow.monthly_flows`; "swap" is the same flows for a
scenario whose student is the off-the-shelf model, with no fallback, router or distillation spend and
its switching cost up front. Totals are present values (DESIGN.md discounting); the reasons say why.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from econ.base.errors import FieldError
from econ.chain.cashflow import MonthlyFlows, monthly_flows
from econ.chain.inputs import numeric_inputs, vary
from econ.io.serialize import json_ready
from econ.model.labels import field_name
from econ.model.scenario import Scenario

Option = Literal["stay", "swap", "distil"]
# Two options whose totals differ by less than this share of the cheaper one are a close call.
CLOSE_CALL = 0.05
COLUMNS = (
    "option", "label", "one_off_usd", "serving_usd", "other_usd", "errors_usd", "total_usd", "vs_stay_usd",
)


@dataclass(frozen=True)
class Decision:
    """Total present cost of each option, the recommendation and the reasons."""

    options: pd.DataFrame  # one row per option, COLUMNS
    monthly: pd.DataFrame  # month, <option>_usd: cumulative cost (undiscounted, one-off at month 0 included)
    recommendation: Option
    reasons: tuple[str, ...]
    horizon_months: int

    def to_frame(self) -> pd.DataFrame:
        """One row per option: one-off, serving, other running costs, errors, total (present value, USD)."""
        return self.options.copy()

    def to_dict(self) -> dict:
        return json_ready({
            "recommendation": self.recommendation,
            "reasons": list(self.reasons),
            "horizon_months": self.horizon_months,
            "options": self.options.to_dict(orient="records"),
        })


def _pv(flows: MonthlyFlows, line: np.ndarray) -> float:
    return float(np.sum(line[0] * flows.discount_factor[0]))


def swap_flows(scenario: Scenario) -> MonthlyFlows:
    """Monthly flows with the swap model as the student: its serving and errors, switching cost up front."""
    swap = scenario.swap
    if swap is None:
        raise FieldError("swap", "the scenario has no off-the-shelf alternative")
    x, _ = numeric_inputs(scenario.model_copy(update={"student": swap.serving}))
    x = vary(x, fallback_rate=[0.0], router_usd_per_request=[0.0], student_error_rate=[swap.error_rate],
             upfront_usd=[swap.switching_usd], redistill_usd=[0.0], redistill_every_months=[0.0],
             monitoring_usd_per_month=[0.0])
    return monthly_flows(x)


def _student_row(option: Option, label: str, flows: MonthlyFlows) -> dict:
    other = (flows.student_fallback_usd + flows.student_router_usd + flows.student_redistill_usd
             + flows.student_monitoring_usd)
    return {"option": option, "label": label, "one_off_usd": float(flows.upfront_usd[0, 0]),
            "serving_usd": _pv(flows, flows.student_serving_usd), "other_usd": _pv(flows, other),
            "errors_usd": _pv(flows, flows.student_errors_usd)}


def _cumulative_usd(usd_by_month: np.ndarray) -> np.ndarray:
    """0 at month 0, then the running total of the first variant's monthly USD (months 0..M)."""
    return np.concatenate([[0.0], np.cumsum(usd_by_month[0])])


def _usd(value: float) -> str:
    v = abs(value)
    for limit, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if v >= limit:
            return f"${v / limit:.1f}{suffix}"
    return f"${v:,.0f}"


def _phrase(row: pd.Series) -> str:
    """The option as a gerund for sentences: 'staying on the teacher', 'swapping to X', 'distilling'."""
    if row.option == "stay":
        return "staying on the teacher"
    if row.option == "swap":
        return "swapping to " + row.label.removeprefix("Swap to ")
    return "distilling"


def _why_not(loser: pd.Series, winner: pd.Series) -> str:
    """Why `loser` costs more than `winner`: where it is cheaper, and which line outweighs that."""
    lines = {"up front": loser.one_off_usd - winner.one_off_usd,
             "to run": (loser.serving_usd + loser.other_usd) - (winner.serving_usd + winner.other_usd),
             "in errors": loser.errors_usd - winner.errors_usd}
    cheaper = {k: -v for k, v in lines.items() if v < 0}
    dearer = {k: v for k, v in lines.items() if v > 0}
    if not dearer:
        return f"{_phrase(loser)} costs the same as {_phrase(winner)}"
    worst = max(dearer, key=dearer.get)
    what = {"up front": "upfront spend", "to run": "running cost", "in errors": "error cost"}[worst]
    if cheaper:
        saved = " and ".join(f"{_usd(v)} cheaper {k}" for k, v in cheaper.items())
        return (f"{_phrase(loser)} is {saved} than {_phrase(winner)}, but its {what} "
                f"({_usd(dearer[worst])} more) exceeds the savings")
    return (f"{_phrase(loser)} costs more than {_phrase(winner)} on every line "
            f"({_usd(dearer[worst])} more {worst})")


def decide(scenario: Scenario) -> Decision:
    """Stay on the teacher, swap to scenario.swap, or distil: the lowest total present cost wins."""
    x, _ = numeric_inputs(scenario)
    flows = monthly_flows(x)
    h = scenario.horizon_months
    rows = [{"option": "stay", "label": "Stay on the teacher", "one_off_usd": 0.0,
             "serving_usd": _pv(flows, flows.teacher_serving_usd), "other_usd": 0.0,
             "errors_usd": _pv(flows, flows.teacher_errors_usd)}]
    monthly = {"month": np.arange(0, h + 1), "stay_usd": _cumulative_usd(flows.teacher_usd)}
    if scenario.swap is not None:
        sflows = swap_flows(scenario)
        rows.append(_student_row("swap", f"Swap to {scenario.swap.name}", sflows))
        monthly["swap_usd"] = float(sflows.upfront_usd[0, 0]) + _cumulative_usd(sflows.student_usd)
    rows.append(_student_row("distil", "Distil", flows))
    monthly["distil_usd"] = float(flows.upfront_usd[0, 0]) + _cumulative_usd(flows.student_usd)
    options = pd.DataFrame(rows)
    options["total_usd"] = options[["one_off_usd", "serving_usd", "other_usd", "errors_usd"]].sum(axis=1)
    options["vs_stay_usd"] = options.loc[0, "total_usd"] - options["total_usd"]
    options = options.loc[:, list(COLUMNS)]
    ranked = options.sort_values("total_usd", kind="stable").reset_index(drop=True)  # ties keep stay first
    best = ranked.iloc[0]
    reasons = [_headline(best, options.iloc[0], h)]
    reasons += [_why_not(loser, best) for _, loser in ranked.iloc[1:].iterrows()]
    runner_up = ranked.iloc[1]
    if runner_up.total_usd - best.total_usd < CLOSE_CALL * abs(best.total_usd):
        reasons.append(f"{_phrase(best)} and {_phrase(runner_up)} are within {CLOSE_CALL:.0%} of each "
                       "other: a close call that rests on the assumptions (see the risk analysis)")
    q, cost = scenario.quality, field_name("quality.usd_per_error")
    if not q.error_cost_stated:
        reasons.append(f"no cost per error is stated ({cost}): error rates do not count yet")
    elif not q.errors_priced:
        reasons.append(f"on cost alone; errors not priced ({cost}: not priced)")
    elif q.usd_per_error_value == 0:
        reasons.append(f"errors are priced at $0 ({cost}): error rates do not count")
    if scenario.swap is None:
        reasons.append("no off-the-shelf alternative is given (the sidebar's swap section): "
                       "only stay and distil are compared")
    if best.option == "distil" and not q.student_eval_on_production_traffic:
        reasons.append("the student's error rate was not measured on production traffic: "
                       "check it before committing")
    return Decision(options, pd.DataFrame(monthly), best.option, tuple(reasons), h)


def _headline(best: pd.Series, stay: pd.Series, months: int) -> str:
    where = f"over {months} months (present value, error cost included)"
    if best.option == "stay":
        return f"staying on the teacher has the lowest total cost {where}, {_usd(best.total_usd)}"
    return (f"{_phrase(best)} has the lowest total cost {where}, {_usd(best.total_usd)}: "
            f"{_usd(best.vs_stay_usd)} less than staying on the teacher")
