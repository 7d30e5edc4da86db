"""Chart builders: what each figure draws (traces, colors, the crossing at econ's payback month),
plus the pure helpers beside them (formats, uploads, the cost sweep, the HTML report).

No streamlit runtime needed: the builders never import streamlit.
"""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from app_support import profile_dict

import econ
from ui import format as fmt
from ui import tables, uploads
from ui.charts import costs as cost_charts
from ui.charts import palette
from ui.charts import serving as serving_charts


@pytest.fixture(scope="module")
def example() -> econ.Evaluation:
    return econ.evaluate(econ.example_scenario())


def _never_pays() -> econ.Evaluation:
    data = econ.example_scenario().model_dump(exclude_none=True)
    data["traffic"]["requests_per_day"] = 100.0
    data["traffic"]["monthly_growth"] = 0.0
    return econ.evaluate(econ.parse_scenario(data))


def test_chart_builders_never_import_streamlit():
    code = "import sys, ui.charts.costs, ui.charts.serving, ui.charts.risk, ui.tables, ui.uploads; print('streamlit' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_cumulative_chart_draws_teacher_and_student_in_the_palette_colors(example):
    fig = cost_charts.cumulative_costs(example.monthly, example.payback_months, example.upfront_usd)
    teacher, student = fig.data[0], fig.data[1]
    assert teacher.name == "Stay on teacher" and teacher.line.color == palette.TEACHER
    assert student.name.startswith("Distil") and student.line.color == palette.STUDENT
    # Month 0: the teacher has cost nothing yet, the student path has paid the upfront spend.
    assert teacher.y[0] == 0 and student.y[0] == pytest.approx(example.upfront_usd)
    assert list(teacher.x) == list(range(0, example.scenario.horizon_months + 1))
    assert student.y[-1] == pytest.approx(example.monthly["student_cumulative_usd"].iloc[-1])


def test_crossing_is_marked_and_annotated_at_econs_payback_month(example):
    fig = cost_charts.cumulative_costs(example.monthly, example.payback_months, example.upfront_usd)
    marker = next(t for t in fig.data if t.name == "Break-even")
    assert marker.x[0] == pytest.approx(example.payback_months)
    (note,) = fig.layout.annotations
    assert note.x == pytest.approx(example.payback_months)
    assert f"Pays back after {fmt.months(example.payback_months)}" in note.text
    # The marker lies on both drawn lines: interpolate each at the payback month.
    teacher, student = fig.data[0], fig.data[1]
    y_teacher = np.interp(example.payback_months, teacher.x, teacher.y)
    y_student = np.interp(example.payback_months, student.x, student.y)
    assert marker.y[0] == pytest.approx(y_teacher)
    assert y_student == pytest.approx(y_teacher, rel=1e-9)


def test_no_crossing_says_so_and_draws_no_marker():
    result = _never_pays()
    assert result.payback_months is None
    fig = cost_charts.cumulative_costs(result.monthly, None, result.upfront_usd)
    assert not [t for t in fig.data if t.name == "Break-even"]
    assert fig.layout.annotations[0].text == f"<b>No payback within {result.scenario.horizon_months} months</b>"


def test_breakdown_stacks_the_student_lines_and_draws_the_teacher_bill(example):
    fig = cost_charts.cost_breakdown(example.monthly)
    bars = [t for t in fig.data if t.type == "bar"]
    # The example spends on serving, fallback and re-distillation; monitoring/errors/router are 0: left out.
    assert [b.name for b in bars] == ["Serving", "Fallback to teacher", "Re-distillation"]
    assert fig.layout.barmode == "stack"
    assert bars[0].marker.color == palette.STUDENT
    line = fig.data[-1]
    assert line.name == "Teacher (stay)" and line.line.color == palette.TEACHER
    total = sum(np.asarray(b.y) for b in bars)
    assert np.allclose(total, example.monthly["student_usd"])


def test_cost_per_mtok_vs_utilization_draws_curves_dots_and_api_lines():
    curves = pd.DataFrame({"series": "Student", "utilization": [0.1, 1.0], "usd_per_mtok_served": [0.1437, 0.01437],
                           "usd_per_kreq": [0.1868, 0.01868]})
    fig = serving_charts.cost_per_mtok_vs_utilization(curves, curves.iloc[:1], {"Teacher": 5.77})
    assert [t.name for t in fig.data] == ["Student, self-hosted", "Student: this scenario's months",
                                          "Teacher, API: $5.770 per 1M tokens"]
    assert list(fig.data[0].customdata) == [0.1868, 0.01868] and "per 1k requests" in fig.data[0].hovertemplate
    assert fig.layout.yaxis.type == "log"
    api = fig.data[-1]
    assert api.line.color == palette.TEACHER and list(api.y) == [5.77, 5.77]


def test_scenario_comparison_marks_each_payback_on_the_zero_line(example):
    other = _never_pays()
    fig = cost_charts.scenario_comparison({"A": example.monthly, "B": other.monthly},
                                     {"A": example.payback_months, "B": None},
                                     {"A": example.upfront_usd, "B": other.upfront_usd})
    lines = [t for t in fig.data if t.mode == "lines"]
    assert [t.name for t in lines] == ["A", "B"]
    assert lines[0].y[0] == pytest.approx(-example.upfront_usd)
    assert lines[0].line.dash != lines[1].line.dash  # told apart without color too
    (marker,) = [t for t in fig.data if t.mode == "markers"]
    assert marker.x[0] == pytest.approx(example.payback_months) and marker.y[0] == 0


