"""The verdict: "Distil", "Don't distil" or "Not yet decidable", with its reason in words. The one decision
function that the app's first screen, the Risk page, `econ evaluate`, `econ risk`, the report and the
portfolio use.

Imports the `econ` modules below it (model, chain, evidence) and `econ.risk`'s decision, Monte Carlo and
words. The rule, in order:

1. **Not yet decidable** when a decisive input is missing: no cost per wrong answer stated
   (`quality.usd_per_error`); errors priced but no error rate given (both 0, no graded samples); a
   capacity read from an *estimated* profile whose operating point uses `TIGHT_SLO_SHARE` or more of a
   latency SLO (a typical estimate error moves it across the limit). Each missing input is named with
   its scenario field and its sidebar label.
2. **Don't distil** when it never pays as typed (no payback within the horizon, or NPV ≤ 0), when staying
   or swapping costs less (`econ.risk.decision`), or when the Monte Carlo, which includes the chance
   that the student never reaches the quality bar, gives NPV > 0 a chance below `MIN_CONFIDENCE`.
3. **Distil** otherwise, with the payback, the confidence and what the quality rests on.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

from econ.chain.evaluate import Evaluation, evaluate
from econ.chain.inputs import numeric_inputs
from econ.io.formats import usd
from econ.io.serialize import json_ready
from econ.model.labels import field_name
from econ.model.plausibility import input_flags
from econ.model.quality import ERROR_COST_LABEL, Quality
from econ.model.scenario import Scenario, SelfHostedServing
from econ.risk.decision import Decision, decide
from econ.risk.levers import settings_of
from econ.risk.simulation import MonteCarlo, bar_is_measured, monte_carlo
from econ.risk.words import chance_words
from econ.serving.capacity import Capacity

Call = Literal["distil", "dont_distil", "undecidable"]
LABELS: dict[str,
             str] = {"distil": "Distil", "dont_distil": "Don't distil", "undecidable": "Not yet decidable"}
# "More likely than not": below an even chance of a positive NPV, distilling is a bet, not a plan. The
# reason states the chance itself, so a reader who wants 8 in 10 sees whether it is there.
MIN_CONFIDENCE = 0.5
# An estimated operating point at 80% of a latency limit or above is tight: the estimator's efficiencies
# are published defaults, typically 20-25% off a measurement (1 / 1.25 = 0.8), enough to cross the limit.
TIGHT_SLO_SHARE = 0.8
# Draws of the verdict's Monte Carlo when the scenario's risk block does not set its own: P(NPV > 0)
# to about ±1 percentage point, fast enough to run on every edit.
VERDICT_DRAWS = 4_000


@dataclass(frozen=True)
class MissingInput:
    """A decisive input the scenario does not give: its field path, its sidebar label and why it decides."""

    field: str
    label: str
    why: str

    def where(self) -> str:
        """'Cost of one wrong answer (USD/error) (scenario field quality.usd_per_error)'."""
        return f"{self.label} (scenario field {self.field})"


@dataclass(frozen=True)
class Verdict:
    """The answer in one line: the call, its reason, and what is missing when it cannot be made."""

    call: Call
    reason: str
    missing: tuple[MissingInput, ...] = ()
    confidence: float | None = None  # P(NPV > 0) over the Monte Carlo, the student's failure included
    p_student_fails: float | None = None
    quality_basis: str = ""

    @property
    def label(self) -> str:
        return LABELS[self.call]

    def line(self) -> str:
        """'Distil: pays back in 2.3 months with 8 in 10 confidence; on cost alone; errors not priced.'"""
        return f"{self.label}: {self.reason}."

    def to_dict(self) -> dict:
        return json_ready({
            "call": self.call, "label": self.label, "reason": self.reason, "line": self.line(),
            "confidence": self.confidence, "p_student_fails": self.p_student_fails,
            "quality_basis": self.quality_basis,
            "missing": [{"field": m.field, "label": m.label, "why": m.why} for m in self.missing],
        })


def _label(model, name: str) -> str:
    """A field's sidebar label: its description up to the first ';' or '.', as the app's form shows it."""
    text = (model.model_fields[name].description or name).strip().rstrip(".")
    return text.split("; ")[0]


def tight_capacity(side: str, serving, capacity: Capacity | None) -> MissingInput | None:
    """An estimated operating point within TIGHT_SLO_SHARE of a latency limit: measure it or type it."""
    if not isinstance(serving, SelfHostedServing) or serving.slo is None or capacity is None:
        return None
    point = capacity.point
    if point is None or point.provenance != "estimated":
        return None
    shares = [
        (point.ttft_ms_p99 / limit, f"{limit:,.0f} ms TTFT") for limit in [serving.slo.ttft_ms_p99] if limit]
    shares += [
        (point.tpot_ms_p99 / limit, f"{limit:,.0f} ms TPOT") for limit in [serving.slo.tpot_ms_p99] if limit]
    share, limit = max(shares, default=(0.0, ""))
    if share < TIGHT_SLO_SHARE:
        return None
    return MissingInput(f"{side}.profile", f"{side.capitalize()} profile", (
        f"the {side}'s capacity comes from an estimated profile whose {point.describe()} uses {share:.0%} "
        f"of the {limit} SLO: an estimate this close to the limit can be off by a batch size; measure it "
        "(python -m profiles) or type a measured capacity"))


def missing_inputs(scenario: Scenario, result: Evaluation) -> tuple[MissingInput, ...]:
    """The decisive inputs the scenario does not give, most decisive first."""
    q = scenario.quality
    out = []
    if not q.error_cost_stated:
        out.append(MissingInput("quality.usd_per_error", ERROR_COST_LABEL, (
            "no cost per wrong answer is stated: give one in USD, or \"not_priced\" to decide on cost "
            "alone")))
    elif (
        q.usd_per_error_value > 0
        and q.evidence is None
        and q.student_error_rate == 0 == q.teacher_error_rate
    ):
        out.append(MissingInput("quality.student_error_rate", _label(Quality, "student_error_rate"), (
            "errors are priced but no error rate is given: give the student's and the teacher's error rates, "
            "or grade samples on the Quality page")))
    for side in ("student", "teacher"):
        found = tight_capacity(side, getattr(scenario, side), getattr(result, f"{side}_capacity"))
        if found is not None:
            out.append(found)
    return tuple(out)


def quality_basis(scenario: Scenario) -> str:
    """What the error cost rests on: 'quality priced from 600 production samples', 'on cost alone; ...'."""
    q = scenario.quality
    if not q.error_cost_stated:
        return "errors not yet priced"
    if not q.errors_priced:
        return "on cost alone; errors not priced"
    if q.usd_per_error_value == 0:
        return "errors priced at $0"
    price = f"errors at {usd(q.usd_per_error_value)} each"
    if q.evidence is None:
        return f"{price}, error rates typed (not measured)"
    _, derivation = numeric_inputs(scenario)
    production = derivation.quality.evidence.production
    if production is not None and production.rows > 0:
        return f"quality priced from {production.rows:,} production samples ({price})"
    return f"quality priced from graded samples, none from production ({price})"


def failure_chance(scenario: Scenario) -> float:
    """The chance that the student never reaches the bar: the stated prior (quality.p_student_fails), or,
    with graded evidence that measures the bar, the share of the verdict's Monte Carlo draws that fail."""
    if not bar_is_measured(scenario, numeric_inputs(scenario)[1]):
        return scenario.quality.p_student_fails
    return monte_carlo(scenario, draws=VERDICT_DRAWS).p_student_fails


