"""Portfolio screen: every task of a usage log scored as its own distillation scenario, ranked, with verdicts.

Imports numpy, pandas and the `econ` modules of the chain. Each task's scenario is the template with
the task's traffic (today's requests/day, fitted growth), workload (mean tokens per request) and teacher
price (the effective $/request from the log, else the template's teacher); student, distillation and
quality come from the template (`econ.portfolio.template`). All tasks are scored in one vectorized
`evaluate_many` call. Break-even volume does not depend on a task's volume or growth, so the exact
staircase solver (`econ.chain.breakeven`, about 0.4 ms) runs once per distinct set of steady-month inputs.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

from econ.base.units import REQUESTS_PER_KREQ, WEEK_DAYS
from econ.chain.evaluate import evaluate, evaluate_many
from econ.chain.inputs import numeric_inputs
from econ.io.files import slug
from econ.io.formats import usd
from econ.io.serialize import finite_or_none, json_ready
from econ.model.plausibility import input_flags
from econ.model.scenario import Scenario
from econ.model.scenario_files import save_scenario
from econ.portfolio.batch import breakevens, stack_inputs
from econ.portfolio.budget import choose_within_budget
from econ.portfolio.judgment import growth_reason, level_reason, npv_reason, peak_reason, projected
from econ.portfolio.task_risk import npv_range
from econ.portfolio.template import (
    MAX_PROJECTED_MONTHLY_GROWTH,
    MIN_PROJECTED_MONTHLY_GROWTH,
    Template,
    task_scenario,
)
from econ.portfolio.verdicts import Facts, Shared, cautions, task_verdict, unscored_verdict
from econ.risk.verdict import failure_chance, missing_inputs, quality_basis
from econ.traffic.forecast import MIN_HISTORY_DAYS
from econ.traffic.usage import UsageLog
from econ.traffic.usage_stats import TREND_DAYS, TaskStats, task_stats

DISTIL = "distil"  # econ.risk.verdict's call for the distil set
TASK_KEYS = ("task", "days", "requests_per_day", "monthly_growth", "growth_low", "growth_high", "projected_growth",
             "volatility", "peak_to_average", "input_tokens", "output_tokens", "cached_input_share",
             "teacher_usd_per_month", "data_generation_usd", "upfront_usd", "payback_months", "npv_p10_usd",
             "npv_usd", "npv_p90_usd", "confidence", "breakeven_requests_per_day", "verdict", "verdict_label",
             "reasons")


@dataclass(frozen=True)
class TaskScore:
    """One task's row of the screen; `scenario` is None for a task that was not scored."""

    task: str
    days: int
    requests_per_day: float
    monthly_growth: float | None
    volatility: float | None
    input_tokens: float | None
    output_tokens: float | None
    teacher_usd_per_month: float | None  # the log's: today's level × 730/24 days × $/request; None unpriced
    payback_months: float | None
    npv_usd: float | None
    breakeven_requests_per_day: float | None
    verdict: str
    reasons: tuple[str, ...]
    upfront_usd: float | None
    student_usd_per_kreq: float | None
    scenario: Scenario | None
    growth_low: float | None = None  # the fitted growth's 95% interval
    growth_high: float | None = None
    projected_growth: float | None = None  # what the scenario projects: the fitted growth, or 0 when not shown
    peak_to_average: float | None = None
    cached_input_share: float | None = None
    npv_p10_usd: float | None = None  # the low side the ranking uses
    npv_p90_usd: float | None = None
    verdict_label: str = ""  # "Distil", "Don't distil", "Not yet decidable" (econ.risk.verdict.LABELS)
    confidence: float | None = None  # P(NPV > 0), the student's failure included (the verdict's)
    data_generation_usd: float | None = None  # inside upfront_usd: the teacher data at the task's token mix

    def to_dict(self) -> dict:
        """The public JSON row (exactly TASK_KEYS)."""
        row = {key: getattr(self, key) for key in TASK_KEYS}
        return json_ready({**row, "reasons": list(self.reasons)})