def test_headline_comparison_reads_b_minus_a(example):
    other = _never_pays()
    table = tables.headline_comparison(example, other).set_index("")
    assert table.loc["Payback", "A"] == fmt.months(example.payback_months)
    assert table.loc["Payback", "B"] == "not within the horizon"
    assert table.loc["NPV", "B − A"] == fmt.delta(other.npv_usd, example.npv_usd, "usd")
    assert table.loc["NPV", "B − A"].startswith("-")


def test_formats_read_like_a_finance_dashboard():
    assert fmt.usd(12_345) == "$12.3k"
    assert fmt.usd(-1_250_000) == "-$1.2M"
    assert fmt.months(4.335) == "4.3 months"
    assert fmt.months(None) == "not within the horizon"
    assert fmt.per_day(11_944.6) == "11,945 req/day"
    assert fmt.delta(2.0, 4.3, "months") == "-2.3 months"
    assert fmt.delta(685_800, 303_000, "usd") == "+$382.8k"
    assert fmt.delta(None, 4.3, "months") is None


def test_profile_tables_label_estimates_as_estimates():
    estimate = econ.parse_profile(json.dumps(profile_dict("estimated")))
    table = tables.points_table(estimate)
    assert "MBU vs measured peak (estimated)" in table.columns
    assert not any("(measured)" in c for c in table.columns)
    assert tables.provenance_label(estimate) == "Estimated (not measured)"
    measured = econ.parse_profile(json.dumps(profile_dict()))
    assert "p99 TPOT, ms (measured)" in tables.points_table(measured).columns


def test_uploads_refuse_malformed_oversized_and_invalid_files():
    with pytest.raises(econ.ProfileError, match="not valid JSON"):
        uploads.parse_uploaded_profile("bad.json", b"{not json")
    with pytest.raises(econ.ProfileError, match="over the 5 MiB limit"):
        uploads.parse_uploaded_profile("big.json", b" " * (econ.model.profile.MAX_PROFILE_BYTES + 1))
    with pytest.raises(econ.ProfileError, match="provenance"):
        uploads.parse_uploaded_profile("x.json", json.dumps({**profile_dict(), "provenance": "guessed"}).encode())
    assert uploads.parse_uploaded_profile("ok.json", json.dumps(profile_dict()).encode()).model.name == "llama-3.1-8b"
    with pytest.raises(econ.ScenarioError, match="traffic.requests_per_day"):
        data = econ.example_scenario().model_dump(exclude_none=True)
        data["traffic"]["requests_per_day"] = -1
        uploads.parse_uploaded_scenario("s.json", json.dumps(data).encode())


def test_scenario_json_round_trips_through_upload(example):
    text = uploads.scenario_json(example.scenario)
    scenario, evaluation = uploads.parse_uploaded_scenario("s.json", text.encode())
    assert scenario == example.scenario
    assert evaluation.payback_months == pytest.approx(example.payback_months)


def test_cost_sweep_matches_the_gpu_bill_at_full_utilization():
    from ui.sweeps import serving_cost_curve

    scenario = econ.example_scenario()
    curve = serving_cost_curve.__wrapped__(scenario.model_dump_json(), "student")
    # One H100 at $2.69/h, 40 req/s, 1000 + 300 tokens: 2.69 / (40 × 3600 × 1300) × 1e6 = $0.014370 per 1M.
    assert curve["utilization"].iloc[-1] == pytest.approx(1.0)
    assert curve["usd_per_mtok_served"].iloc[-1] == pytest.approx(0.0143696, rel=1e-4)
    # Ten times less busy, ten times the cost per token (REFERENCE.md example 5's shape).
    at_10 = np.interp(0.1, curve["utilization"], curve["usd_per_mtok_served"])
    assert at_10 == pytest.approx(0.143696, rel=1e-3)
    teacher = serving_cost_curve.__wrapped__(scenario.model_dump_json(), "teacher")
    # API: (1000 × $3 + 300 × $15) / 1300 tokens = $5.769 per 1M, whatever the volume.
    assert teacher["usd_per_mtok_served"].iloc[0] == pytest.approx(7500 / 1300)


def test_an_uploaded_scenario_may_not_read_graded_samples_from_an_arbitrary_server_path(tmp_path, monkeypatch):
    from ui.evidence_files import EVIDENCE_DIR_VARIABLE, EXAMPLE_SAMPLES

    monkeypatch.setenv(EVIDENCE_DIR_VARIABLE, str(tmp_path / "evidence"))
    data = econ.example_scenario().model_dump(exclude_none=True)
    data["quality"] = {"evidence": {"path": "/etc/passwd"}}
    with pytest.raises(econ.ScenarioError, match="quality.evidence.path") as refused:
        uploads.parse_uploaded_scenario("s.json", json.dumps(data).encode())
    data["quality"] = {"evidence": {"path": "/no/such/file.csv"}}
    with pytest.raises(econ.ScenarioError) as missing:
        uploads.parse_uploaded_scenario("s.json", json.dumps(data).encode())
    assert str(refused.value) == str(missing.value)  # says nothing of whether the path exists
    data["quality"] = {"evidence": {"path": str(EXAMPLE_SAMPLES)}}
    scenario, _ = uploads.parse_uploaded_scenario("s.json", json.dumps(data).encode())
    assert scenario.quality.evidence.path == str(EXAMPLE_SAMPLES)