def _confidence_words(p: float) -> str:
    return chance_words(p).replace(" chance", " confidence")


@dataclass(frozen=True)
class VerdictInputs:
    """Everything the rule reads, already computed: from one scenario (`verdict`) or, for each task of a
    portfolio, from the screen's vectorized evaluation and its per-task Monte Carlo (`econ.portfolio`)."""

    horizon_months: int
    payback_months: float | None  # as typed (the point estimate); None: no payback within the horizon
    npv_usd: float
    confidence: float  # P(NPV > 0) over the Monte Carlo, the draws whose student fails included
    p_student_fails: float
    quality_basis: str
    missing: tuple[MissingInput, ...] = ()
    why_not: str | None = None  # a reason not to distil the caller already knows (a cheaper swap, no traffic)
    doubtful: tuple[str, ...] = ()  # fields beyond their plausibility band


def verdict(scenario: Scenario, result: Evaluation | None = None, mc: MonteCarlo | None = None,
            decision: Decision | None = None) -> Verdict:
    """The verdict on a scenario (its evaluation, Monte Carlo and decision are computed when not given).

    Gathers the `VerdictInputs` and applies the one rule, `verdict_from`. An input beyond its plausibility
    band (econ.model.plausibility) adds "check … first" to the reason.
    """
    result = result or evaluate(scenario)
    basis = quality_basis(scenario)
    doubtful = tuple(sorted({field for flag in input_flags(scenario) for field in flag.fields}))
    common = {"horizon_months": scenario.horizon_months, "payback_months": result.payback_months,
              "npv_usd": result.npv_usd, "quality_basis": basis, "doubtful": doubtful}
    missing = missing_inputs(scenario, result)
    if missing:
        return verdict_from(VerdictInputs(confidence=0.0, p_student_fails=0.0, missing=missing, **common))
    decision = decision or decide(scenario)
    if mc is None:
        settings = settings_of(scenario)
        mc = monte_carlo(scenario, settings, draws=min(settings.draws, VERDICT_DRAWS))
    swap = decision.reasons[0] if decision.recommendation == "swap" else None
    return verdict_from(VerdictInputs(confidence=mc.p_npv_positive, p_student_fails=mc.p_student_fails,
                                      why_not=swap, **common))


