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

from econ.base.units import REQUESTS_PER_KREQ
from econ.chain.breakeven import breakeven_requests_per_day
from econ.chain.evaluate import evaluate_many
from econ.chain.inputs import NumericInputs, numeric_inputs, vary
from econ.io.files import slug
from econ.io.formats import usd
from econ.io.serialize import finite_or_none, json_ready
from econ.model.scenario import Scenario
from econ.model.scenario_files import save_scenario
from econ.portfolio.budget import choose_within_budget
from econ.portfolio.judgment import growth_reason, level_reason, npv_reason, peak_reason, projected
from econ.portfolio.task_risk import npv_range
from econ.portfolio.template import (
    MAX_PROJECTED_MONTHLY_GROWTH,
    MIN_PROJECTED_MONTHLY_GROWTH,
    Template,
    task_scenario,
)
from econ.portfolio.verdicts import DISTIL, Facts, unscored_verdict, verdict
from econ.traffic.forecast import MIN_HISTORY_DAYS
from econ.traffic.usage import UsageLog
from econ.traffic.usage_stats import TaskStats, task_stats

TASK_KEYS = ("task", "days", "requests_per_day", "monthly_growth", "growth_low", "growth_high", "projected_growth",
             "volatility", "peak_to_average", "input_tokens", "output_tokens", "cached_input_share",
             "teacher_usd_per_month", "payback_months", "npv_p10_usd", "npv_usd", "npv_p90_usd",
             "breakeven_requests_per_day", "verdict", "reasons")
# Inputs a steady month (break-even) never reads: volume, growth, upfront spend, discounting.
_NOT_IN_STEADY_MONTH = {"months", "annual_discount_rate", "requests_per_day", "monthly_growth", "traffic_scale",
                        "seasonality", "explicit_requests", "upfront_usd"}


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
        rows = [{**t.to_dict(), "upfront_usd": t.upfront_usd, "student_usd_per_kreq": t.student_usd_per_kreq,
                 "chosen": t.task in self.chosen, "reasons": "; ".join(t.reasons)} for t in self.tasks]
        return pd.DataFrame(rows, columns=[*TASK_KEYS, "upfront_usd", "student_usd_per_kreq", "chosen"])


def stack_inputs(inputs: list[NumericInputs]) -> NumericInputs:
    """Many one-variant inputs → one NumericInputs with V = len(inputs) (every (V,) array concatenated)."""
    first = inputs[0]
    arrays = {}
    for name, value in vars(first).items():
        if name in ("teacher", "student"):
            for field, side_value in vars(value).items():
                if isinstance(side_value, np.ndarray):
                    arrays[f"{name}__{field}"] = np.concatenate([getattr(getattr(x, name), field) for x in inputs])
        elif isinstance(value, np.ndarray) and name not in ("seasonality", "explicit_requests"):
            arrays[name] = np.concatenate([getattr(x, name) for x in inputs])
    return vary(first, **arrays)


def _steady_key(x: NumericInputs) -> tuple:
    parts = []
    for name, value in vars(x).items():
        if name in ("teacher", "student"):
            parts += [(name, f, float(v[0])) for f, v in vars(value).items() if isinstance(v, np.ndarray)]
            parts += [(name, "api", value.is_api, value.always_on)]
        elif name not in _NOT_IN_STEADY_MONTH:
            parts.append((name, float(value[0])))
    return tuple(parts)


def breakevens(inputs: list[NumericInputs]) -> list[float | None]:
    """Exact break-even requests/day of each task, solved once per distinct steady-month inputs."""
    solved: dict[tuple, float | None] = {}
    out = []
    for x in inputs:
        key = _steady_key(x)
        if key not in solved:
            solved[key] = breakeven_requests_per_day(x)
        out.append(solved[key])
    return out


def _facts(row: pd.Series, scenario: Scenario, payback, npv: float, be, p10: float) -> Facts:
    return Facts(days=int(row["days"]), requests_per_day=float(row["requests_per_day"]),
                 volatility=float(row["volatility"]), payback_months=payback, npv_usd=npv,
                 breakeven_requests_per_day=be, horizon_months=scenario.horizon_months,
                 fitted_growth=float(row["monthly_growth"]), projected_growth=scenario.traffic.monthly_growth,
                 npv_p10_usd=p10, growth_significant=bool(row["growth_significant"]))


