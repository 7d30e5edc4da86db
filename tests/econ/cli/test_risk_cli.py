"""`python -m econ risk` and `python -m econ forecast` as a user runs them: real subprocesses, real files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from builders import scenario_dict
from histories import history_csv

ROOT = Path(__file__).resolve().parents[3]


def run(*args):
    return subprocess.run([sys.executable, "-m", "econ", *args], capture_output=True, text=True, cwd=ROOT)


def one_line_error(out) -> bool:
    return out.returncode == 2 and "Traceback" not in out.stderr and len(out.stderr.strip().splitlines()) == 1


@pytest.fixture
def scenario_file(tmp_path):
    path = tmp_path / "s.json"
    path.write_text(json.dumps(scenario_dict(swap={"name": "mini", "serving": {
        "kind": "api", "input_usd_per_mtok": 0.25, "output_usd_per_mtok": 2.0}})))
    return path


def test_risk_json_has_the_issue_keys_and_a_seed_reproduces_it(scenario_file):
    out = run("risk", str(scenario_file), "--draws", "300", "--seed", "5", "--format", "json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert {"p_npv_positive", "npv_usd", "payback_months", "p_payback_within_horizon", "tornado", "decision",
            "summary"} <= set(data)
    assert set(data["npv_usd"]) == {"p10", "p50",
                                    "p90"} and set(data["payback_months"]) == {"p10", "p50", "p90"}
    assert data["draws"] == 300 and data["seed"] == 5
    assert [o["option"] for o in data["decision"]["options"]] == ["stay", "swap", "distil"]
    again = run("risk", str(scenario_file), "--draws", "300", "--seed", "5", "--format", "json")
    assert json.loads(again.stdout) == data


def test_risk_table_reads_in_words(scenario_file):
    out = run("risk", str(scenario_file), "--draws", "200")
    assert out.returncode == 0, out.stderr
    assert "chance of paying back within a year" in out.stdout
    assert "Tornado" in out.stdout and "Decision: " in out.stdout


@pytest.mark.parametrize("args",
                         [("--draws", "0"), ("--draws", "many"), ("--seed", "-1"), ("--format", "xml")])
def test_bad_risk_options_exit_2_with_one_line(scenario_file, args):
    assert one_line_error(run("risk", str(scenario_file), *args))


def test_bad_risk_block_exits_2_naming_the_field(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(scenario_dict(risk={"inputs": [{"input": "fallback_rate", "low": 0.3}]})))
    out = run("risk", str(path))
    assert one_line_error(out) and "risk.inputs" in out.stderr


def test_forecast_json_rows_and_growth(tmp_path):
    path = tmp_path / "h.csv"
    path.write_text(history_csv(0.05))
    out = run("forecast", str(path), "--months", "6", "--format", "json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert len(data["monthly"]) == 6 and set(data["monthly"][0]) == {"month", "requests", "low", "high"}
    assert data["monthly_growth"] == pytest.approx(0.05, rel=0.1)
    table = run("forecast", str(path), "--months", "3")
    assert table.returncode == 0 and "monthly growth" in table.stdout and '"requests_per_day"' in table.stdout


def test_bad_history_exits_2_naming_the_line(tmp_path):
    lines = history_csv(0.05, days=40).splitlines()
    lines[7] = lines[7].split(",")[0] + ",lots"
    path = tmp_path / "h.csv"
    path.write_text("\n".join(lines))
    out = run("forecast", str(path))
    assert one_line_error(out) and "line 8" in out.stderr
    assert one_line_error(run("forecast", str(tmp_path / "missing.csv")))
    assert one_line_error(run("forecast", str(path), "--months", "0"))


def test_existing_subcommands_still_work(scenario_file):
    assert run("evaluate", str(scenario_file), "--format", "json").returncode == 0
    assert json.loads(run("schema").stdout)["properties"]["risk"]