@dataclass(frozen=True)
class Screen:
    """Ranked tasks, the distil set's totals, the chosen tasks (within a budget when given), warnings."""

    tasks: tuple[TaskScore, ...]
    chosen: tuple[str, ...]
    left_out: tuple[str, ...]  # distil tasks the budget left out
    budget_usd: float | None
    warnings: tuple[str, ...]
    recent_daily: pd.DataFrame  # last days of requests, one column per task

    @property
    def distil(self) -> tuple[TaskScore, ...]:
        return tuple(t for t in self.tasks if t.verdict == DISTIL)

    @property
    def distil_npv_usd(self) -> float:
        return float(sum(t.npv_usd for t in self.distil))

    @property
    def distil_upfront_usd(self) -> float:
        return float(sum(t.upfront_usd for t in self.distil))

    def to_dict(self) -> dict:
        """The public JSON contract: tasks, portfolio, warnings."""
        return json_ready({
            "tasks": [t.to_dict() for t in self.tasks],
            "portfolio": {"distil_npv_usd": self.distil_npv_usd, "distil_upfront_usd": self.distil_upfront_usd,
                          "chosen": list(self.chosen)},
            "warnings": list(self.warnings),
        })

    def to_frame(self) -> pd.DataFrame:
        """One row per task in rank order, with upfront, student cost per 1k requests and reasons joined."""
        rows = [{**t.to_dict(), "student_usd_per_kreq": t.student_usd_per_kreq,
                 "chosen": t.task in self.chosen, "reasons": "; ".join(t.reasons)} for t in self.tasks]
        return pd.DataFrame(rows, columns=[*TASK_KEYS, "student_usd_per_kreq", "chosen"])


def _facts(row: pd.Series, scenario: Scenario, payback, npv: float, be, spread: tuple[float, float]) -> Facts:
    """`spread`: the task's P10 NPV and P(NPV > 0) from its own Monte Carlo."""
    p10, positive = spread
    doubtful = tuple(sorted({field for flag in input_flags(scenario) for field in flag.fields}))
    return Facts(days=int(row["days"]), requests_per_day=float(row["requests_per_day"]),
                 volatility=float(row["volatility"]), payback_months=payback, npv_usd=npv,
                 breakeven_requests_per_day=be, horizon_months=scenario.horizon_months,
                 fitted_growth=float(row["monthly_growth"]), projected_growth=scenario.traffic.monthly_growth,
                 npv_p10_usd=p10, p_npv_positive=positive, growth_significant=bool(row["growth_significant"]),
                 doubtful=doubtful)


def shared_judgment(scenario: Scenario) -> Shared:
    """What the verdict of every task shares through the template, from one task's scenario (they differ
    only in traffic, workload and teacher price, none of which these read)."""
    return Shared(quality_basis(scenario), failure_chance(scenario),
                  missing_inputs(scenario, evaluate(scenario)))


def _risk_fit(frame: pd.DataFrame) -> dict[str, np.ndarray]:
    weeks = np.minimum(frame["days"].to_numpy(), TREND_DAYS) // WEEK_DAYS
    return {"level_se": frame["level_se"].to_numpy(), "slope_se": frame["growth_slope_se"].to_numpy(),
            "residual_days": np.where(frame["volatility"].notna(), weeks * WEEK_DAYS, np.nan)}