def _scored(stats: TaskStats, template: Template, tasks: list[str], models: dict[str, str],
            shape: pd.DataFrame | None) -> list[TaskScore]:
    p2a = template.scenario.traffic.peak_to_average
    frame = stats.frame.loc[tasks].join(projected(stats.frame.loc[tasks], shape, p2a))
    scenarios = [task_scenario(template, task, frame.loc[task], models.get(task), stats.end_date) for task in tasks]
    inputs = [numeric_inputs(s)[0] for s in scenarios]
    stacked = stack_inputs(inputs)
    many = evaluate_many(stacked)  # every task in one vectorized evaluation
    spread = npv_range(stacked, tasks, frame["level_se"].to_numpy(), frame["growth_slope_se"].to_numpy(),
                       (MIN_PROJECTED_MONTHLY_GROWTH, MAX_PROJECTED_MONTHLY_GROWTH))
    flows = many.flows
    with np.errstate(divide="ignore", invalid="ignore"):
        student_per_kreq = flows.student_usd.sum(axis=1) / flows.requests.sum(axis=1) * REQUESTS_PER_KREQ
    out = []
    for i, (task, scenario, be) in enumerate(zip(tasks, scenarios, breakevens(inputs), strict=True)):
        row = frame.loc[task]
        payback = finite_or_none(many.payback_months[i])
        facts = _facts(row, scenario, payback, float(many.npv_usd[i]), be, float(spread.p10[i]))
        word, reasons = verdict(facts)
        judged = (level_reason(row), growth_reason(row), peak_reason(row, p2a),
                  npv_reason(facts.npv_usd, spread.p10[i], spread.p50[i], spread.p90[i], spread.draws))
        out.append(TaskScore(
            task=task, days=facts.days, requests_per_day=facts.requests_per_day,
            monthly_growth=facts.fitted_growth, volatility=finite_or_none(row["volatility"]),
            input_tokens=float(row["input_tokens"]), output_tokens=float(row["output_tokens"]),
            teacher_usd_per_month=finite_or_none(row["teacher_usd_per_month"]), payback_months=payback,
            npv_usd=facts.npv_usd, breakeven_requests_per_day=be, verdict=word, reasons=(*reasons, *judged),
            upfront_usd=float(flows.upfront_usd[i, 0]), student_usd_per_kreq=finite_or_none(student_per_kreq[i]),
            scenario=scenario, growth_low=finite_or_none(row["growth_low"]), growth_high=finite_or_none(row["growth_high"]),
            projected_growth=scenario.traffic.monthly_growth, peak_to_average=scenario.traffic.peak_to_average,
            cached_input_share=finite_or_none(row["cached_input_share"]), npv_p10_usd=float(spread.p10[i]),
            npv_p90_usd=float(spread.p90[i])))
    return out


def _unscored(stats: TaskStats, task: str, min_days: int) -> TaskScore:
    row = stats.frame.loc[task]
    word, reasons = unscored_verdict(int(row["days"]), min_days, float(row["requests_per_day"]))
    return TaskScore(
        task=task, days=int(row["days"]), requests_per_day=float(row["requests_per_day"]), monthly_growth=None,
        volatility=None, input_tokens=finite_or_none(row["input_tokens"]), output_tokens=finite_or_none(row["output_tokens"]),
        teacher_usd_per_month=finite_or_none(row["teacher_usd_per_month"]), payback_months=None, npv_usd=None,
        breakeven_requests_per_day=None, verdict=word, reasons=reasons, upfront_usd=None,
        student_usd_per_kreq=None, scenario=None)


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
    scored = _scored(stats, prepared, list(frame.index[enough]), log.task_models, shape) if enough.any() else []
    unscored = [_unscored(stats, task, min_days) for task in frame.index[~enough]]
    ranked = sorted(scored, key=lambda t: (-t.npv_p10_usd, t.task)) + sorted(
        unscored, key=lambda t: (-t.requests_per_day, t.task))
    ranked, chosen, left_out, budget_warnings = _budget(ranked, budget_usd)
    warnings = list(prepared.warnings)
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
