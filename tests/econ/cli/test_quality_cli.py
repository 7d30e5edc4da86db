"""`python -m econ quality` as a user runs it: a real subprocess on the shipped samples and on bad files."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from builders import scenario_dict

ROOT = Path(__file__).resolve().parents[3]
EXAMPLE = ROOT / "examples" / "quality_samples.csv"


def run(*args):
    return subprocess.run([sys.executable, "-m", "econ", "quality", *map(str, args)], capture_output=True,
                          text=True, cwd=ROOT)


@pytest.fixture(scope="module")
def scenario_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("q") / "scenario.json"
    path.write_text(json.dumps(scenario_dict(quality__usd_per_error=0.5)))
    return path


def test_json_keeps_the_public_contract(scenario_file):
    out = run(EXAMPLE, "--scenario", scenario_file, "--format", "json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert {"sources", "production_gap", "router", "best", "warnings"} <= set(data)
    production = data["sources"]["production"]
    assert {k: production[k] for k in ("n", "errors")} == {"n": 600, "errors": 54}
    assert production["error_rate"] == pytest.approx(0.09)
    assert production["ci95"] == pytest.approx([0.0696334, 0.1155823], abs=1e-6)
    assert data["production_gap"]["points"] == pytest.approx(7.0)
    assert set(data["router"][0]) == {"threshold", "fallback_rate", "error_rate"}
    assert data["router"][0] == {"threshold": 0.0, "fallback_rate": 0.0, "error_rate": pytest.approx(0.09)}
    assert set(data["best"]) == {"threshold", "npv_usd", "payback_months"}
    assert data["best"]["npv_usd"] == max(p["npv_usd"] for p in data["npv_curve"])
    assert data["measured_on"].startswith("measured on 600 graded production rows")


def test_table_says_what_was_measured_the_gap_in_words_and_the_best_threshold(scenario_file):
    out = run(EXAMPLE, "--scenario", scenario_file)
    assert out.returncode == 0, out.stderr
    assert "measured, not assumed" in out.stdout
    assert "the synthetic validation set flatters the student by 7.0 points (95% CI 4.2–9.7)" in out.stdout
    assert "below the threshold → teacher" in out.stdout and "best threshold" in out.stdout
    assert "warning: columns ignored: request_id" in out.stdout


def test_free_errors_make_never_falling_back_the_optimum(tmp_path):
    path = tmp_path / "free.json"
    path.write_text(json.dumps(scenario_dict(quality__usd_per_error=0)))
    data = json.loads(run(EXAMPLE, "--scenario", path, "--format", "json").stdout)
    assert data["best"]["threshold"] == 0.0
    assert 'the optimum is simply "never fall back"' in data["best_words"]


def test_csv_is_the_router_curve_priced_per_threshold(scenario_file):
    out = run(EXAMPLE, "--scenario", scenario_file, "--format", "csv")
    curve = pd.read_csv(io.StringIO(out.stdout))
    assert list(curve.columns) == ["threshold", "fallback_rate", "error_rate", "npv_usd", "payback_months"]
    assert curve["fallback_rate"].is_monotonic_increasing


@pytest.mark.parametrize(("text", "message"), [
    ("source,student_correct\nproduction,maybe\n",
     "line 2: student_correct 'maybe' is not 0/1 or true/false"),
    ("source,student_correct,student_confidence\nproduction,1,2\n",
     "line 2: student_confidence '2' is not a confidence in [0, 1]"),
    ("source\nproduction\n", "line 1: the header must be 'source,student_correct'"),
    ("", "line 1: empty file"),
])
def test_bad_input_is_one_line_and_exit_2(tmp_path, text, message):
    path = tmp_path / "bad.csv"
    path.write_text(text)
    out = run(path)
    assert out.returncode == 2 and out.stdout == ""
    assert out.stderr.count("\n") == 1 and message in out.stderr and "Traceback" not in out.stderr


def test_a_samples_file_without_confidence_has_no_csv_curve(tmp_path):
    path = tmp_path / "plain.csv"
    path.write_text("source,student_correct\nproduction,1\nproduction,0\n")
    assert run(path).returncode == 0
    out = run(path, "--format", "csv")
    assert out.returncode == 2 and "no student_confidence column" in out.stderr
