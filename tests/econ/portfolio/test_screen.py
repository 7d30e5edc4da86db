"""The portfolio screen on a generated log with known truth: ranking, verdicts, fitted figures,
reproducibility."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest
from builders import scenario
from usage_logs import ROOT, TaskSpec, csv_bytes, synthetic_usage

import econ
from econ.base.units import DAYS_PER_MONTH, LEVEL_DAYS
from econ.portfolio.screen import TASK_KEYS, screen, write_scenarios
from econ.traffic.usage import parse_usage

DAYS = 365
LARGE = TaskSpec("large-stable", 200_000, 0.0, 0.05)
TINY = TaskSpec("tiny", 40, 0.0, 0.05)
SPIKY = TaskSpec("spiky", 60_000, 0.0, 0.30, spike_share=0.10, spike_multiple=6.0)
GROWING = TaskSpec("growing", 20_000, 0.08, 0.03)
TRUTH = (LARGE, TINY, SPIKY, GROWING)


def true_requests_per_day(spec: TaskSpec) -> float:
    """Mean expected requests of the last 28 days: level × mean of (1+g)^(months before the end).

    28 days hold each weekday four times, so the (mean-1) weekly factors average to exactly 1.
    """
    months_before_end = (np.arange(LEVEL_DAYS) - (LEVEL_DAYS - 1)) / DAYS_PER_MONTH
    return spec.requests_per_day * float(np.mean((1 + spec.monthly_growth) ** months_before_end))


@pytest.fixture(scope="module")
def result():
    log = parse_usage(csv_bytes(synthetic_usage(TRUTH, days=DAYS, seed=1)), "truth.csv")
    return screen(log, econ.example_scenario())


def by_name(result):
    return {t.task: t for t in result.tasks}


def test_fitted_daily_volume_and_growth_are_within_5_percent_of_the_truth(result):
    tasks = by_name(result)
    for spec in (LARGE, GROWING):
        assert tasks[spec.name].requests_per_day == pytest.approx(true_requests_per_day(spec), rel=0.05)
    # growing: +8%/month ± 5% of it (0.076 .. 0.084); the stable task has no growth to be 5% of: ±0.5 points.
    assert tasks["growing"].monthly_growth == pytest.approx(0.08, rel=0.05)
    assert abs(tasks["large-stable"].monthly_growth) < 0.005
    # 1000 in / 300 out tokens per request exactly, as generated.
    assert (tasks["large-stable"].input_tokens, tasks["large-stable"].output_tokens) == (1000, 300)


def test_verdicts_come_from_the_one_rule_and_what_to_watch_is_a_reason(result):
    tasks = by_name(result)
    for t in result.tasks:  # the first reason is the verdict's own, in econ.risk.verdict's words
        assert t.verdict_label == econ.risk.verdict.LABELS[t.verdict]
    assert tasks["large-stable"].verdict == "distil"
    assert tasks["growing"].verdict == "distil"
    # Example template: errors not priced, the stated 20% prior that the student never reaches the bar.
    assert tasks["large-stable"].reasons[0].startswith("pays back in ")
    assert "on cost alone; errors not priced" in tasks["large-stable"].reasons[0]
    assert tasks["large-stable"].confidence == pytest.approx(0.8)  # 0.8 × P(NPV > 0 | student ok) = 0.8 × 1
    # The spiky task pays on every draw of what its log shows: Distil, with its unsteadiness to watch.
    assert any(r.startswith("watch: unsteady") for r in tasks["spiky"].reasons)
    assert not any(r.startswith("watch: ") for r in tasks["large-stable"].reasons)
    assert tasks["tiny"].verdict == "dont_distil"
    assert tasks["tiny"].reasons[0].startswith("does not pay back within 24 months as typed")
    assert any(r.startswith("watch: below break-even") for r in tasks["tiny"].reasons)
    # Stable tasks measure near their generated noise (5%, 3%) plus Poisson noise; the spiky one far above
    # 25%.
    assert tasks["large-stable"].volatility == pytest.approx(0.05, abs=0.015)
    assert tasks["spiky"].volatility > 0.5


def test_ranking_follows_the_npv_of_the_true_scenarios(result):
    def true_npv(spec):
        # The template with the task's true traffic; every task costs $0.0075/request on claude-sonnet-4-5
        # (1000 × $3 + 300 × $15 per million tokens), exactly the example template's teacher.
        s = scenario(traffic__requests_per_day=true_requests_per_day(spec),
                     traffic__monthly_growth=spec.monthly_growth)
        return econ.evaluate(s).npv_usd

    truth_order = sorted((s.name for s in TRUTH),
                         key=lambda name: -true_npv(next(s for s in TRUTH if s.name == name)))
    assert [t.task for t in result.tasks] == truth_order
    npvs = [t.npv_usd for t in result.tasks]
    assert npvs == sorted(npvs, reverse=True)


def test_portfolio_totals_are_the_distil_set(result):
    tasks = by_name(result)
    # the spiky task pays on every draw of its log: in the distil set, its unsteadiness a reason to watch
    distil = [tasks["large-stable"], tasks["growing"], tasks["spiky"]]
    assert {t.task for t in result.distil} == {t.task for t in distil}
    d = result.to_dict()
    assert set(d) == {"tasks", "portfolio", "warnings"}
    assert set(d["portfolio"]) == {"distil_npv_usd", "distil_upfront_usd", "chosen"}
    assert [set(row) for row in d["tasks"]] == [set(TASK_KEYS)] * 4
    assert d["portfolio"]["distil_npv_usd"] == pytest.approx(sum(t.npv_usd for t in distil))
    # Example template: 750 (typed, so not per task) + 3,000 + 0 + 20,000 = $23,750 upfront per task.
    assert d["portfolio"]["distil_upfront_usd"] == pytest.approx(3 * 23_750)
    assert d["portfolio"]["chosen"] == [t.task for t in result.tasks if t.verdict == "distil"]


def test_a_written_scenario_evaluates_to_the_screens_payback(result, tmp_path):
    paths = write_scenarios(result, tmp_path)
    assert sorted(p.name for p in paths) == ["growing.json", "large-stable.json", "spiky.json", "tiny.json"]
    out = subprocess.run([sys.executable, "-m", "econ", "evaluate", str(tmp_path / "growing.json"),
                          "--format", "json"],
                         capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    evaluated = json.loads(out.stdout)
    growing = by_name(result)["growing"]
    assert evaluated["payback_months"] == growing.payback_months
    assert evaluated["npv_usd"] == growing.npv_usd
    assert evaluated["breakeven_requests_per_day"] == growing.breakeven_requests_per_day


def test_the_scenario_carries_the_tasks_traffic_workload_and_price(result):
    s = by_name(result)["growing"].scenario
    assert s.name == "growing"
    assert s.traffic.monthly_growth == pytest.approx(0.08, rel=0.05)
    assert (s.workload.input_tokens, s.workload.output_tokens) == (1000, 300)
    # The log's effective price is the list price here: $3 / $15 per million tokens, unscaled.
    assert (s.teacher.input_usd_per_mtok, s.teacher.output_usd_per_mtok) == (3.0, 15.0)
    assert s.teacher.name == "claude-sonnet-4-5"


def test_a_log_priced_by_model_keeps_list_prices_when_the_template_caches_input():
    # The log names no cached tokens: a row priced by `model` is 1000 × $3 + 300 × $15 per million = $0.0075.
    # The task's teacher carries the same cached share (none), so the list prices stay $3 / $15, not
    # scaled up to make a cached-share discount the log never had add back up to $0.0075.
    template = scenario(teacher={"kind": "api", "input_usd_per_mtok": 3.0, "output_usd_per_mtok": 15.0,
                                 "cached_input_share": 0.5, "cached_input_usd_per_mtok": 0.3})
    log = parse_usage(csv_bytes(synthetic_usage([GROWING], days=60, seed=4)), "cached.csv")
    result = screen(log, template)
    task = result.tasks[0].scenario
    assert (task.teacher.input_usd_per_mtok, task.teacher.output_usd_per_mtok) == (3.0, 15.0)
    assert task.teacher.cached_input_share == 0.0
    x, _ = econ.numeric_inputs(task)
    assert x.teacher.usd_per_request[0] == pytest.approx(0.0075, rel=1e-12)
    assert any("cached_input_share" in w for w in result.warnings)


def test_an_effective_price_from_usd_is_kept_exactly_per_request():
    frame = synthetic_usage([LARGE], days=60, seed=2).drop(columns="model")
    frame["usd"] = frame["requests"] * 0.004  # $0.004 per request actually paid (a negotiated discount)
    result = screen(parse_usage(csv_bytes(frame), "usd.csv"), econ.example_scenario())
    task = result.tasks[0]
    x, _ = econ.numeric_inputs(task.scenario)
    assert x.teacher.usd_per_request[0] == pytest.approx(0.004, rel=1e-12)
    # Price ratio of the template's teacher (3 : 15) is kept: 1000 × 3k + 300 × 15k = 0.004 × 1e6 → k =
    # 0.5333.
    teacher = task.scenario.teacher
    assert teacher.output_usd_per_mtok / teacher.input_usd_per_mtok == pytest.approx(5.0)
    assert task.teacher_usd_per_month == pytest.approx(task.requests_per_day * DAYS_PER_MONTH * 0.004)


def test_short_history_is_listed_but_not_scored():
    frame = synthetic_usage([LARGE, TaskSpec("new", 50_000, days=20)], days=120, seed=3)
    result = screen(parse_usage(csv_bytes(frame), "short.csv"), econ.example_scenario())
    new = result.tasks[-1]
    assert new.task == "new" and new.npv_usd is None and new.scenario is None and new.days == 20
    assert new.verdict == "undecidable" and "20 days" in new.reasons[0]
    assert any("not scored" in w for w in result.warnings)
    assert result.tasks[0].verdict == "distil"
    shorter = screen(parse_usage(csv_bytes(frame), "short.csv"), econ.example_scenario(), min_days=14)
    # scored on 20 days: a quarter of history is what a careful analyst wants before trusting growth
    assert any(r.startswith("watch: only 20 days of history") for r in by_name(shorter)["new"].reasons)


def test_scenario_file_names_are_safe_and_distinct():
    from econ.portfolio.screen import scenario_file_names

    names = scenario_file_names(["../../etc/passwd", "a b", "a/b", "A-B", "..", "ünïcode"])
    assert names == ["etc-passwd.json", "a-b.json", "a-b-2.json", "A-B-3.json", "task.json", "n-code.json"]


def test_data_generation_is_priced_at_each_tasks_own_token_mix():
    template = econ.load_scenario(ROOT / "examples" / "template.json")
    short = TaskSpec("short", 20_000, 0.0, 0.03, input_tokens=200, output_tokens=50)
    frame = synthetic_usage([GROWING, short], days=120, seed=6)
    tasks = by_name(screen(parse_usage(csv_bytes(frame), "mix.csv"), template))
    # 200,000 examples × (1000 × $3 + 300 × $15) / 1e6 = 200,000 × $0.0075 = $1,500, less the 50% batch
    # discount = $750 (the template's own 1000/400 mix would give 200,000 × $0.009 × 0.5 = $900).
    assert tasks["growing"].data_generation_usd == pytest.approx(750.0, rel=1e-12)
    # 200,000 × (200 × $3 + 50 × $15) / 1e6 = 200,000 × $0.00135 = $270, × 0.5 = $135.
    assert tasks["short"].data_generation_usd == pytest.approx(135.0, rel=1e-12)
    # upfront = data generation + $3,000 training + $2,000 evaluation + $20,000 engineering
    assert tasks["growing"].upfront_usd == pytest.approx(750.0 + 25_000.0, rel=1e-12)
    gen = tasks["short"].scenario.distillation.data_generation_usd
    assert (gen.examples, gen.prompt_tokens, gen.completion_tokens) == (200_000, 200, 50)
