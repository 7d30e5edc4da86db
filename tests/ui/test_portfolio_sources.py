"""The Portfolio page reads any usage source: a Parquet upload with a task-key choice, LiteLLM's database."""

from __future__ import annotations

import io
from pathlib import Path

from portfolio_app import metric
from portfolio_app import start as open_portfolio
from postgres_server import create_spend_logs, postgres_dsn  # noqa: F401 - the fixture
from streamlit.testing.v1 import AppTest
from usage_truth import canonical_frame, litellm_frame, truth_requests

import econ
from econ.traffic.sources.read import read_source
from ui import format as fmt
from ui.state import SCENARIO_KEY

APP = str(Path(__file__).resolve().parents[2] / "app.py")
PAGE = "ui/pages/portfolio.py"
TIMEOUT = 120  # seconds per script run; generous for a loaded 2-core machine, never asserted
ROWS = truth_requests(days=42, seed=21)


def start() -> AppTest:
    return open_portfolio(TIMEOUT)


def test_a_parquet_upload_offers_task_keys_and_shows_untagged_spend_and_npv_ranges(tmp_path):
    buffer = io.BytesIO()
    canonical_frame(ROWS).to_parquet(buffer, index=False)
    at = start()
    at = at.file_uploader(key="portfolio.upload").set_value(("usage.parquet", buffer.getvalue(),
                                                             "application/octet-stream")).run()
    assert not at.exception and not at.error, at.error
    assert at.selectbox(key="portfolio.task_key").options == ["task", "model"]
    (tmp_path / "u.parquet").write_bytes(buffer.getvalue())
    table = read_source(str(tmp_path / "u.parquet"))
    assert metric(at, "Untagged spend") == fmt.usd(table.untagged_usd)
    ranked = at.table[0].value
    expected = econ.screen(table.to_usage_log(), econ.example_scenario(), shape=table.screen_shape())
    for column, key in (("NPV P10 $", "npv_p10_usd"), ("NPV $", "npv_usd"), ("NPV P90 $", "npv_p90_usd")):
        assert list(ranked[column]) == [fmt.usd(getattr(t, key)) for t in expected.tasks]
    scored = [t for t in expected.tasks if t.npv_usd is not None]
    assert all(t.npv_p10_usd <= t.npv_p90_usd for t in scored)
    assert [t.npv_p10_usd for t in scored] == sorted((t.npv_p10_usd for t in scored), reverse=True)
    at = at.selectbox(key="portfolio.task_key").set_value("model").run()  # tasks by model now
    assert not at.exception and set(at.table[0].value["Task"]) <= set(ROWS["model"])


def test_a_typed_dsn_reads_litellms_database_and_is_never_stored(postgres_dsn):  # noqa: F811
    create_spend_logs(postgres_dsn, litellm_frame(ROWS))
    at = start()
    at = at.radio(key="portfolio.source_kind").set_value("LiteLLM database (Postgres)").run()
    at = at.text_input(key="portfolio.dsn").input(postgres_dsn).run()
    at = at.button(key="portfolio.read_dsn").click().run()
    assert not at.exception and not at.error, at.error
    assert metric(at, "Untagged spend") == fmt.usd(read_source(postgres_dsn).untagged_usd)
    assert not at.query_params  # nothing in the page's URL
    scenario_json = at.session_state[SCENARIO_KEY].model_dump_json()
    assert "postgresql://" not in scenario_json and "portfolio.db_table" in at.session_state


def test_a_refused_dsn_is_one_error_beside_the_field_without_the_password():
    at = start()
    at = at.radio(key="portfolio.source_kind").set_value("LiteLLM database (Postgres)").run()
    at = at.text_input(key="portfolio.dsn").input("postgresql://u:hunter2@127.0.0.1:1/db").run()
    at = at.button(key="portfolio.read_dsn").click().run()
    assert not at.exception and len(at.error) == 1
    assert "hunter2" not in at.error[0].value and "cannot connect" in at.error[0].value
