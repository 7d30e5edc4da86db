"""One task's scenario: the screen's template with that task's traffic, workload and teacher price.

Imports `econ.model.scenario`, `econ.serving.capacity`, `econ.chain.inputs` and `econ.model.prices`. What changes per task:
- `traffic`: requests/day = the mean of the last `LEVEL_DAYS` (28) days; monthly growth = the projected one (the fitted
  growth where its interval excludes 0, else 0: `econ.portfolio.judgment`), at no more than
  `MAX_PROJECTED_MONTHLY_GROWTH`; peak-to-average the task's own where the row has one, else the template's;
  the teacher's cached-input share the task's own where the log counts cached tokens;
- `workload`: the task's mean input and output tokens per request (whole tokens);
- `distillation.data_generation_usd`: a `DataGeneration` keeps its examples and batch flag, at the task's
  own tokens per request (prompt = its input, completion = its output), priced by the task's teacher;
- `teacher`: an API priced at the task's effective $/request from the log (`usd`, or `model` and the
  price table): the listed input/output/cached prices (the task's model, else the template's API teacher)
  scaled by one factor, so the ratio of input to output price is kept and in × p_in + out × p_out equals
  the log's $/request exactly; with no listed prices, one flat per-token price. The cached-input share is 0,
  as when the log is priced by `model` (`econ.traffic.usage`): one share for both, so list prices stay list.
  An unpriced log keeps the template's teacher (a self-hosted one is sized for the task's volume);
- `student`: a typed capacity (requests/s per replica) is scaled by the template's output tokens ÷ the
  task's (decode dominates serving time, as in `econ.chain.spend`); a profile's operating point is kept.
The template's own traffic series and seasonality and per-side token overrides describe the template's
task, not the screened ones, so they are dropped (with a warning). Profiles are read once and embedded,
so every written scenario is self-contained.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from econ.base.units import LEVEL_DAYS, TOKENS_PER_MTOK
from econ.chain.inputs import api_usd_per_request
from econ.model.prices import api_price
from econ.model.scenario import (
    ApiServing,
    DataGeneration,
    Scenario,
    SelfHostedServing,
    Traffic,
    TrainingRun,
    Workload,
    token_counts,
)
from econ.serving.capacity import profile_of

# Fitted growth is compounded over the whole horizon: +40%/month (a launch ramp) for 24 months would
# promise 3,000× today's traffic. +10%/month is 3.1× a year, already a fast-growing product.
MAX_PROJECTED_MONTHLY_GROWTH = 0.10
MIN_PROJECTED_MONTHLY_GROWTH = -0.99  # the traffic model needs growth > −1
# A log priced by `model` reproduces the list price up to float rounding (1e-16); within a billionth
# (a millionth of a cent on $1,000) it is the list price.
UNSCALED_PRICE_TOLERANCE = 1e-9


@dataclass(frozen=True)
class Template:
    """The template scenario made ready for the screen, and what was changed in it."""

    scenario: Scenario
    priced: bool  # the log prices the teacher
    student_output_tokens: int  # the output tokens the template's typed student capacity was given for
    warnings: tuple[str, ...]

    @classmethod
    def of(cls, scenario: Scenario, priced: bool) -> Template:
        """Embed profiles, drop the template's own traffic shape and per-side token overrides."""
        warnings = []
        traffic = scenario.traffic
        if traffic.monthly_requests is not None or traffic.seasonality is not None:
            warnings.append("template: its traffic.monthly_requests / seasonality describe its own task; "
                            "each screened task uses its fitted level and growth instead")
            traffic = traffic.model_copy(update={"monthly_requests": None, "seasonality": None, "start_month": 1})
        student_out = token_counts(scenario.student, scenario.workload)[1]
        sides = {}
        for name in ("teacher", "student"):
            side = getattr(scenario, name)
            if side.input_tokens is not None or side.output_tokens is not None:
                warnings.append(f"template: {name}.input_tokens/output_tokens override the template's workload; "
                                "the screen uses each task's measured tokens for both sides")
            side = side.model_copy(update={"input_tokens": None, "output_tokens": None})
            if isinstance(side, SelfHostedServing) and isinstance(side.profile, str):
                side = side.model_copy(update={"profile": profile_of(side.profile, name)})
            if isinstance(side, SelfHostedServing) and side.profile is not None and (name == "student" or not priced):
                shape = side.profile.workload
                how = "measured" if side.profile.provenance == "measured" else "estimated (not measured)"
                warnings.append(f"template: {name} capacity comes from a profile {how} at "
                                f"{shape.input_tokens} in / {shape.output_tokens} out tokens; it is kept for "
                                "every task's token mix")
            sides[name] = side
        dist = scenario.distillation
        if dist.redistill_fraction_of_upfront is not None:
            # The default redistill_usd would be written out beside the fraction, and the written file
            # would then be refused ("not both"): the fraction decides, so the typed default goes.
            dist = dist.model_copy(update={"redistill_usd": None})
        run = dist.training_usd
        if isinstance(run, TrainingRun) and isinstance(run.profile, str):
            dist = dist.model_copy(update={"training_usd": run.model_copy(
                update={"profile": profile_of(run.profile, "distillation.training_usd")})})
        if priced and isinstance(sides["teacher"], ApiServing) and sides["teacher"].cached_input_share > 0:
            # The log's $/request holds whatever caching it had; a log priced by `model` is priced with no
            # cached share (econ.traffic.usage). One share for both, or the list prices get scaled to match.
            warnings.append("template: teacher.cached_input_share describes its own task's prompts; a screened "
                            "task's teacher is priced from its log with no cached share")
            sides["teacher"] = sides["teacher"].model_copy(update={"cached_input_share": 0.0})
        if not priced and isinstance(scenario.teacher, SelfHostedServing):
            warnings.append("the log has no usd or model column: each task keeps the template's self-hosted "
                            "teacher, sized for its own volume")
        prepared = scenario.model_copy(update={"traffic": traffic, "distillation": dist, **sides})
        return cls(prepared, priced, student_out, tuple(warnings))