def verdict_from(v: VerdictInputs) -> Verdict:
    """The rule (module doc): missing input → Not yet decidable; never pays, a cheaper option or less than
    `MIN_CONFIDENCE` → Don't distil; else Distil."""
    answer = _rule(v)
    if not v.doubtful:
        return answer
    names = ", ".join(dict.fromkeys(field_name(field) for field in v.doubtful))  # the sidebar's words
    return replace(answer, reason=f"{answer.reason}; but check {names} first (beyond the plausible range)")


def _not_paying(v: VerdictInputs) -> str | None:
    """Why distilling does not pay as typed, or None when it does."""
    if v.why_not is not None:
        return v.why_not
    if v.payback_months is None or v.npv_usd <= 0:
        when = (f"does not pay back within {v.horizon_months} months" if v.payback_months is None
                else f"pays back in {v.payback_months:.1f} months")
        return f"{when} as typed; NPV {usd(v.npv_usd)}"
    return None


def _rule(v: VerdictInputs) -> Verdict:
    basis, missing = v.quality_basis, v.missing
    if missing:
        more = f" (and {len(missing) - 1} more input{'s' if len(missing) > 2 else ''})" if len(
            missing) > 1 else ""
        return Verdict("undecidable", f"{missing[0].why}{more}", missing, quality_basis=basis)
    why_not = _not_paying(v)
    p, fails = v.confidence, v.p_student_fails
    failure = f"{chance_words(fails)} that the student never reaches the quality bar"
    if why_not is not None:
        return Verdict("dont_distil", f"{why_not}; {basis}", confidence=p, p_student_fails=fails,
                       quality_basis=basis)
    payback = f"pays back in {v.payback_months:.1f} months as typed"
    if p < MIN_CONFIDENCE:
        return Verdict("dont_distil",
                       f"{payback}, but only {chance_words(p)} of a positive NPV ({failure}); {basis}",
                       confidence=p, p_student_fails=fails, quality_basis=basis)
    return Verdict("distil", f"pays back in {v.payback_months:.1f} months with {_confidence_words(p)} "
                   f"({failure}); {basis}", confidence=p, p_student_fails=fails, quality_basis=basis)
