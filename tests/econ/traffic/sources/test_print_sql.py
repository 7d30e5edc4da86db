"""--print-sql: one query, transpiled; the DuckDB form runs and gives the reader's table, the rest parse back."""

from __future__ import annotations

import subprocess
import sys

import pytest
from usage_truth import litellm_frame, truth_requests

from econ.cli.main import main
from econ.traffic.sources.sql import DIALECTS, warehouse_sql


def test_the_duckdb_form_run_on_a_litellm_table_gives_the_same_totals_as_the_file_reader(tmp_path):
    import duckdb

    rows = truth_requests(days=14, seed=5)
    table = litellm_frame(rows)
    con = duckdb.connect()
    con.register("spend_frame", table)
    con.execute('CREATE TABLE "LiteLLM_SpendLogs" AS SELECT * FROM spend_frame')
    got = con.execute(warehouse_sql("duckdb")).df()
    ok = (rows["status"] == "success") & ~rows["cache_hit"]
    assert got["requests"].sum() == ok.sum()
    assert got["usd"].sum() == pytest.approx(rows.loc[ok, "usd"].sum())
    assert got["cached_input_tokens"].sum() == rows.loc[ok, "cached_input_tokens"].sum()
    assert set(got["model"]) == set(rows["model"])  # azure/ prefixes removed in SQL


@pytest.mark.parametrize("dialect", [d for d in DIALECTS if d not in ("duckdb",)])
def test_every_dialect_parses_back(dialect):
    import sqlglot

    text = warehouse_sql(dialect, task_key="tag:taskName", since="2026-01-01", until="2026-01-31")
    tree = sqlglot.parse_one(text, read=dialect)
    assert tree.find(sqlglot.exp.Group) is not None and "LiteLLM_SpendLogs" in text


def test_print_sql_on_the_command_line(capsys):
    assert main(["usage", "--print-sql", "--dialect", "snowflake"]) == 0
    assert "SPLIT_PART(CAST(\"request_tags\" AS VARCHAR), '\"taskName:', 2)" in capsys.readouterr().out


def test_bigquery_takes_the_tag_by_a_regular_expression():
    # BigQuery has no SPLIT_PART: the same text between '"taskName:' and the next quote
    text = warehouse_sql("bigquery", task_key="tag:taskName")
    assert "SPLIT_PART" not in text and "REGEXP_EXTRACT(CAST(`request_tags` AS STRING), '\"taskName:([^\"]*)\"')" in text


def test_import_econ_and_its_usage_modules_need_no_duckdb_sqlglot_or_psycopg():
    code = ("import sys\nfor m in ('duckdb', 'sqlglot', 'psycopg'):\n    sys.modules[m] = None\n"
            "import econ, econ.cli.main, econ.traffic.sources.read, econ.traffic.sources.files\nprint('ok')")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0 and out.stdout.strip() == "ok", out.stderr
