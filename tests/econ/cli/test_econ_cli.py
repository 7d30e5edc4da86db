"""`python -m econ` as a user runs it: a real subprocess, real files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from builders import scenario_dict

ROOT = Path(__file__).resolve().parents[3]


def run(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "econ", *args], capture_output=True, text=True, cwd=cwd)


@pytest.fixture
def example_file(tmp_path):
    path = tmp_path / "example.json"
    path.write_text(run("example").stdout)
    return path


def test_example_then_evaluate_json(example_file):
    out = run("evaluate", str(example_file), "--format", "json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    for key in ("payback_months", "discounted_payback_months", "npv_usd", "irr_annual", "roi",
                "total_savings_usd", "breakeven_requests_per_day", "teacher_usd_per_mtok_served",
                "student_usd_per_mtok_served", "teacher_usd_per_kreq", "student_usd_per_kreq", "warnings",
                "monthly"):
        assert key in data
    assert set(data["monthly"][0]) == {"month", "requests", "teacher_usd", "student_usd", "savings_usd",
                                       "cumulative_usd", "replicas"}
    assert data["monthly"][0]["teacher_usd"] == 6843.75
    assert round(data["npv_usd"]) == 302_967


def test_evaluate_table_and_csv(example_file):
    table = run("evaluate", str(example_file))
    assert table.returncode == 0
    assert "payback" in table.stdout and "4.3 months" in table.stdout
    csv = run("evaluate", str(example_file), "--format", "csv")
    lines = csv.stdout.strip().splitlines()
    assert lines[0].startswith("month,requests,") and len(lines) == 25


def test_bad_file_exits_2_with_one_line_naming_the_field(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(scenario_dict(student__target_utilization=1.5)))
    out = run("evaluate", str(path))
    assert out.returncode == 2
    assert "student.target_utilization" in out.stderr
    assert "Traceback" not in out.stderr and len(out.stderr.strip().splitlines()) == 1


def test_missing_and_malformed_files_exit_2(tmp_path):
    assert run("evaluate", str(tmp_path / "nope.json")).returncode == 2
    (tmp_path / "x.json").write_text("{not json")
    out = run("evaluate", str(tmp_path / "x.json"))
    assert out.returncode == 2 and "not valid JSON" in out.stderr


def test_unmeetable_slo_exits_2(tmp_path):
    profile = {
        "provenance": "measured", "model": {"name": "m", "parameters": 10, "dtype": "fp32"},
        "hardware": {"device": "cpu", "name": "cpu"},
        "workload": {"input_tokens": 1000, "output_tokens": 300},
        "points": [{"batch_size": 1, "requests_per_s": 1,
                    "ttft_ms": {"p50": 9, "p90": 9, "p99": 9, "mean": 9},
                    "tpot_ms": {"p50": 9, "p90": 9, "p99": 9, "mean": 9}}],
    }
    data = scenario_dict(student={"kind": "self_hosted", "gpu_usd_per_hour": 1, "profile": profile,
                                  "slo": {"tpot_ms_p99": 1}})
    (tmp_path / "s.json").write_text(json.dumps(data))
    out = run("evaluate", str(tmp_path / "s.json"))
    assert out.returncode == 2 and "student.slo" in out.stderr


def test_schema_is_json_schema():
    out = run("schema")
    schema = json.loads(out.stdout)
    assert schema["title"] == "Scenario"
    assert "horizon_months" in schema["properties"]


def test_output_piped_into_a_closed_reader_is_not_an_error(example_file):
    # `python -m econ evaluate f.json | head -0`: the reader is gone before the first write; no traceback,
    # exit 0
    proc = subprocess.Popen([sys.executable, "-m", "econ", "evaluate", str(example_file), "--format", "csv"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)
    proc.stdout.close()
    assert proc.wait() == 0
    assert b"Traceback" not in proc.stderr.read()
