"""The Portfolio page through AppTest: upload a log, read the ranking, open a task in the sidebar."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from portfolio_app import metric
from portfolio_app import start as open_portfolio
from streamlit.testing.v1 import AppTest

import econ
from ui import format as fmt
from ui import screen_tables
from ui.charts import portfolio as portfolio_charts
from ui.state import SCENARIO_KEY

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
PAGE = "ui/pages/portfolio.py"
SAMPLE = ROOT / "examples" / "usage.csv"
TIMEOUT = 60  # seconds per script run; generous for a loaded 2-core machine, never asserted


def expected() -> econ.Screen:
    return econ.screen(econ.load_usage(SAMPLE), econ.example_scenario())


def start() -> AppTest:
    return open_portfolio(TIMEOUT)


def upload_sample() -> AppTest:
    at = start()
    return at.file_uploader(key="portfolio.upload").set_value(
        ("usage.csv", SAMPLE.read_bytes(), "text/csv")).run()


@pytest.fixture(scope="module")
def uploaded():
    return upload_sample()


def test_page_asks_for_a_log_first():
    at = start()
    assert not at.exception and not at.error
    assert any("Upload a usage log" in i.value for i in at.info)


def test_uploaded_log_is_ranked_with_econs_numbers(uploaded):
    assert not uploaded.exception and not uploaded.error
    result = expected()
    assert metric(uploaded, "Distil set NPV") == fmt.usd(result.distil_npv_usd)
    assert metric(uploaded, "Distil set (tasks)") == f"{len(result.distil)} of {len(result.tasks)}"
    table = uploaded.table[0].value
    assert list(table["Task"]) == [t.task for t in result.tasks]
    # econ.risk.verdict's words, as `econ screen` prints them
    assert list(table["Verdict"]) == [t.verdict_label for t in result.tasks]
    assert list(table["NPV $"]) == [fmt.usd(t.npv_usd) for t in result.tasks]
    assert list(table["Data generation $"]) == [fmt.usd(t.data_generation_usd) for t in result.tasks]
    assert len(uploaded.get("plotly_chart")) == 1
    assert any("not scored" in w.value for w in uploaded.warning)


def test_opening_a_task_makes_it_the_scenario_every_page_shows():
    uploaded = upload_sample()
    uploaded.selectbox(key="portfolio.task").set_value("invoice-extraction").run()
    assert any("invoice-extraction: Distil" in md.value for md in uploaded.markdown)
    uploaded.button(key="portfolio.open").click().run()
    assert not uploaded.exception
    assert any("invoice-extraction is the current scenario" in s.value for s in uploaded.success)
    current = uploaded.session_state[SCENARIO_KEY]
    assert current.name == "invoice-extraction"
    task = next(t for t in expected().tasks if t.task == "invoice-extraction")
    assert current == screen_tables.as_typed(task.scenario)  # rounded as a person would type it
    assert current.traffic.requests_per_day == float(f"{task.requests_per_day:.3g}")
    # The ranking stays on the template it was screened on.
    assert list(uploaded.table[0].value["Task"]) == [t.task for t in expected().tasks]
    uploaded.switch_page("ui/pages/breakeven.py").run()
    assert not uploaded.exception
    assert metric(uploaded, "Payback") == fmt.months(econ.evaluate(current).payback_months)


def test_a_bad_log_is_named_beside_the_upload():
    at = start()
    bad = b"date,task,requests,input_tokens,output_tokens\n2026-01-01,a,-3,10,1\n"
    at.file_uploader(key="portfolio.upload").set_value(("bad.csv", bad, "text/csv")).run()
    assert not at.exception
    assert [e.value for e in at.error] == ["Not screened: bad.csv: line 2: requests -3 is negative"]


def test_budget_shows_the_chosen_set(uploaded):
    uploaded.number_input(key="portfolio.budget").set_value(50_000.0).run()
    result = econ.screen(econ.load_usage(SAMPLE), econ.example_scenario(), budget_usd=50_000)
    chosen = [t for t in result.tasks if t.task in result.chosen]
    assert metric(uploaded, "Chosen within $50.0k") == fmt.usd(sum(t.npv_usd for t in chosen))


def test_npv_bars_are_coloured_by_verdict_and_the_table_has_daily_volume():
    result = expected()
    fig = portfolio_charts.npv_bars(result.to_frame())
    colors = {trace.name: trace.marker.color for trace in fig.data}
    labels = portfolio_charts.VERDICT_LABELS
    assert colors == {labels[k]: c for k, c in portfolio_charts.VERDICT_COLORS.items()}
    bars = {task: verdict for trace in fig.data for task, verdict in zip(trace.y, trace.text, strict=True)}
    assert bars == {t.task: t.verdict_label for t in result.tasks if t.npv_usd is not None}
    table = screen_tables.ranked_table(result)
    daily = table.loc[table["Task"] == "support-replies", screen_tables.DAILY_COLUMN].iloc[0]
    assert len(daily) == len(result.recent_daily) and min(daily) > 0


def test_the_shipped_template_gives_the_clis_numbers_to_the_cent(uploaded):
    uploaded.radio(key="portfolio.template_choice").set_value(
        "Shipped template (examples/template.json)").run()
    assert not uploaded.exception and not uploaded.error
    assert any("the shipped template examples/template.json" in md.value for md in uploaded.markdown)
    out = subprocess.run([sys.executable, "-m", "econ", "screen", "examples/usage.csv", "--template",
                          "examples/template.json", "--format", "json"],
                         capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    cli = json.loads(out.stdout)
    table = uploaded.table[0].value
    assert metric(uploaded, "Distil set NPV") == fmt.usd(cli["portfolio"]["distil_npv_usd"])
    assert list(table["NPV $"]) == [fmt.usd(t["npv_usd"]) for t in cli["tasks"]]
    # to the cent: the page's own screen object, on the template it stored, against the CLI's JSON
    stored = econ.parse_scenario(uploaded.session_state["portfolio.template"])
    page = econ.screen(econ.load_usage(SAMPLE), stored)
    assert round(page.distil_npv_usd, 2) == round(cli["portfolio"]["distil_npv_usd"], 2)
    assert [round(t.npv_usd, 2) if t.npv_usd is not None else None for t in page.tasks] == [
        round(t["npv_usd"], 2) if t["npv_usd"] is not None else None for t in cli["tasks"]]
    assert [t.data_generation_usd for t in page.tasks] == [t["data_generation_usd"] for t in cli["tasks"]]


def test_an_uploaded_template_is_used_and_a_bad_one_named_beside_the_field():
    at = upload_sample()
    at.radio(key="portfolio.template_choice").set_value("Uploaded scenario JSON").run()
    assert any("Upload a scenario JSON" in i.value for i in at.info)
    at.file_uploader(key="portfolio.template_upload").set_value(
        ("mine.json", (ROOT / "examples" / "template.json").read_bytes(), "application/json")).run()
    assert not at.exception and not at.error
    assert any("the uploaded scenario" in md.value and "portfolio template" in md.value for md in at.markdown)
    at.file_uploader(key="portfolio.template_upload").set_value(("bad.json", b"{", "application/json")).run()
    assert [e.value for e in at.error][0].startswith("Template not used: bad.json:")


def test_a_task_opens_with_the_figures_a_person_would_type():
    base = econ.example_scenario()
    s = base.model_copy(update={
        "traffic": base.traffic.model_copy(update={"requests_per_day": 61_234.567, "monthly_growth": 0.021347,
                                                   "peak_to_average": 2.1234}),
        "teacher": base.teacher.model_copy(update={"input_usd_per_mtok": 2.99871,
                                                   "output_usd_per_mtok": 14.9936})})
    typed = screen_tables.as_typed(s)
    # 61,234.567 → 3 significant figures 61,200; 2.1347% → 2.1%; 2.1234 → 2.1;
    # $2.99871 → $3.00; $14.9936 → $14.99
    assert typed.traffic.requests_per_day == 61_200
    assert typed.traffic.monthly_growth == 0.021
    assert typed.traffic.peak_to_average == 2.1
    assert (typed.teacher.input_usd_per_mtok, typed.teacher.output_usd_per_mtok) == (3.0, 14.99)