def _scaled_teacher(template: Template, model: str | None, in_tok: int, out_tok: int,
                    usd_per_request: float, cached_share: float | None = None) -> ApiServing:
    base = template.scenario.teacher
    if model is not None:
        row = api_price(model)
        # the log's own cached share where it counts cached tokens, else none: a log priced without a
        # cached share is not scaled to the template's (the list prices stay list prices)
        share = cached_share if cached_share is not None else 0.0
        listed = ApiServing(
            name=model, input_usd_per_mtok=row.input_usd_per_mtok, output_usd_per_mtok=row.output_usd_per_mtok,
            cached_input_usd_per_mtok=row.cached_input_usd_per_mtok,
            cached_input_share=share if row.cached_input_usd_per_mtok is not None else 0.0,
            batch_discount=row.batch_discount,
            annual_price_decline=base.annual_price_decline if isinstance(base, ApiServing) else 0.0)
    elif isinstance(base, ApiServing):
        listed = base if cached_share is None else base.model_copy(update={"cached_input_share": cached_share})
    else:
        flat = usd_per_request / (in_tok + out_tok) * TOKENS_PER_MTOK
        return ApiServing(name="teacher (priced from the log)", input_usd_per_mtok=flat, output_usd_per_mtok=flat,
                          batch_discount=0.0)
    list_price = api_usd_per_request(listed, in_tok, out_tok)
    if list_price <= 0:
        flat = usd_per_request / (in_tok + out_tok) * TOKENS_PER_MTOK
        return listed.model_copy(update={"input_usd_per_mtok": flat, "output_usd_per_mtok": flat,
                                         "cached_input_share": 0.0})
    k = usd_per_request / list_price
    if abs(k - 1.0) < UNSCALED_PRICE_TOLERANCE:  # the log paid list price: keep $3.00, not $2.9999999999
        k = 1.0
    cached = listed.cached_input_usd_per_mtok
    return ApiServing.model_validate({
        **listed.model_dump(), "input_usd_per_mtok": listed.input_usd_per_mtok * k,
        "output_usd_per_mtok": listed.output_usd_per_mtok * k,
        "cached_input_usd_per_mtok": None if cached is None else cached * k,
    })


def _student(template: Template, out_tok: int):
    student = template.scenario.student
    if isinstance(student, SelfHostedServing) and student.requests_per_s_per_replica is not None:
        scaled = student.requests_per_s_per_replica * template.student_output_tokens / out_tok
        return student.model_copy(update={"requests_per_s_per_replica": scaled})
    return student


def task_scenario(template: Template, task: str, row: pd.Series, model: str | None,
                  end_date: pd.Timestamp) -> Scenario:
    """The scenario of one task from its statistics row (see `econ.traffic.usage_stats`)."""
    base = template.scenario
    in_tok = max(1, round(float(row["input_tokens"])))
    out_tok = max(1, round(float(row["output_tokens"])))
    fitted = float(row.get("projected_growth", row["monthly_growth"]))
    growth = min(max(fitted, MIN_PROJECTED_MONTHLY_GROWTH), MAX_PROJECTED_MONTHLY_GROWTH)
    own = {"peak_to_average": float(row["peak_to_average"])} if "peak_to_average" in row else {}
    traffic = Traffic.model_validate({**base.traffic.model_dump(), "requests_per_day": float(row["requests_per_day"]),
                                      "monthly_growth": growth, **own})
    teacher = base.teacher
    cached = row.get("cached_input_share")
    cached = None if cached is None or pd.isna(cached) else float(cached)
    if template.priced:
        teacher = _scaled_teacher(template, model, in_tok, out_tok, float(row["usd_per_request"]), cached)
    description = (f"Task {task!r} screened from its usage log: {int(row['days'])} days to {end_date.date()}, "
                   f"{float(row['requests_per_day']):,.0f} requests/day (mean of the last {LEVEL_DAYS} days), fitted growth "
                   f"{float(row['monthly_growth']):+.2%}/month, {in_tok} in / {out_tok} out tokens per request. "
                   f"Template: {base.name}.")
    return base.model_copy(update={
        "name": task, "description": description[:5000], "workload": Workload(input_tokens=in_tok, output_tokens=out_tok),
        "traffic": traffic, "teacher": teacher, "student": _student(template, out_tok),
        "distillation": own_data_generation(base.distillation, in_tok, out_tok),
    })


def own_data_generation(dist, in_tok: int, out_tok: int):
    """The template's teacher-generated data at the task's own token mix: its examples count and batch
    flag kept, each example `in_tok` prompt and `out_tok` completion tokens (the task's mean per request).
    A typed USD amount is kept as typed."""
    gen = dist.data_generation_usd
    if not isinstance(gen, DataGeneration):
        return dist
    own = gen.model_copy(update={"prompt_tokens": in_tok, "completion_tokens": out_tok})
    return dist.model_copy(update={"data_generation_usd": own})
