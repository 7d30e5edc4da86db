"""A scenario whose quality rates come from graded samples (`quality.evidence`): same numbers as typing
them, conflicts named, warnings decided by the evidence, posteriors in the Monte Carlo, intervals in the
tornado."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from builders import scenario_dict

import econ
from econ.risk import monte_carlo, tornado

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "quality_samples.csv"
# At threshold 0.7 on the example's 600 production rows (counted from the file by hand with pandas):
# 159 fall back (26.5%), 15 residual errors (2.5%: kept student errors + teacher errors among fallbacks),
# 18 teacher errors in 600 (3.0%).
AT_0_7 = {"fallback_rate": 159 / 600, "student_error_rate": 15 / 600, "teacher_error_rate": 18 / 600}


def with_evidence(path=str(EXAMPLE), threshold=0.7, **quality) -> dict:
    data = scenario_dict(quality__usd_per_error=0.5)
    for field in ("fallback_rate", "student_error_rate", "teacher_error_rate"):
        data["quality"].pop(field, None)
    data["quality"].update(quality, evidence={"path": path, "router_threshold": threshold})
    return data


def typed(rates: dict) -> econ.Scenario:
    data = scenario_dict(quality__usd_per_error=0.5)
    data["quality"].update(rates, student_eval_on_production_traffic=True)
    return econ.parse_scenario(data)


def test_the_counts_quoted_above_are_the_files():
    rows = pd.read_csv(EXAMPLE).query("source == 'production'")
    below = rows["student_confidence"] < 0.7
    residual = (~below & (rows.student_correct == 0)).sum() + (below & (rows.teacher_correct == 0)).sum()
    assert (below.sum(), residual, (rows.teacher_correct == 0).sum()) == (159, 15, 18)


def test_a_scenario_with_evidence_evaluates_exactly_as_the_typed_rate_scenario():
    measured = econ.evaluate(econ.parse_scenario(with_evidence()))
    same = econ.evaluate(typed(AT_0_7))
    pd.testing.assert_frame_equal(measured.monthly, same.monthly, check_exact=True)
    assert measured.npv_usd == same.npv_usd and measured.payback_months == same.payback_months


def test_a_typed_rate_beside_evidence_is_refused_naming_both():
    with pytest.raises(econ.ScenarioError, match="quality: student_error_rate and evidence are both given"):
        econ.parse_scenario(with_evidence(student_error_rate=0.01))
    with pytest.raises(econ.ScenarioError, match="quality: fallback_rate and evidence are both given"):
        econ.parse_scenario(with_evidence(fallback_rate=0.1))
    # teacher_error_rate conflicts only when the file grades the teacher: known once the file is read.
    s = econ.parse_scenario(with_evidence(teacher_error_rate=0.02))
    with pytest.raises(ValueError, match="quality: teacher_error_rate and evidence are both given"):
        econ.evaluate(s)


def test_a_bad_evidence_file_is_one_line_naming_the_field(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("source,student_correct\nproduction,maybe\n")
    with pytest.raises(ValueError,
                       match=r"quality.evidence.path: .*bad.csv: line 2: student_correct 'maybe'"):
        econ.evaluate(econ.parse_scenario(with_evidence(path=str(bad))))
    with pytest.raises(ValueError, match="quality.evidence.path: .*missing.csv: cannot read"):
        econ.evaluate(econ.parse_scenario(with_evidence(path=str(tmp_path / "missing.csv"))))


def test_the_evidence_path_is_relative_to_the_scenario_file_and_saving_keeps_it_typed_free(tmp_path):
    shutil.copy(EXAMPLE, tmp_path / "samples.csv")
    path = tmp_path / "scenario.json"
    path.write_text(econ.parse_scenario(with_evidence(path="samples.csv")).model_dump_json(exclude_none=True))
    loaded = econ.load_scenario(path)
    assert loaded.quality.evidence.path == str((tmp_path / "samples.csv").resolve())
    econ.save_scenario(loaded, tmp_path / "again.json")  # defaults of measured rates are not written back
    again = econ.load_scenario(tmp_path / "again.json")
    assert econ.evaluate(again).npv_usd == econ.evaluate(typed(AT_0_7)).npv_usd


@pytest.fixture
def samples_file(tmp_path):
    def write(groups) -> str:
        src, ok = [], []
        for source, rows, errors in groups:
            src += [source] * rows
            ok += [0] * errors + [1] * (rows - errors)
        path = tmp_path / f"s{len(list(tmp_path.iterdir()))}.csv"
        pd.DataFrame({"source": src, "student_correct": ok}).to_csv(path, index=False)
        return str(path)
    return write


def evaluate_warnings(path: str) -> tuple[str, ...]:
    data = with_evidence(path=path, threshold=None, fallback_rate=0.05)  # no confidence: fallback stays typed
    return econ.evaluate(econ.parse_scenario(data)).warnings


def test_the_production_warning_is_decided_by_the_evidence(samples_file):
    none = evaluate_warnings(samples_file([("synthetic", 400, 8)]))
    assert any(w.startswith("the student's quality was not measured on production traffic") for w in none)
    few = evaluate_warnings(samples_file([("production", 30, 3), ("synthetic", 400, 8)]))
    assert any(w.startswith("the student's quality was measured on only 30 production rows") for w in few)
    gap = evaluate_warnings(samples_file([("production", 600, 54), ("synthetic", 400, 8)]))
    assert ("measured on production traffic: the synthetic validation set flatters the student by 7.0 "
            "points (95% CI 4.2–9.7); the scenario uses the production rates") in gap
    clean = evaluate_warnings(samples_file([("production", 2000, 100), ("synthetic", 2000, 96)]))
    assert not any("production" in w for w in clean)
    assert any(w.startswith("the fallback share “Share of requests escalated") and "is an assumption" in w
               for w in clean)


def test_the_monte_carlo_draws_measured_rates_from_their_jeffreys_posteriors():
    mc = monte_carlo(econ.parse_scenario(with_evidence()), draws=20_000, seed=3)
    # Beta(x + 1/2, n − x + 1/2): residual errors 15 of 600 → mean 15.5/601; fallbacks 159.5/601; teacher
    # 18.5/601.
    for name, x in (("student_error_rate", 15), ("fallback_rate", 159), ("teacher_error_rate", 18)):
        drawn = mc.draws[name].to_numpy()
        a, b = x + 0.5, 600 - x + 0.5
        sd = np.sqrt(a * b / ((a + b) ** 2 * (a + b + 1)))
        assert drawn.mean() == pytest.approx(a / (a + b), abs=4 * sd / np.sqrt(drawn.size)), name
        assert drawn.std() == pytest.approx(sd, rel=0.05), name


def test_the_tornado_moves_measured_rates_across_their_95_percent_wilson_intervals():
    rows = tornado(econ.parse_scenario(with_evidence())).to_frame().set_index("input")
    ev = econ.quality_evidence(econ.load_samples(EXAMPLE))
    at = ev.rates_at(0.7)
    assert tuple(rows.loc["student_error_rate", ["low_value", "high_value"]]) == pytest.approx(at.error.ci95)
    assert tuple(rows.loc["fallback_rate", ["low_value", "high_value"]]) == pytest.approx(at.fallback.ci95)
    assert tuple(rows.loc["teacher_error_rate", ["low_value", "high_value"]]) == pytest.approx(
        ev.teacher_error.ci95)


def test_a_typed_teacher_error_rate_is_not_a_tornado_input():
    rows = tornado(typed(AT_0_7)).to_frame()
    assert "teacher_error_rate" not in set(rows["input"])


def test_threshold_zero_never_falls_back_and_holds_the_fallback_rate_at_zero():
    s = econ.parse_scenario(with_evidence(threshold=0.0))
    x, derivation = econ.numeric_inputs(s)
    assert x.fallback_rate[0] == 0.0 and x.student_error_rate[0] == pytest.approx(0.09)
    assert "fallback_rate" not in set(monte_carlo(s, draws=200).draws.columns)


def test_each_tornado_row_names_its_own_coverage():
    # Measured rates move across their 95% Wilson intervals, every other input across its P10–P90
    # (and a listed low/high is the user's own): one chart, several coverages, so each row names its own.
    listed = econ.Uncertainty(inputs=[econ.UncertainInput(input="peak_to_average", low=1.2, high=3.0)])
    rows = tornado(econ.parse_scenario(with_evidence()), listed).to_frame().set_index("input")
    for name in ("student_error_rate", "fallback_rate", "teacher_error_rate"):
        assert rows.loc[name, "coverage"] == "95% Wilson interval"
    assert rows.loc["gpu_usd_per_hour", "coverage"] == "P10–P90"
    assert rows.loc["peak_to_average", "coverage"] == "low–high as given"
