"""The web app through Streamlit's AppTest: every page renders, inputs drive econ's numbers, invalid
inputs and files are refused beside the field without losing the last valid result.

AppTest runs the real app.py (sidebar + st.navigation) in-process; file uploads are driven with
AppTest's file_uploader support, and the upload parsing is also tested directly in test_charts.py.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from app_support import APP, TIMEOUT, profile_dict, scenario_with_profile
from streamlit.testing.v1 import AppTest

import econ
from econ.chain.evaluate import is_caveat
from ui import format as fmt
from ui.state import SCENARIO_KEY
from ui.verdicts import sentence

ROOT = Path(__file__).resolve().parents[2]
PAGES = ["ui/pages/breakeven.py", "ui/pages/serving.py", "ui/pages/profiles.py", "ui/pages/scenarios.py",
         "ui/pages/risk.py", "ui/pages/portfolio.py",
         "ui/pages/quality.py"]


def start(scenario: econ.Scenario | None = None) -> AppTest:
    """The app on its landing page, opened on `scenario` (default: econ's example, whose teacher is an API)."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.session_state[SCENARIO_KEY] = scenario or econ.example_scenario()
    return at.run()


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def errors(at: AppTest) -> list[str]:
    return [e.value for e in at.error]


@pytest.fixture(scope="module")
def profile_path(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("profiles") / "student.json"
    path.write_text(json.dumps(profile_dict()))
    return str(path)


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_without_exception(page):
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()  # the scenario the app opens on
    assert not at.exception, at.exception
    at.switch_page(page).run()
    assert not at.exception, at.exception
    assert not errors(at)


@pytest.mark.parametrize("page", ["ui/pages/breakeven.py", "ui/pages/serving.py"])
def test_pages_render_a_student_sized_from_a_profile(page, profile_path):
    at = start(scenario_with_profile(profile_path))
    at.switch_page(page).run()
    assert not at.exception, at.exception
    assert not errors(at)
    if page == "ui/pages/serving.py":
        assert len(at.get("plotly_chart")) == 3  # latency curve, fleet, cost vs utilization
        assert any("operating point batch 16" in m.value for m in at.markdown)  # p99 TPOT 19.2 ≤ 20 ms


def test_landing_page_shows_econs_headline_and_both_charts():
    at = start()
    result = econ.evaluate(econ.example_scenario())
    assert metric(at, "Payback") == fmt.months(result.payback_months)
    assert metric(at, "NPV at 10%/year") == fmt.usd(result.npv_usd)
    assert len(at.get("plotly_chart")) == 2
    # Warnings that ask for action stay in view, as sentences; standing caveats go in one box.
    action = [w for w in result.warnings if not is_caveat(w)]
    assert [w.value for w in at.warning] == [sentence(w) for w in action]
    assert action and all(w.value[0].isupper() and w.value.endswith(".") for w in at.warning)
    box = next(e for e in at.expander if e.label.startswith("Assumptions to check"))
    assert "quality was not measured on production traffic" in box.markdown[0].value


def test_the_verdict_is_the_first_line_of_the_landing_page():
    at = start()
    first = at.main.children[1]  # after the title
    assert first.value.startswith("**Distil**: Pays back in 4.3 months with 8 in 10 confidence")
    assert "on cost alone; errors not priced" in first.value


def test_not_yet_decidable_names_the_input_and_where_to_supply_it():
    data = json.loads(econ.example_scenario().model_dump_json())
    data["quality"].pop("usd_per_error")  # an old scenario file: the error cost never stated
    at = start(econ.parse_scenario(data))
    box = at.warning[0].value
    assert box.startswith("**Not yet decidable**: No cost per wrong answer is stated")
    assert "Supply **Cost of one wrong answer (USD/error)** in the sidebar under *Quality and fallback*" in box
    # Stating it in the sidebar decides it.
    at.radio(key="in:quality.usd_per_error.__mode").set_value("Not priced: decide on cost alone").run()
    assert at.main.children[1].value.startswith("**Distil**")
    assert at.session_state[SCENARIO_KEY].quality.usd_per_error == "not_priced"


def test_changing_requests_per_day_updates_payback_to_econs_value():
    at = start()
    at.number_input(key="in:traffic.requests_per_day").set_value(60_000).run()
    changed = econ.example_scenario().model_dump()
    changed["traffic"]["requests_per_day"] = 60_000
    expected = econ.evaluate(econ.Scenario.model_validate(changed))
    assert metric(at, "Payback") == fmt.months(expected.payback_months)
    assert metric(at, "Payback") != fmt.months(econ.evaluate(econ.example_scenario()).payback_months)
    payback = next(m for m in at.metric if m.label == "Payback")
    assert payback.delta.startswith("-")  # faster than the previous run


def test_invalid_input_shows_the_message_and_keeps_the_last_valid_result():
    at = start()
    at.number_input(key="in:traffic.requests_per_day").set_value(60_000).run()
    valid = metric(at, "Payback")
    at.number_input(key="in:traffic.requests_per_day").set_value(-5).run()
    assert not at.exception
    assert "Input should be greater than or equal to 0" in errors(at)
    assert metric(at, "Payback") == valid
    assert at.session_state[SCENARIO_KEY].traffic.requests_per_day == 60_000
    assert any("last valid result" in w.value for w in at.warning)


def test_an_slo_no_batch_meets_is_reported_beside_the_slo(profile_path):
    at = start(scenario_with_profile(profile_path))
    before = metric(at, "Payback")
    at.number_input(key="in:student.slo.tpot_ms_p99").set_value(5.0).run()
    assert any(e.startswith("no batch in the measured profile meets the SLO") for e in errors(at))
    assert metric(at, "Payback") == before


def test_teacher_switches_to_self_hosted_with_a_gpu_from_the_price_table():
    at = start()
    at.radio(key="in:teacher.kind").set_value("self_hosted").run()
    table = at.selectbox(key="in:teacher.__gpu_table")
    option = next(o for o in table.options if o.startswith("h100-sxm · RunPod community"))
    table.set_value(option).run()
    assert not at.exception and not errors(at)
    teacher = at.session_state[SCENARIO_KEY].teacher
    assert teacher.kind == "self_hosted" and teacher.gpu_name == "h100-sxm" and teacher.gpu_usd_per_hour == 2.69


def test_api_price_table_fills_the_teacher_prices():
    at = start()
    at.selectbox(key="in:teacher.__api_table").set_value("gpt-4o").run()
    teacher = at.session_state[SCENARIO_KEY].teacher
    assert (teacher.name, teacher.input_usd_per_mtok, teacher.output_usd_per_mtok) == ("gpt-4o", 2.5, 10.0)
    expected = econ.evaluate(at.session_state[SCENARIO_KEY])
    assert metric(at, "Payback") == fmt.months(expected.payback_months)


def test_uploading_a_malformed_profile_shows_an_error():
    at = start()
    at.switch_page("ui/pages/profiles.py").run()
    at.file_uploader(key="profiles.upload").set_value(("broken.json", b"{not json", "application/json")).run()
    assert not at.exception
    assert any("Not a usable profile" in e and "not valid JSON" in e for e in errors(at))
    at.file_uploader(key="profiles.upload").set_value(
        ("wrong.json", json.dumps({"provenance": "measured"}).encode(), "application/json")).run()
    assert any("model: Field required" in e for e in errors(at))


def test_an_uploaded_profile_can_size_the_student():
    at = start()
    at.switch_page("ui/pages/profiles.py").run()
    at.file_uploader(key="profiles.upload").set_value(
        ("est.json", json.dumps(profile_dict("estimated")).encode(), "application/json")).run()
    assert any("Estimated (not measured)" in s.value for s in at.success)
    compare_a = at.selectbox(key="profiles.a")
    compare_a.set_value(next(o for o in compare_a.options if o.startswith("uploaded: est.json"))).run()
    assert any("A: estimated, not a measurement" in w.value for w in at.warning)  # compare column label
    at.radio(key="in:student.__capacity").set_value("From a profile + latency SLO").run()
    picker = at.selectbox(key="in:student.profile")
    picker.set_value(next(o for o in picker.options if o.startswith("uploaded:") and o.endswith("est.json"))).run()
    at.number_input(key="in:student.slo.tpot_ms_p99").set_value(20.0).run()
    assert not errors(at)
    student = at.session_state[SCENARIO_KEY].student
    assert isinstance(student.profile, econ.Profile) and student.profile.provenance == "estimated"


def test_scenarios_upload_compare_and_load(tmp_path):
    at = start()
    at.switch_page("ui/pages/scenarios.py").run()
    at.file_uploader(key="scenarios.upload").set_value(("bad.json", b"[]", "application/json")).run()
    assert any(e.startswith("Not loaded") for e in errors(at))
    other = econ.example_scenario().model_copy(update={"name": "double traffic"})
    other = econ.parse_scenario(json.dumps({**json.loads(other.model_dump_json(exclude_none=True)),
                                            "traffic": {"requests_per_day": 60_000}}))
    at.file_uploader(key="scenarios.upload").set_value(
        ("double.json", other.model_dump_json().encode(), "application/json")).run()
    assert not at.exception
    assert len(at.get("plotly_chart")) == 3  # comparison + both cumulative curves
    # The uploaded scenario is the baseline A, the current one the new B; every change is B − A.
    assert at.selectbox(key="scenarios.a").value == "library: double traffic"
    assert at.selectbox(key="scenarios.b").value == "current"
    b_payback = next(m for m in at.metric if m.label == "Payback: B, change B − A")
    current, uploaded = econ.evaluate(econ.example_scenario()), econ.evaluate(other)
    assert b_payback.value == fmt.months(current.payback_months)
    # double traffic pays back sooner, so the current one (B) is slower: a positive change
    assert b_payback.delta == fmt.delta(current.payback_months, uploaded.payback_months, "months")
    assert b_payback.delta.startswith("+")
    table = at.dataframe[0].value
    assert list(table.columns) == ["", "A (baseline)", "B (new)", "Change B − A (new − baseline)"]
    at.button(key="scenarios.load").click().run()
    assert at.session_state[SCENARIO_KEY].name == "double traffic"
    assert at.number_input(key="in:traffic.requests_per_day").value == 60_000


def _leaves(data: dict, prefix: str = ""):
    for name, value in data.items():
        path = f"{prefix}{name}"
        if isinstance(value, dict):
            yield from _leaves(value, f"{path}.")
        else:
            yield path, value


def test_every_scenario_field_has_an_input_labelled_from_its_description():
    scenario = econ.example_scenario()  # API teacher, self-hosted student with typed capacity, no swap
    at = start(scenario)
    keys = set(at.session_state.keys())
    # typed capacity; swap and quality evidence are behind their checkboxes
    not_shown = {"student.profile", "student.slo", "swap", "quality.evidence"}
    missing = [path for path, _ in _leaves(scenario.model_dump())
               if path not in not_shown and f"in:{path}" not in keys]
    assert not missing
    assert "in:swap.__on" in keys and "in:quality.evidence.__on" in keys
    field = at.number_input(key="in:traffic.requests_per_day")
    assert field.label == "Average requests per day in month 1 (requests/day)"
    assert econ.Traffic.model_fields["requests_per_day"].description in field.help


def test_deriving_the_training_cost_from_throughput(tmp_path):
    at = start()
    at.radio(key="in:distillation.training_usd.__mode").set_value("Derive (TrainingRun)").run()
    assert not at.exception
    assert errors(at).count("Required: enter a value") == 3  # examples, tokens_per_example, gpu_usd_per_hour
    for name, value in (("examples", 20_000), ("tokens_per_example", 1_000), ("gpu_usd_per_hour", 2.69),
                        ("training_tokens_per_s", 5_000.0)):
        at.number_input(key=f"in:distillation.training_usd.{name}").set_value(value).run()
    assert not errors(at)
    run = at.session_state[SCENARIO_KEY].distillation.training_usd
    assert isinstance(run, econ.TrainingRun) and run.training_tokens_per_s == 5_000.0
    expected = econ.evaluate(at.session_state[SCENARIO_KEY])
    assert metric(at, "Payback") == fmt.months(expected.payback_months)


def test_a_scenario_replaced_by_another_page_shows_in_the_sidebar():
    at = start()
    at.number_input(key="in:traffic.requests_per_day").set_value(45_000).run()
    data = econ.example_scenario().model_dump()
    data["traffic"]["requests_per_day"] = 12_345
    data["risk"] = {"inputs": [{"input": "fallback_rate", "low": 0.02, "high": 0.2}]}
    replaced = econ.Scenario.model_validate(data)
    at.session_state[SCENARIO_KEY] = replaced  # what ui.state.set_scenario does for the Risk page
    at.run()
    assert not errors(at)
    assert at.number_input(key="in:traffic.requests_per_day").value == 12_345
    assert at.session_state[SCENARIO_KEY] == replaced  # the sidebar did not write its stale values back
    assert '"fallback_rate"' in at.text_area(key="in:risk").value


def test_nothing_is_evaluated_twice_in_one_rerun(monkeypatch):
    calls = []
    real = econ.evaluate

    def counting(scenario):
        calls.append(scenario)
        return real(scenario)

    monkeypatch.setattr(econ, "evaluate", counting)
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()  # first render: the scenario the app opens on
    assert not at.exception and len(calls) == 1
    at.run()  # a rerun with nothing changed evaluates nothing
    assert len(calls) == 1
    at.number_input(key="in:traffic.requests_per_day").set_value(60_000).run()  # one change, one evaluation
    assert len(calls) == 2 and calls[-1].traffic.requests_per_day == 60_000
    assert metric(at, "NPV at 10%/year") == fmt.usd(real(calls[-1]).npv_usd)


def test_growth_typed_as_8_warns_beside_the_field_and_on_the_page():
    at = start()
    at.number_input(key="in:traffic.monthly_growth").set_value(8.0).run()
    assert not at.exception and not errors(at)
    beside = [w.value for w in at.sidebar.warning]
    assert any(w.startswith("Growth of 8 in “Compound growth of traffic per month” is +800% a month")
               and "did you mean 0.08" in w for w in beside)
    assert any("did you mean 0.08" in w.value for w in at.main.warning)  # it asks for action: in view
    assert ("check “Compound growth of traffic per month”, “Average requests per day in month 1” first"
            in at.main.children[1].value)
    assert "traffic.monthly_growth" not in at.main.children[1].value  # the sidebar's words, not a JSON path
    assert any(c.value.startswith("Discounted payback") and "IRR > 1,000%/year" in c.value for c in at.caption)


def test_the_scenarios_page_offers_the_decision_report_as_pdf_and_html_beside_the_json():
    at = start()
    at.switch_page("ui/pages/scenarios.py").run()
    assert not at.exception and not errors(at)
    labels = [b.label for b in at.get("download_button")]
    assert labels[:4] == ["Scenario JSON", "Monthly table CSV", "Report (PDF)", "Report (HTML)"]


def test_an_edited_scenario_is_renamed_name_edited_and_a_loaded_one_keeps_its_name():
    at = start()  # econ's example, named "example"
    at.number_input(key="in:traffic.requests_per_day").set_value(45_000).run()
    assert at.session_state[SCENARIO_KEY].name == "example (edited)"
    caption = next(c.value for c in at.caption if c.value.startswith("Scenario"))
    assert "Scenario **example (edited)**" in caption
    at.number_input(key="in:traffic.monthly_growth").set_value(0.05).run()  # a second edit: not re-suffixed
    assert at.session_state[SCENARIO_KEY].name == "example (edited)"
    assert at.text_input(key="in:name").value == "example (edited)"  # the sidebar's name box follows
    at.text_input(key="in:name").set_value("plan B").run()  # a name the user types is kept
    assert at.session_state[SCENARIO_KEY].name == "plan B"
    at.switch_page("ui/pages/scenarios.py").run()
    other = econ.example_scenario().model_copy(update={"name": "budget"})
    at.file_uploader(key="scenarios.upload").set_value(
        ("budget.json", other.model_dump_json().encode(), "application/json")).run()
    at.selectbox(key="scenarios.load_pick").set_value("budget")
    at.button(key="scenarios.load").click().run()
    assert at.session_state[SCENARIO_KEY].name == "budget"  # loaded under its own name
    at.number_input(key="in:traffic.requests_per_day").set_value(50_000).run()
    assert at.session_state[SCENARIO_KEY].name == "budget (edited)"


def test_the_deciding_inputs_are_in_view_and_every_other_input_is_behind_one_collapsed_box():
    at = start(econ.default_scenario())
    advanced = next(e for e in at.sidebar.expander if e.label.startswith("Advanced"))
    assert not advanced.proto.expanded
    inside = {w.key for w in advanced.number_input} | {w.key for w in advanced.text_input}
    for key in ("traffic.peak_to_average", "workload.input_tokens", "horizon_months",
                "student.target_utilization", "distillation.evaluation_usd"):
        assert f"in:{key}" in inside
    for key in ("traffic.requests_per_day", "traffic.monthly_growth", "teacher.gpu_usd_per_hour",
                "student.gpus_per_replica", "quality.fallback_rate", "quality.teacher_error_rate",
                "quality.student_error_rate", "quality.p_student_fails", "distillation.lead_time_months",
                "student.slo.ttft_ms_p99"):
        assert f"in:{key}" not in inside and at.number_input(key=f"in:{key}") is not None
    assert "in:quality.usd_per_error.__mode" not in {r.key for r in advanced.radio}
    assert "in:quality.usd_per_error.__mode" in {r.key for r in at.sidebar.radio}
