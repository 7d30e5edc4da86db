"""`evaluate(scenario)`: the monthly table and the headline answer (payback, NPV, break-even, warnings).

Imports numpy, pandas and the `econ` modules of the chain. Vectorized evaluation of many variants
(`evaluate_many`) runs the very same cash-flow and finance formulas on arrays.
"""

from __future__ import annotations

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
from econ.io.serialize import finite_or_none, json_ready
from econ.model.scenario import Scenario
from econ.serving.capacity import Capacity


@dataclass(frozen=True)
class HeadlineItem:
    """One headline number: the Evaluation attribute, its label and help for people, how it is formatted,
    and which way is better (the app colours a change by it)."""

    name: str
    label: str
    kind: str  # a key of econ.io.formats.FORMATTERS
    help: str
    lower_is_better: bool

    def label_for(self, scenario: Scenario) -> str:
        """The label with the scenario's own rate or horizon where the number depends on it."""
        if self.name == "npv_usd":
            return f"NPV at {scenario.annual_discount_rate:.0%}/year"
        if self.name == "total_savings_usd":
            return f"Savings over {scenario.horizon_months} months (after upfront)"
        return self.label


# The headline, defined once: the CLI table, the JSON, the app's metrics, comparison and report read it.
HEADLINE = (
    HeadlineItem("payback_months", "Payback", "months", "Months until cumulative savings repay the upfront spend "
                 "(interpolated inside the month).", True),
    HeadlineItem("discounted_payback_months", "Discounted payback", "months", "Payback of the discounted savings.",
                 True),
    HeadlineItem("npv_usd", "NPV", "usd", "Net present value of distilling over the horizon, upfront spend included.",
                 False),
    HeadlineItem("irr_annual", "IRR (per year)", "irr", "The yearly discount rate at which the NPV is zero.",
                 False),
    HeadlineItem("roi", "ROI", "percent", "NPV ÷ the present value of the distilled path's costs (Forrester TEI).",
                 False),
    HeadlineItem("total_savings_usd", "Savings over the horizon (after upfront)", "usd",
                 "Teacher cost minus student cost over the horizon, after the upfront spend (undiscounted).", False),
    HeadlineItem("breakeven_requests_per_day", "Break-even volume", "per_day",
                 "Lowest steady daily volume at which a month on the student costs less than on the teacher.", True),
    HeadlineItem("upfront_usd", "Upfront spend", "usd", "Data generation, training, evaluation and engineering.",
                 True),
    HeadlineItem("teacher_usd_per_mtok_served", "Teacher cost per 1M tokens", "usd_precise",
                 "All-in teacher cost over the horizon ÷ the teacher's tokens served.", True),
    HeadlineItem("student_usd_per_mtok_served", "Student cost per 1M tokens", "usd_precise",
                 "All-in distilled-system cost (serving, fallback, re-distillation, monitoring, errors, router) over "
                 "the horizon ÷ the student's tokens served; upfront spend excluded.", True),
    HeadlineItem("teacher_usd_per_kreq", "Teacher cost per 1k requests", "usd_precise",
                 "All-in teacher cost over the horizon ÷ thousands of requests.", True),
    HeadlineItem("student_usd_per_kreq", "Student cost per 1k requests", "usd_precise",
                 "All-in distilled-system cost over the horizon ÷ thousands of requests; upfront spend excluded.", True),
)
HEADLINE_KEYS = tuple(item.name for item in HEADLINE)
HEADLINE_BY_NAME = {item.name: item for item in HEADLINE}
# Standing caveats: true of a scenario until someone measures, not a call to act now. The app gathers them
# in one "Assumptions to check" box; every other warning stays in view.
# A distillation run's phase lines ("student training: … : 14.89 GPU-hours", "logit storage: … GB-month")
# say how each upfront number was derived: standing caveats too.
CAVEAT_MARKERS = ("capacity comes from an estimated profile", "quality was not measured on production traffic",
                  "is an assumption", "teacher errors among fallbacks are assumed", " GPU-hours",
                  "/GB-month")


def is_caveat(warning: str) -> bool:
    """Whether a warning is a standing caveat (estimated profile, unmeasured quality), not a call to act."""
    return any(marker in warning for marker in CAVEAT_MARKERS)


MONTHLY_JSON_COLUMNS = ("month", "requests", "teacher_usd", "student_usd", "savings_usd", "cumulative_usd", "replicas")


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
    teacher_usd_per_mtok_served: float | None  # None: no requests over the horizon (nothing to divide by)
    student_usd_per_mtok_served: float | None
    teacher_usd_per_kreq: float | None
    student_usd_per_kreq: float | None
    student_requests_per_s_per_replica: float | None
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
            "student_requests_per_s_per_replica": self.student_requests_per_s_per_replica,
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
        "teacher_replicas": flows.teacher_replicas[0],
        "fallback_replicas": flows.fallback_replicas[0],
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
    payback = finite_or_none(finance.payback_periods(upfront, savings)[0])
    discounted_payback = finite_or_none(finance.payback_periods(upfront, savings * flows.discount_factor)[0])
    npv_usd = float(finance.npv(upfront, savings, rate)[0])
    irr = finite_or_none(finance.annualize(finance.irr_per_period(upfront, savings)[0]))
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
        roi=finite_or_none(finance.roi(npv_usd, pv_costs)),
        total_savings_usd=float(savings[0].sum()) - upfront,
        breakeven_requests_per_day=breakeven,
        upfront_usd=upfront,
        upfront_lines_usd=up.lines_usd(),
        # Each side's cost per token is over its own tokens (its overrides, else the workload's).
        teacher_usd_per_mtok_served=per(per_request("teacher_usd"), TOKENS_PER_MTOK / _tokens(x.teacher)),
        student_usd_per_mtok_served=per(per_request("student_usd"), TOKENS_PER_MTOK / _tokens(x.student)),
        teacher_usd_per_kreq=per(per_request("teacher_usd"), REQUESTS_PER_KREQ),
        student_usd_per_kreq=per(per_request("student_usd"), REQUESTS_PER_KREQ),
        student_requests_per_s_per_replica=student_cap.requests_per_s_per_replica if student_cap else None,
        student_capacity_source=student_cap.source if student_cap else None,
        warnings=_warnings(scenario, derivation, table, payback, breakeven) + up.notes,
        teacher_capacity=derivation.teacher_capacity,
        student_capacity=student_cap,
    )


def _tokens(side: SideInputs) -> float:
    return float(side.input_tokens[0] + side.output_tokens[0])


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