def _scored(stats: TaskStats, template: Template, tasks: list[str], models: dict[str, str],
            shape: pd.DataFrame | None) -> tuple[list[TaskScore], Shared]:
    p2a = template.scenario.traffic.peak_to_average
    frame = stats.frame.loc[tasks].join(projected(stats.frame.loc[tasks], shape, p2a))
    scenarios = [task_scenario(template, task, frame.loc[task], models.get(task), stats.end_date) for task in tasks]
    numeric = [numeric_inputs(s) for s in scenarios]
    inputs = [x for x, _ in numeric]
    stacked = stack_inputs(inputs)
    many = evaluate_many(stacked)  # every task in one vectorized evaluation
    bounds = (MIN_PROJECTED_MONTHLY_GROWTH, MAX_PROJECTED_MONTHLY_GROWTH)
    spread = npv_range(stacked, tasks, _risk_fit(frame), bounds)
    shared = shared_judgment(scenarios[0])
    flows = many.flows
    with np.errstate(divide="ignore", invalid="ignore"):
        student_per_kreq = flows.student_usd.sum(axis=1) / flows.requests.sum(axis=1) * REQUESTS_PER_KREQ
    out = []
    for i, (task, scenario, be) in enumerate(zip(tasks, scenarios, breakevens(inputs), strict=True)):
        row = frame.loc[task]
        payback = finite_or_none(many.payback_months[i])
        facts = _facts(row, scenario, payback, float(many.npv_usd[i]), be,
                       (float(spread.p10[i]), float(spread.p_positive[i])))
        answer = task_verdict(facts, shared)
        judged = (level_reason(row), growth_reason(row), peak_reason(row, p2a),
                  npv_reason(facts.npv_usd, spread.p10[i], spread.p50[i], spread.p90[i], spread.draws))
        out.append(TaskScore(
            task=task, days=facts.days, requests_per_day=facts.requests_per_day,
            monthly_growth=facts.fitted_growth, volatility=finite_or_none(row["volatility"]),
            input_tokens=float(row["input_tokens"]), output_tokens=float(row["output_tokens"]),
            teacher_usd_per_month=finite_or_none(row["teacher_usd_per_month"]), payback_months=payback,
            npv_usd=facts.npv_usd, breakeven_requests_per_day=be, verdict=answer.call,
            reasons=(answer.reason, *cautions(facts), *judged),
            upfront_usd=float(flows.upfront_usd[i, 0]), student_usd_per_kreq=finite_or_none(student_per_kreq[i]),
            scenario=scenario, growth_low=finite_or_none(row["growth_low"]), growth_high=finite_or_none(row["growth_high"]),
            projected_growth=scenario.traffic.monthly_growth, peak_to_average=scenario.traffic.peak_to_average,
            cached_input_share=finite_or_none(row["cached_input_share"]), npv_p10_usd=float(spread.p10[i]),
            npv_p90_usd=float(spread.p90[i]), verdict_label=answer.label, confidence=answer.confidence,
            data_generation_usd=numeric[i][1].upfront.data_generation_usd))
    return out, shared


def _unscored(stats: TaskStats, task: str, min_days: int, shared: Shared) -> TaskScore:
    row = stats.frame.loc[task]
    answer = unscored_verdict(int(row["days"]), min_days, float(row["requests_per_day"]), shared)
    return TaskScore(
        task=task, days=int(row["days"]), requests_per_day=float(row["requests_per_day"]), monthly_growth=None,
        volatility=None, input_tokens=finite_or_none(row["input_tokens"]), output_tokens=finite_or_none(row["output_tokens"]),
        teacher_usd_per_month=finite_or_none(row["teacher_usd_per_month"]), payback_months=None, npv_usd=None,
        breakeven_requests_per_day=None, verdict=answer.call, reasons=(answer.reason,), upfront_usd=None,
        student_usd_per_kreq=None, scenario=None, verdict_label=answer.label)


