"""The Risk page alone through AppTest: ranges first, words a manager reads, the forecast upload applied.

The charts are pure functions of econ's tables and are checked directly (they never import streamlit).
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from builders import scenario
from histories import history_csv
from streamlit.testing.v1 import AppTest

import econ
from econ.base.units import DAYS_PER_MONTH
from econ.risk import monte_carlo, tornado
from econ.risk.decision import decide
from econ.traffic.forecast import forecast_traffic, parse_history
from ui.charts import risk as risk_charts
from ui.state import SCENARIO_KEY

ROOT = Path(__file__).resolve().parents[2]
PAGE = str(ROOT / "ui" / "pages" / "risk.py")
TIMEOUT = 60  # seconds per script run; generous for a loaded 2-core machine, never asserted
MINI = {"kind": "api", "name": "gpt-5-mini", "input_usd_per_mtok": 0.25, "output_usd_per_mtok": 2.0}


def start(s: econ.Scenario) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=TIMEOUT)
    at.session_state[SCENARIO_KEY] = s
    at.session_state["risk.draws"] = 1_000  # keep the page test quick
    return at.run()


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


@pytest.fixture(scope="module")
def page():
    return start(scenario(swap={"name": "gpt-5-mini", "serving": MINI, "error_rate": 0.05},
                          quality__usd_per_error=1.0, quality__teacher_error_rate=0.02))


def test_page_renders_ranges_before_points(page):
    assert not page.exception and not page.error
    labels = [m.label for m in page.metric]
    assert labels[:2] == ["NPV range (P10–P90)", "Payback range (P10–P90)"]
    assert " to " in metric(page, "NPV range (P10–P90)")
    assert any("chance of paying back within a year" in md.value for md in page.markdown)
    assert any("Point estimate" in c.value for c in page.caption)


def test_page_recommends_one_of_three_options(page):
    assert any(md.value.startswith("**Recommendation: ") for md in page.markdown)
    assert len(page.get("plotly_chart")) >= 5


def test_zero_spread_shows_the_deterministic_npv_as_its_range():
    s = scenario(quality__p_student_fails=0.0)  # no failed students: only the spreads move the draws
    at = start(s)
    at.slider(key="risk.spread").set_value(0)
    at.checkbox(key="risk.profile_spread").set_value(False).run()
    npv = econ.evaluate(s).npv_usd
    from ui.format import usd
    assert metric(at, "NPV range (P10–P90)") == f"{usd(npv)} to {usd(npv)}"
    assert metric(at, "Chance NPV > 0") == "100%"


def test_an_inapplicable_risk_input_is_an_error_not_a_crash():
    s = scenario(student={"kind": "api", "input_usd_per_mtok": 0.1, "output_usd_per_mtok": 0.4},
                 risk={"inputs": [{"input": "gpu_usd_per_hour", "low": 1, "high": 2}]})
    at = start(s)
    assert not at.exception and "gpu_usd_per_hour does not apply" in at.error[0].value


def test_uploading_a_history_and_applying_it_sets_the_traffic():
    at = start(scenario())
    at.file_uploader(key="risk.history").set_value(("h.csv", history_csv(0.05).encode(), "text/csv")).run()
    assert not at.exception and not at.error
    assert metric(at, "Fitted growth").startswith("+5.0%") or metric(at, "Fitted growth").startswith("+4.9%")
    at.button(key="risk.apply_forecast").click().run()
    applied = at.session_state[SCENARIO_KEY]
    assert applied.traffic.monthly_growth == pytest.approx(0.05, rel=0.1)
    assert json.loads(at.session_state["risk.forecast_inputs"])[0]["input"] == "traffic_scale"


def test_a_bad_history_is_named_beside_the_upload():
    at = start(scenario())
    lines = history_csv(0.05, days=40).splitlines()
    lines[3] = lines[3].split(",")[0] + ",-5"
    at.file_uploader(key="risk.history").set_value(("h.csv", "\n".join(lines).encode(), "text/csv")).run()
    assert not at.exception and "line 4: requests -5 is negative" in at.error[0].value


def test_charts_are_built_from_econ_tables_alone():
    s = scenario(swap={"serving": MINI})
    mc = monte_carlo(s, draws=300)
    t = tornado(s)
    d = decide(s)
    fc = forecast_traffic(parse_history(history_csv(0.02, days=35)), months=3)
    figures = [
        risk_charts.tornado(t.rows, t.base_npv_usd),
        risk_charts.npv_histogram(mc.draws, mc.npv_usd.p10, mc.npv_usd.p90, "NPV"),
        risk_charts.payback_by_month(mc.payback_by_month),
        risk_charts.decision_costs(d.to_frame(), d.recommendation, s.horizon_months),
        risk_charts.decision_cumulative(d.monthly),
        risk_charts.traffic_forecast(fc.history, fc.monthly, DAYS_PER_MONTH),
    ]
    assert all(fig.data for fig in figures)
    # The tornado's largest swing is drawn on top (plotly's last category).
    assert figures[0].data[0].y[-1].startswith(t.rows.loc[0, "label"])
    assert "import streamlit" not in (ROOT / "ui" / "charts" / "risk.py").read_text()


def test_each_tornado_bar_is_labelled_with_its_own_coverage():
    # A measured rate's bar spans its 95% Wilson interval, the others their P10–P90: the label says which.
    rows = pd.DataFrame({"input": ["fallback_rate", "gpu_usd_per_hour"], "label": ["fallback rate", "GPU price"],
                         "unit": ["fraction", "USD/GPU-hour"], "low_value": [0.2, 2.0], "high_value": [0.3, 3.0],
                         "npv_low_usd": [1.0, 2.0], "npv_high_usd": [-1.0, -2.0],
                         "coverage": ["95% Wilson interval", "P10–P90"]})
    labels = list(risk_charts.tornado(rows, 0.0).data[0].y)
    assert labels == ["GPU price (2 – 3 USD/GPU-hour; P10–P90)", "fallback rate (0.2 – 0.3 fraction; 95% Wilson interval)"]


def test_risk_settings_changed_on_the_page_are_written_into_the_scenario_so_the_cli_agrees():
    at = start(scenario())
    at.slider(key="risk.spread").set_value(35)
    at.number_input(key="risk.seed").set_value(7).run()
    assert not at.exception and not at.error
    saved = at.session_state[SCENARIO_KEY]
    assert (saved.risk.default_spread, saved.risk.seed, saved.risk.draws) == (0.35, 7, 1_000)
    # What `python -m econ risk` computes from the saved scenario is what the page shows.
    mc = monte_carlo(saved)
    from ui.format import usd
    assert metric(at, "NPV range (P10–P90)") == f"{usd(mc.npv_usd.p10)} to {usd(mc.npv_usd.p90)}"


def test_risk_settings_left_at_their_defaults_add_no_risk_block():
    at = AppTest.from_file(PAGE, default_timeout=TIMEOUT)
    at.session_state[SCENARIO_KEY] = scenario()
    at.run()
    assert not at.exception and at.session_state[SCENARIO_KEY].risk is None


def test_a_risk_block_changed_elsewhere_is_shown_not_overwritten_by_the_old_widgets():
    at = start(scenario())
    at.number_input(key="risk.seed").set_value(7).run()
    assert at.session_state[SCENARIO_KEY].risk.seed == 7
    at.session_state[SCENARIO_KEY] = scenario(risk={"seed": 3, "draws": 1_000, "default_spread": 0.125})
    at.run()
    assert not at.exception
    assert at.number_input(key="risk.seed").value == 3
    assert at.session_state[SCENARIO_KEY].risk.seed == 3 and at.session_state[SCENARIO_KEY].risk.default_spread == 0.125
