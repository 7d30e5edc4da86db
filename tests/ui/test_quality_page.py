"""The Quality page through AppTest: upload graded samples, read the measured rates and the gap, price the
router threshold, write it into the scenario, and every page follows. A bad file changes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import econ
from ui import format as fmt
from ui.evidence_files import EVIDENCE_DIR_VARIABLE
from ui.state import SCENARIO_KEY

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
PAGE = "ui/pages/quality.py"
EXAMPLE = ROOT / "examples" / "quality_samples.csv"
TIMEOUT = 60  # seconds per script run; generous for a loaded 2-core machine, never asserted


@pytest.fixture(autouse=True)
def evidence_dir(tmp_path, monkeypatch):
    monkeypatch.setenv(EVIDENCE_DIR_VARIABLE, str(tmp_path / "evidence"))
    return tmp_path / "evidence"


def open_page(scenario: econ.Scenario | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.session_state[SCENARIO_KEY] = scenario or econ.example_scenario().model_copy(update={
        "quality": econ.Quality(usd_per_error=0.5)})
    at.run()
    return at.switch_page(PAGE).run()


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def upload(at: AppTest, name: str, data: bytes) -> AppTest:
    return at.file_uploader(key="quality.upload").set_value((name, data, "text/csv")).run()


def test_without_samples_the_page_says_the_rates_are_assumptions():
    at = open_page()
    assert not at.exception and not at.error
    assert any("typed-in assumptions" in i.value for i in at.info)


def test_uploaded_samples_show_measured_rates_the_gap_and_the_priced_threshold():
    at = upload(open_page(), "samples.csv", EXAMPLE.read_bytes())
    assert not at.exception and not at.error
    assert any(md.value.startswith("**Measured on 600 graded production rows") for md in at.markdown)
    assert any("flatters the student by 7.0 points (95% CI 4.2–9.7)" in w.value for w in at.warning)
    assert len(at.get("plotly_chart")) == 3  # rates with intervals, router trade-off, NPV by threshold
    evidence = econ.quality_evidence(econ.load_samples(EXAMPLE))
    sweep = econ.threshold_sweep(at.session_state[SCENARIO_KEY], evidence)
    assert metric(at, "Best threshold (NPV)") == f"{sweep.best_threshold:.3g}"
    assert metric(at, "NPV at the best threshold") == fmt.usd(sweep.best_npv_usd)


def test_the_button_writes_threshold_and_evidence_and_every_page_follows(evidence_dir):
    at = upload(open_page(), "samples.csv", EXAMPLE.read_bytes())
    at.slider(key="quality.threshold").set_value(0.7).run()
    assert metric(at, "Fallback to the teacher") == "26.5%"  # 159 of 600 production rows below 0.7
    at.button(key="quality.apply").click().run()
    assert not at.exception and not at.error
    scenario = at.session_state[SCENARIO_KEY]
    assert scenario.quality.evidence.router_threshold == 0.7
    saved = Path(scenario.quality.evidence.path)
    assert saved.parent == evidence_dir.resolve() and saved.read_bytes() == EXAMPLE.read_bytes()
    typed = scenario.model_copy(update={"quality": econ.Quality(
        usd_per_error=0.5, fallback_rate=159 / 600, student_error_rate=15 / 600, teacher_error_rate=18 / 600,
        student_eval_on_production_traffic=True)})
    expected = econ.evaluate(typed)
    at.switch_page("ui/pages/breakeven.py").run()
    assert not at.exception and not at.error
    assert any(m.value == fmt.months(expected.payback_months) for m in at.metric)
    assert any("flatters the student by 7.0 points" in w.value for w in at.warning)  # econ's warning, from the evidence
    assert not any("not measured on production traffic" in w.value for w in at.warning)


def test_a_bad_file_is_refused_beside_the_uploader_and_changes_nothing():
    at = open_page()
    before = at.session_state[SCENARIO_KEY]
    at = upload(at, "bad.csv", b"source,student_correct\nproduction,maybe\n")
    assert [e.value for e in at.error] == ["bad.csv: line 2: student_correct 'maybe' is not 0/1 or true/false"]
    assert at.session_state[SCENARIO_KEY] is before
    assert not at.exception


def test_the_shipped_example_button_loads_the_example():
    at = open_page()
    at.button(key="quality.example").click().run()
    assert not at.exception and not at.error
    assert any("600 graded production rows" in md.value for md in at.markdown)


def test_with_evidence_the_sidebar_shows_the_threshold_not_the_measured_rates():
    s = econ.example_scenario()
    s = s.model_copy(update={"quality": econ.Quality(usd_per_error=0.5, evidence=econ.Evidence(
        path=str(EXAMPLE), router_threshold=0.7))})
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.session_state[SCENARIO_KEY] = s
    at.run()
    keys = set(at.session_state.keys())
    assert "in:quality.evidence.router_threshold" in keys and "in:quality.usd_per_error" in keys
    assert not {"in:quality.fallback_rate", "in:quality.student_error_rate", "in:quality.teacher_error_rate"} & keys
    at.number_input(key="in:quality.evidence.router_threshold").set_value(0.8).run()
    assert not at.exception and not at.error
    changed = at.session_state[SCENARIO_KEY]
    assert changed.quality.evidence.router_threshold == 0.8
    x, _ = econ.numeric_inputs(changed)
    at_08 = econ.quality_evidence(econ.load_samples(EXAMPLE)).rates_at(0.8)
    assert x.fallback_rate[0] == at_08.fallback.rate and x.student_error_rate[0] == at_08.error.rate


def test_the_charts_plot_econs_numbers_and_mark_the_best_threshold():
    from ui.charts import quality as charts

    evidence = econ.quality_evidence(econ.load_samples(EXAMPLE))
    sweep = econ.threshold_sweep(econ.example_scenario().model_copy(update={
        "quality": econ.Quality(usd_per_error=0.5)}), evidence)
    npv = charts.npv_by_threshold(sweep.curve, sweep.best_threshold, chosen=0.5)
    best = next(t for t in npv.data if t.name.startswith("best"))
    assert (best.x[0], best.y[0]) == (sweep.best_threshold, sweep.best_npv_usd)
    assert any(t.name == "chosen (0.5)" for t in npv.data)
    trade = charts.router_tradeoff(sweep.curve, chosen=sweep.best_threshold, best=sweep.best_threshold)
    assert [t.name for t in trade.data][1:] == [f"best NPV ({sweep.best_threshold:.3g})"]  # one mark when equal
    bars = charts.source_rates(evidence.to_frame())
    assert list(bars.data[0].y) == [0.09, 0.02]
    assert list(bars.data[0].error_y.array) == pytest.approx([0.1155823 - 0.09, 0.0389634 - 0.02], abs=1e-6)


def test_ticking_evidence_in_the_sidebar_drops_the_typed_rates_instead_of_conflicting():
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.session_state[SCENARIO_KEY] = econ.example_scenario()
    at.run()
    at.checkbox(key="in:quality.evidence.__on").check().run()
    at.text_input(key="in:quality.evidence.path").set_value(str(EXAMPLE)).run()
    at.number_input(key="in:quality.evidence.router_threshold").set_value(0.7).run()
    assert not at.exception and not at.error
    scenario = at.session_state[SCENARIO_KEY]
    assert scenario.quality.evidence == econ.Evidence(path=str(EXAMPLE), router_threshold=0.7)
    assert econ.numeric_inputs(scenario)[0].fallback_rate[0] == 159 / 600


def test_a_file_over_50_mib_is_refused_beside_the_uploader():
    at = open_page()
    before = at.session_state[SCENARIO_KEY]
    at = upload(at, "huge.csv", b"x" * (50 * 2**20 + 1))
    assert [e.value for e in at.error] == ["huge.csv: 50.0 MiB is over the 50 MiB limit"]
    assert at.session_state[SCENARIO_KEY] is before and not at.exception


def test_unpriced_errors_never_offer_the_zero_dollar_optimum_as_the_main_action():
    # The example states "not_priced": at $0 per error the NPV-best threshold is 0, "never fall back",
    # with the student wrong 9.0% of the time against the teacher's 3.0%.
    at = upload(open_page(econ.example_scenario()), "samples.csv", EXAMPLE.read_bytes())
    assert not at.exception and not at.error
    assert metric(at, "The bar: teacher's error rate") == "3.0%"  # 18 of 600 production rows
    assert not any(m.label == "Best threshold (NPV)" for m in at.metric)
    evidence = econ.quality_evidence(econ.load_samples(EXAMPLE))
    curve = econ.threshold_sweep(econ.example_scenario(), evidence).curve
    lowest = curve.loc[curve["error_rate"] <= 18 / 600, "threshold"].min()
    assert metric(at, "Lowest threshold meeting the bar") == f"{lowest:.3g}"
    assert at.slider(key="quality.threshold").value == round(lowest, 2) > 0
    assert any("Errors are not priced" in w.value for w in at.warning)


def test_the_page_edits_the_error_cost_and_the_apply_confirms_what_changed():
    at = upload(open_page(econ.example_scenario()), "samples.csv", EXAMPLE.read_bytes())
    at.number_input(key="quality.usd_per_error").set_value(0.5).run()
    assert not at.exception and not at.error
    assert at.session_state[SCENARIO_KEY].quality.usd_per_error == 0.5
    assert at.number_input(key="in:quality.usd_per_error").value == 0.5  # the sidebar follows
    best = float(metric(at, "Best threshold (NPV)"))
    assert best > 0  # priced errors: falling back pays
    at.slider(key="quality.threshold").set_value(0.7).run()
    at.button(key="quality.apply").click().run()
    (done,) = [s.value for s in at.success]
    assert done.startswith("Applied to the scenario") and "Before: typed rates" in done and "Now: threshold 0.70" in done
