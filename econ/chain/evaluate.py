"""`evaluate(scenario)`: the monthly table and the headline answer (payback, NPV, break-even, warnings).

Imports numpy, pandas and the `econ` modules of the chain. Vectorized evaluation of many variants
(`evaluate_many`) runs the very same cash-flow and finance formulas on arrays.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from econ.base.units import (
    LOW_UTILIZATION_WARNING,
    REQUESTS_PER_KREQ,
    TOKENS_PER_MTOK,
    monthly_rate,
)
from econ.chain import finance
from econ.chain.breakeven import breakeven_requests_per_day
from econ.chain.cashflow import MonthlyFlows, monthly_flows
from econ.chain.inputs import Derivation, NumericInputs, SideInputs, numeric_inputs
from econ.evidence.measured import evidence_warnings
from econ.io.serialize import json_ready
from econ.model.scenario import Scenario
from econ.serving.capacity import Capacity


@dataclass(frozen=True)
class HeadlineItem:
    """One headline number: the Evaluation attribute, its label for people, and how it is formatted."""

    name: str
    label: str
    kind: str  # a key of econ.io.formats.FORMATTERS


# The headline, defined once: the CLI table, the JSON, the app's metrics and comparison read it.
HEADLINE = (
    HeadlineItem("payback_months", "Payback", "months"),
    HeadlineItem("discounted_payback_months", "Discounted payback", "months"),
    HeadlineItem("npv_usd", "NPV", "usd"),
    HeadlineItem("irr_annual", "IRR (per year)", "percent"),
    HeadlineItem("roi", "ROI", "percent"),
    HeadlineItem("total_savings_usd", "Savings over the horizon (after upfront)", "usd"),
    HeadlineItem("breakeven_requests_per_day", "Break-even volume", "per_day"),
    HeadlineItem("upfront_usd", "Upfront spend", "usd"),
    HeadlineItem("teacher_usd_per_mtok", "Teacher cost per 1M tokens", "usd_precise"),
    HeadlineItem("student_usd_per_mtok", "Student cost per 1M tokens", "usd_precise"),
    HeadlineItem("teacher_usd_per_kreq", "Teacher cost per 1k requests", "usd_precise"),
    HeadlineItem("student_usd_per_kreq", "Student cost per 1k requests", "usd_precise"),
)
HEADLINE_KEYS = tuple(item.name for item in HEADLINE)
HEADLINE_BY_NAME = {item.name: item for item in HEADLINE}
MONTHLY_JSON_COLUMNS = ("month", "requests", "teacher_usd", "student_usd", "savings_usd", "cumulative_usd", "replicas")


def _none_if_nan(value: float) -> float | None:
    value = float(value)
    return None if math.isnan(value) or math.isinf(value) else value


@dataclass(frozen=True)
class Evaluation:
    """The answer for one scenario. `monthly` has one row per month; headline numbers are attributes."""

    scenario: Scenario
    monthly: pd.DataFrame
    payback_months: float | None
    discounted_payback_months: float | None
    npv_usd: float
    irr_annual: float | None
    roi: float | None
    total_savings_usd: float
    breakeven_requests_per_day: float | None
    upfront_usd: float
    upfront_lines_usd: dict[str, float]
    teacher_usd_per_mtok: float | None  # None: no requests over the horizon (nothing to divide by)
    student_usd_per_mtok: float | None
    teacher_usd_per_kreq: float | None
    student_usd_per_kreq: float | None
    student_capacity_rps: float | None
    student_capacity_source: str | None
    warnings: tuple[str, ...]
    teacher_capacity: Capacity | None = None  # self-hosted: the profile's operating point behind capacity
    student_capacity: Capacity | None = None

    def headline(self) -> dict[str, float | None]:
        """The headline numbers by name (JSON-ready)."""
        return {key: getattr(self, key) for key in HEADLINE_KEYS}

    def to_frame(self) -> pd.DataFrame:
        """The monthly table."""
        return self.monthly.copy()

    def to_dict(self) -> dict:
        """Headline, upfront lines, warnings and the monthly rows: strict JSON (no NaN; null instead)."""
        rows = self.monthly.loc[:, list(MONTHLY_JSON_COLUMNS)]
        return json_ready({
            "name": self.scenario.name,
            **self.headline(),
            "upfront_lines_usd": dict(self.upfront_lines_usd),
            "student_capacity_rps": self.student_capacity_rps,
            "student_capacity_source": self.student_capacity_source,
            "warnings": list(self.warnings),
            "monthly": rows.to_dict(orient="records"),
        })


def monthly_table(flows: MonthlyFlows) -> pd.DataFrame:
    """Variant 0 of the flows as a DataFrame, with cumulative and discounted columns."""
    savings = flows.savings_usd[0]
    upfront = float(flows.upfront_usd[0, 0])
    discounted = savings * flows.discount_factor[0]
    table = pd.DataFrame({
        "month": np.arange(1, savings.size + 1),
        "requests": flows.requests[0],
        "teacher_serving_usd": flows.teacher_serving_usd[0],
        "teacher_errors_usd": flows.teacher_errors_usd[0],
        "teacher_usd": flows.teacher_usd[0],
        "student_serving_usd": flows.student_serving_usd[0],
        "student_fallback_usd": flows.student_fallback_usd[0],
        "student_router_usd": flows.student_router_usd[0],
        "student_redistill_usd": flows.student_redistill_usd[0],
        "student_monitoring_usd": flows.student_monitoring_usd[0],
        "student_errors_usd": flows.student_errors_usd[0],
        "student_lead_teacher_usd": flows.student_lead_teacher_usd[0],
        "student_usd": flows.student_usd[0],
        "savings_usd": savings,
        "cumulative_usd": -upfront + np.cumsum(savings),
        "discounted_savings_usd": discounted,
        "discounted_cumulative_usd": -upfront + np.cumsum(discounted),
        "teacher_cumulative_usd": np.cumsum(flows.teacher_usd[0]),
        "student_cumulative_usd": upfront + np.cumsum(flows.student_usd[0]),
        "replicas": flows.student_replicas[0],
        "utilization": flows.student_utilization[0],
    })
    return table


def _warnings(scenario: Scenario, derivation: Derivation, table: pd.DataFrame,
              payback: float | None, breakeven: float | None) -> tuple[str, ...]:
    out = list(derivation.warnings)
    if breakeven is None:
        out.append("no traffic volume makes distillation pay: the student's marginal cost is not below the teacher's")
    if breakeven == 0.0:
        out.append("distillation saves money at any volume: the distilled setup's fixed costs are below the teacher's")
    if payback is None:
        out.append(f"payback is beyond the {scenario.horizon_months}-month horizon")
    utilization = table["utilization"].to_numpy()
    if not np.all(np.isnan(utilization)):
        low = int(np.sum(utilization < LOW_UTILIZATION_WARNING))
        if low:
            out.append(
                f"student GPUs are under {LOW_UTILIZATION_WARNING:.0%} utilized on average in {low} of "
                f"{len(utilization)} months: you pay for idle GPUs (consider a GPU share, autoscaling or an API)"
            )
    if float(table["requests"].sum()) <= 0:
        out.append("no requests over the horizon: cost per 1M tokens and per 1k requests are undefined (null)")
    if derivation.quality is not None:
        out.extend(evidence_warnings(derivation.quality))
    elif not scenario.quality.student_eval_on_production_traffic:
        out.append("the student's quality was not measured on production traffic "
                   "(teacher-generated validation data flatters it); fallback and error rates are assumptions")
    return tuple(out)


def evaluate(scenario: Scenario) -> Evaluation:
    """Monthly cash flows of stay-on-teacher vs distil, and the headline answer."""
    x, derivation = numeric_inputs(scenario)
    flows = monthly_flows(x)
    table = monthly_table(flows)
    upfront = derivation.upfront.total_usd
    savings = flows.savings_usd
    rate = monthly_rate(scenario.annual_discount_rate)
    payback = _none_if_nan(finance.payback_periods(upfront, savings)[0])
    discounted_payback = _none_if_nan(finance.payback_periods(upfront, savings * flows.discount_factor)[0])
    npv_usd = float(finance.npv(upfront, savings, rate)[0])
    irr = _none_if_nan(finance.annualize(finance.irr_per_period(upfront, savings)[0]))
    pv_costs = upfront + float(np.sum(flows.student_usd[0] * flows.discount_factor[0]))
    breakeven = breakeven_requests_per_day(x)
    total_requests = float(table["requests"].sum())

    def per_request(column: str) -> float | None:
        return float(table[column].sum()) / total_requests if total_requests > 0 else None

    def per(value: float | None, scale: float) -> float | None:
        return None if value is None else value * scale

    up = derivation.upfront
    student_cap = derivation.student_capacity
    return Evaluation(
        scenario=scenario,
        monthly=table,
        payback_months=payback,
        discounted_payback_months=discounted_payback,
        npv_usd=npv_usd,
        irr_annual=irr,
        roi=_none_if_nan(finance.roi(npv_usd, pv_costs)),
        total_savings_usd=float(savings[0].sum()) - upfront,
        breakeven_requests_per_day=breakeven,
        upfront_usd=upfront,
        upfront_lines_usd=up.lines_usd(),
        # Each side's cost per token is over its own tokens (its overrides, else the workload's).
        teacher_usd_per_mtok=per(per_request("teacher_usd"), TOKENS_PER_MTOK / _tokens(x.teacher)),
        student_usd_per_mtok=per(per_request("student_usd"), TOKENS_PER_MTOK / _tokens(x.student)),
        teacher_usd_per_kreq=per(per_request("teacher_usd"), REQUESTS_PER_KREQ),
        student_usd_per_kreq=per(per_request("student_usd"), REQUESTS_PER_KREQ),
        student_capacity_rps=student_cap.requests_per_s if student_cap else None,
        student_capacity_source=student_cap.source if student_cap else None,
        warnings=_warnings(scenario, derivation, table, payback, breakeven) + up.notes,
        teacher_capacity=derivation.teacher_capacity,
        student_capacity=student_cap,
    )


def _tokens(side: SideInputs) -> int:
    return side.input_tokens + side.output_tokens


@dataclass(frozen=True)
class ManyResults:
    """Headline numbers of many variants, arrays of shape (V,)."""

    npv_usd: np.ndarray
    payback_months: np.ndarray  # NaN: not within the horizon
    discounted_payback_months: np.ndarray
    total_savings_usd: np.ndarray
    flows: MonthlyFlows

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame({
            "npv_usd": self.npv_usd, "payback_months": self.payback_months,
            "discounted_payback_months": self.discounted_payback_months,
            "total_savings_usd": self.total_savings_usd,
        })


def evaluate_many(x: NumericInputs) -> ManyResults:
    """NPV, payback and savings of every variant in `x` (built with `numeric_inputs` + `vary`)."""
    flows = monthly_flows(x)
    upfront = flows.upfront_usd[:, 0]
    savings = flows.savings_usd
    rate = monthly_rate(np.broadcast_to(x.annual_discount_rate, upfront.shape))
    return ManyResults(
        npv_usd=finance.npv(upfront, savings, rate),
        payback_months=finance.payback_periods(upfront, savings),
        discounted_payback_months=finance.payback_periods(upfront, savings * flows.discount_factor),
        total_savings_usd=savings.sum(axis=1) - upfront,
        flows=flows,
    )
