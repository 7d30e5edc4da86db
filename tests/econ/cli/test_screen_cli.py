"""`python -m econ screen` as a user runs it: a real subprocess, the shipped sample log, real files."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from usage_logs import ROOT

SAMPLE = ROOT / "examples" / "usage.csv"
TEMPLATE = ROOT / "examples" / "template.json"
TASK_KEYS = {"task", "days", "requests_per_day", "monthly_growth", "growth_low", "growth_high", "projected_growth",
             "volatility", "peak_to_average", "input_tokens", "output_tokens", "cached_input_share",
             "teacher_usd_per_month", "data_generation_usd", "upfront_usd", "payback_months", "npv_p10_usd",
             "npv_usd", "npv_p90_usd", "confidence", "breakeven_requests_per_day", "verdict", "verdict_label",
             "reasons"}


def run(*args):
    return subprocess.run([sys.executable, "-m", "econ", *args], capture_output=True, text=True, cwd=ROOT)


def test_json_keys_are_the_public_contract():
    out = run("screen", str(SAMPLE), "--template", str(TEMPLATE), "--format", "json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert set(data) == {"tasks", "portfolio", "warnings"}
    assert set(data["portfolio"]) == {"distil_npv_usd", "distil_upfront_usd", "chosen"}
    assert all(set(t) == TASK_KEYS for t in data["tasks"])
    scored = [t for t in data["tasks"] if t["npv_usd"] is not None]
    # ranked on the low side (P10 NPV), the point estimate beside it
    assert [t["npv_p10_usd"] for t in scored] == sorted((t["npv_p10_usd"] for t in scored), reverse=True)
    assert data["tasks"][-1]["npv_usd"] is None  # meeting-notes: 20 days, listed last, not scored
    distil = [t for t in data["tasks"] if t["verdict"] == "distil"]
    assert data["portfolio"]["chosen"] == [t["task"] for t in distil]
    assert data["portfolio"]["distil_npv_usd"] == pytest.approx(sum(t["npv_usd"] for t in distil))


def test_budget_chooses_and_says_what_was_left_out():
    full = json.loads(run("screen", str(SAMPLE), "--template", str(TEMPLATE), "--format", "json").stdout)
    out = run("screen", str(SAMPLE), "--template", str(TEMPLATE), "--budget-usd", "60000")
    assert out.returncode == 0, out.stderr
    assert "exact 0/1 knapsack" in out.stdout and "left out" in out.stdout
    data = json.loads(run("screen", str(SAMPLE), "--template", str(TEMPLATE), "--budget-usd", "60000",
                          "--format", "json").stdout)
    chosen = data["portfolio"]["chosen"]
    assert 0 < len(chosen) < len(full["portfolio"]["chosen"])
    assert any("leaves out" in w for w in data["warnings"])


def test_table_and_csv():
    table = run("screen", str(SAMPLE), "--template", str(TEMPLATE))
    assert table.returncode == 0 and "distil set" in table.stdout and "Why:" in table.stdout
    csv = run("screen", str(SAMPLE), "--template", str(TEMPLATE), "--format", "csv").stdout.splitlines()
    assert csv[0].startswith("task,days,requests_per_day,") and len(csv) == 1 + 8


def test_out_dir_scenarios_reproduce_the_screens_payback(tmp_path):
    out = run("screen", str(SAMPLE), "--template", str(TEMPLATE), "--format", "json", "--out-dir", str(tmp_path))
    assert out.returncode == 0, out.stderr
    task = next(t for t in json.loads(out.stdout)["tasks"] if t["task"] == "invoice-extraction")
    evaluated = json.loads(run("evaluate", str(tmp_path / "invoice-extraction.json"), "--format", "json").stdout)
    assert evaluated["payback_months"] == task["payback_months"]
    assert evaluated["npv_usd"] == task["npv_usd"]
    assert len(list(tmp_path.glob("*.json"))) == 7  # every scored task; meeting-notes is not scored


@pytest.mark.parametrize(("body", "where"), [
    ("date,task,requests,input_tokens,output_tokens\n2026-01-01,a,-1,1,1\n", "line 2: requests"),
    ("date,task,requests,input_tokens,output_tokens\nJan 1,a,1,1,1\n", "line 2: date"),
    ("", "line 1"),
])
def test_bad_input_is_one_line_exit_2_and_nothing_saved_changes(tmp_path, body, where):
    usage = tmp_path / "usage.csv"
    usage.write_text(body)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    saved = out_dir / "a.json"
    saved.write_text("previous screen\n")
    out = run("screen", str(usage), "--template", str(TEMPLATE), "--out-dir", str(out_dir))
    assert out.returncode == 2
    assert out.stderr.count("\n") == 1 and where in out.stderr and "Traceback" not in out.stderr
    assert saved.read_text() == "previous screen\n" and [p.name for p in out_dir.iterdir()] == ["a.json"]


def test_bad_options_exit_2():
    assert run("screen", str(SAMPLE), "--template", str(TEMPLATE), "--budget-usd", "-5").returncode == 2
    assert run("screen", str(SAMPLE), "--template", str(TEMPLATE), "--min-days", "3").returncode == 2
    missing = run("screen", str(SAMPLE), "--template", str(ROOT / "nope.json"))
    assert missing.returncode == 2 and "nope.json" in missing.stderr
    assert run("screen", str(SAMPLE)).returncode == 2  # --template is required


def test_an_out_dir_that_is_a_file_exits_2_and_keeps_the_file(tmp_path):
    blocker = tmp_path / "out"
    blocker.write_text("keep me\n")
    out = run("screen", str(SAMPLE), "--template", str(TEMPLATE), "--out-dir", str(blocker))
    assert out.returncode == 2 and "is not a folder" in out.stderr and out.stderr.count("\n") == 1
    assert blocker.read_text() == "keep me\n"
