"""Rows without a cost: priced by genai-prices at the row's own UTC day; the project's table overrides."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pandas as pd
import pytest

from econ.cli.main import main
from econ.model import price_history
from econ.traffic.sources.read import read_source


def _rows(tmp_path, model: str, days: list[str]):
    frame = pd.DataFrame({"timestamp": [f"{d}T12:00:00Z" for d in days], "task": "a", "input_tokens": 1_000_000,
                          "cached_input_tokens": 0, "output_tokens": 1_000_000, "model": model})
    frame.to_csv(tmp_path / "u.csv", index=False)
    return read_source(str(tmp_path / "u.csv"))


def test_a_model_only_genai_prices_knows_is_priced_at_each_rows_day(tmp_path):
    # genai-prices 0.2.3: deepseek-v4-flash $0.14/$0.28 per M until 2026-08-16, $0.22/$0.66 from 2026-08-17
    table = _rows(tmp_path, "deepseek/deepseek-v4-flash", ["2026-08-16", "2026-08-17"])
    assert list(table.daily["usd"]) == pytest.approx([0.14 + 0.28, 0.22 + 0.66])
    assert "genai-prices 0.2.3" in table.price_source and "row's UTC day" in table.price_source


def test_cached_input_is_priced_at_the_cached_price(tmp_path):
    frame = pd.DataFrame({"timestamp": ["2026-08-16T12:00:00Z"], "task": "a", "input_tokens": 1_000_000,
                          "cached_input_tokens": 1_000_000, "output_tokens": 0, "model": "deepseek-v4-flash"})
    frame.to_csv(tmp_path / "u.csv", index=False)
    assert read_source(str(tmp_path / "u.csv")).daily["usd"].iloc[0] == pytest.approx(0.0028)  # cache read $/M


def test_the_projects_table_overrides_genai_prices(tmp_path):
    table = _rows(tmp_path, "azure/gpt-4o", ["2026-08-16"])
    assert table.daily["usd"].iloc[0] == pytest.approx(2.5 + 10.0)
    assert table.price_source.startswith("econ/data/api_prices.json")


def test_price_history_on_the_command_line(capsys):
    assert main(["prices", "--api", "deepseek-v4-flash"]) == 0
    out = capsys.readouterr().out
    assert "from 2026-08-17" in out and "genai-prices 0.2.3" in out
    assert main(["prices", "--api", "gpt-4o-mni"]) == 2
    assert "closest known: gpt-4o-mini" in capsys.readouterr().err


def test_price_at_returns_floats_and_none_for_an_unknown_model():
    point = price_history.price_at("gpt-4o", dt.date(2026, 1, 1))
    assert isinstance(point.input_usd_per_mtok, float) and point.input_usd_per_mtok == 2.5
    assert price_history.price_at("no-such-model-xyz", dt.date(2026, 1, 1)) is None


def test_import_econ_imports_neither_genai_prices_nor_its_http_client():
    code = ("import sys, econ, econ.cli.main, econ.traffic.sources.prices\n"
            "print(sorted(m for m in ('genai_prices', 'httpx', 'httpx2', 'duckdb', 'psycopg', 'sqlglot') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0 and out.stdout.strip() == "[]", out.stderr
