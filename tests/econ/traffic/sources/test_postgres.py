"""LiteLLM's database on a real PostgreSQL server: aggregated inside Postgres, the same table as the files."""

from __future__ import annotations

import socket
import threading

import numpy as np
import pandas as pd
import pytest
from postgres_server import create_spend_logs, free_port, postgres_dsn  # noqa: F401 - the fixture
from usage_truth import litellm_frame, truth_daily, truth_requests

from econ.cli.main import main
from econ.traffic.sources.errors import SourceError
from econ.traffic.sources.read import read_source

COLUMNS = ["requests", "input_tokens", "cached_input_tokens", "output_tokens"]


@pytest.fixture(scope="module")
def rows():
    return truth_requests(days=42, seed=8)


def _compare(got, truth) -> None:
    got = got.assign(date=lambda f: pd.to_datetime(f["date"]))
    merged = truth.merge(got, on=["date", "task"], how="outer", suffixes=("", "_got"), indicator=True)
    assert (merged["_merge"] == "both").all()
    for column in COLUMNS:
        assert np.array_equal(merged[column], merged[f"{column}_got"]), column
    assert np.abs(merged["usd"] - merged["usd_got"]).max() < 0.005  # to the cent


def test_the_database_gives_the_true_table_and_the_same_shape_as_the_files(postgres_dsn, rows, tmp_path):  # noqa: F811
    frame = litellm_frame(rows)
    create_spend_logs(postgres_dsn, frame)
    table = read_source(postgres_dsn)
    _compare(table.daily, truth_daily(rows))
    frame.to_parquet(tmp_path / "spend.parquet")
    files = read_source(str(tmp_path / "spend.parquet"))
    # Postgres' exact quantiles and DuckDB's approximate ones agree within a few tokens; hours exactly
    db, fs = table.shape.set_index("task"), files.shape.set_index("task")
    assert np.allclose(db["peak_to_average_hourly"], fs["peak_to_average_hourly"])
    assert np.allclose(db["input_p50"], fs["input_p50"], rtol=0.05)
    # to the cent: the database sends each task-day's USD rounded to a millionth of a dollar
    assert table.untagged_usd == pytest.approx(files.untagged_usd, abs=0.005)
    assert table.failed_requests == files.failed_requests and table.notes == ()


def test_pruned_days_come_from_daily_tag_spend_and_the_report_says_so(postgres_dsn, rows):  # noqa: F811
    truth = truth_daily(rows)
    cut = truth["date"].min() + pd.Timedelta(days=14)
    old, recent = truth.loc[truth["date"] < cut], rows.loc[rows["ts"] >= cut]
    tagged = old.loc[old["task"] != "(untagged)"]
    tag_spend = pd.DataFrame({
        "id": [f"id-{i}" for i in range(len(tagged))], "tag": "taskName:" + tagged["task"],
        "date": tagged["date"].dt.strftime("%Y-%m-%d"), "api_key": "k", "model": "azure/gpt-4o",
        "prompt_tokens": tagged["input_tokens"].astype(int), "completion_tokens": tagged["output_tokens"].astype(int),
        "cache_read_input_tokens": tagged["cached_input_tokens"].astype(int), "spend": tagged["usd"],
        "successful_requests": tagged["requests"].astype(int), "failed_requests": 0})
    create_spend_logs(postgres_dsn, litellm_frame(recent), tag_spend)
    table = read_source(postgres_dsn)
    expected = pd.concat([tagged, truth.loc[truth["date"] >= cut]]).reset_index(drop=True)
    _compare(table.daily, expected)
    assert "14 day(s) before" in table.notes[0] and "LiteLLM_DailyTagSpend" in table.notes[0]


def test_a_refused_dsn_is_one_line_without_its_password(capsys):
    dsn = f"postgresql://econ:s3cret-pw@127.0.0.1:{free_port()}/postgres"
    assert main(["usage", dsn]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "s3cret-pw" not in err and "cannot connect" in err and "***" in err


def test_a_dsn_that_times_out(capsys):
    with socket.socket() as silent:  # accepts the connection and never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        port = silent.getsockname()[1]
        threading.Thread(target=lambda: silent.accept(), daemon=True).start()
        assert main(["usage", f"postgresql://u:pw@127.0.0.1:{port}/db?connect_timeout=1"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and ":pw@" not in err


def test_a_database_without_litellm_tables(postgres_dsn):  # noqa: F811
    import psycopg

    with psycopg.connect(postgres_dsn, autocommit=True) as con:
        con.execute('DROP TABLE IF EXISTS "LiteLLM_SpendLogs"; DROP TABLE IF EXISTS "LiteLLM_DailyTagSpend"')
    with pytest.raises(SourceError, match="is this LiteLLM's database"):
        read_source(postgres_dsn)