def _budget(ranked: list[TaskScore], budget_usd: float | None) -> tuple[list[TaskScore], tuple, tuple, list[str]]:
    distil = [t for t in ranked if t.verdict == DISTIL]
    if budget_usd is None:
        return ranked, tuple(t.task for t in distil), (), []
    choice = choose_within_budget([t.npv_p10_usd for t in distil], [t.upfront_usd for t in distil], budget_usd)
    chosen = {distil[i].task for i in choice.chosen}
    left = [t for t in distil if t.task not in chosen]
    warnings = []
    if left:
        warnings.append(f"the {usd(budget_usd)} upfront budget leaves out {len(left)} distil task(s): "
                        + ", ".join(f"{t.task} (upfront {usd(t.upfront_usd)}, NPV {usd(t.npv_usd)})" for t in left))
    if not choice.proven_optimal:
        warnings.append(f"budget choice: the search stopped early; the best total NPV is at most "
                        f"{usd(choice.bound_usd - choice.npv_usd)} above the one chosen")
    note = f"left out by the {usd(budget_usd)} budget: chosen tasks give more NPV for its upfront spend"
    left_names = {t.task for t in left}
    ranked = [replace(t, reasons=(*t.reasons, note)) if t.task in left_names else t for t in ranked]
    return ranked, tuple(t.task for t in ranked if t.task in chosen), tuple(t.task for t in left), warnings


def screen(log: UsageLog, template: Scenario, min_days: int = MIN_HISTORY_DAYS,
           budget_usd: float | None = None, shape: pd.DataFrame | None = None) -> Screen:
    """Score every task of the log with at least `min_days` days of history; rank by P10 NPV; choose within a
    budget. `shape` (index task: peak_to_average_hourly, cached_input_share) gives each task's own peak and
    cache share where the source had them (`UsageTable.screen_shape()`)."""
    prepared = Template.of(template, priced=log.priced)
    stats = task_stats(log)
    frame = stats.frame
    enough = (frame["days"] >= min_days) & (frame["requests_per_day"] > 0) & frame["input_tokens"].notna()
    scored, shared = [], Shared(quality_basis(prepared.scenario), 0.0)
    if enough.any():
        scored, shared = _scored(stats, prepared, list(frame.index[enough]), log.task_models, shape)
    unscored = [_unscored(stats, task, min_days, shared) for task in frame.index[~enough]]
    ranked = sorted(scored, key=lambda t: (-t.npv_p10_usd, t.task)) + sorted(
        unscored, key=lambda t: (-t.requests_per_day, t.task))
    ranked, chosen, left_out, budget_warnings = _budget(ranked, budget_usd)
    warnings = list(prepared.warnings)
    if template.swap is not None:
        warnings.append(f"template: the swap to {template.swap.name} is not compared per task here; "
                        "open a task to see stay, swap and distil side by side")
    if unscored:
        warnings.append(f"{len(unscored)} task(s) not scored (under {min_days} days of history or no requests): "
                        + ", ".join(t.task for t in unscored))
    return Screen(tuple(ranked), chosen, left_out, budget_usd, tuple(warnings + budget_warnings), stats.recent_daily)


def scenario_file_names(tasks: list[str]) -> list[str]:
    """A safe, distinct file name per task: letters, digits, '.', '-' and '_' kept, the rest '-'."""
    names, used = [], set()
    for task in tasks:
        stem = slug(task, "task")
        name, n = f"{stem}.json", 2
        while name.lower() in used:
            name, n = f"{stem}-{n}.json", n + 1
        used.add(name.lower())
        names.append(name)
    return names


def write_scenarios(result: Screen, out_dir: str | Path) -> list[Path]:
    """One scenario JSON per scored task in `out_dir` (created if missing), each written atomically."""
    if not str(out_dir).strip():  # Path("") is the current folder: an empty name must not write there
        raise ValueError("--out-dir: no folder name given")
    folder = Path(out_dir)
    if folder.exists() and not folder.is_dir():
        raise ValueError(f"--out-dir: {folder} exists and is not a folder")
    folder.mkdir(parents=True, exist_ok=True)
    scored = [t for t in result.tasks if t.scenario is not None]
    paths = [folder / name for name in scenario_file_names([t.task for t in scored])]
    for task, path in zip(scored, paths, strict=True):
        save_scenario(task.scenario, path)
    return paths
