"""The Break-even page compares the distillation methods when the scenario's training is a distillation run:
one chart of upfront spend by method and phase, econ's cheapest and fastest, and the table beside it."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import econ
from econ.chain.methods import compare_methods
from ui.charts import costs as cost_charts
from ui.state import SCENARIO_KEY

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "distill-offline.json"


def test_the_chart_stacks_each_allowed_methods_phases():
    frame = compare_methods(econ.load_scenario(str(EXAMPLE))).to_frame()
    fig = cost_charts.methods_upfront(frame)
    names = [trace.name for trace in fig.data]
    assert names == ["Teacher generation", "Teacher scoring", "Student sampling", "Student training",
                     "Logit storage"]
    training = next(t for t in fig.data if t.name == "Student training")
    assert list(training.x) == ["sequence", "logit-offline", "logit-online", "on-policy"]
    assert list(training.y) == pytest.approx(list(frame["student_training_usd"]))


def test_the_breakeven_page_shows_the_methods_for_a_distillation_run():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state[SCENARIO_KEY] = econ.load_scenario(str(EXAMPLE))
    at.run()
    assert not at.exception, at.exception
    assert len(at.get("plotly_chart")) == 3  # cumulative, breakdown, methods
    assert any("Cheapest: **sequence**" in c.value for c in at.caption)


def test_the_decision_report_lists_every_phase_under_the_upfront_total():
    from econ.cli.decision_report import report_html, report_inputs

    page = report_html(report_inputs(econ.load_scenario(str(EXAMPLE))))
    rows = [f"<td class='phase'>· {line}</td>" for line in
            ("teacher scoring", "student sampling", "student training", "logit storage")]
    assert all(row in page for row in rows)
    assert page.index("Upfront") < page.index(rows[0])
    plain = report_html(report_inputs(econ.example_scenario()))
    assert "<td class='phase'>" not in plain
