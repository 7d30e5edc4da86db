"""The history CSV as a hostile user writes it: every line ending, huge cells and files, odd dates, flat and
extreme series. Each is refused in one line naming the line, or forecast into finite, strict JSON.

Also the shared CSV reader (econ.io.csvfile) that the other CSV inputs reuse.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from econ.io.csvfile import MAX_CELL_CHARS, CsvError, parse_csv
from econ.traffic.forecast import (
    MAX_HISTORY_DAYS,
    HistoryError,
    forecast_traffic,
    load_history,
    parse_history,
)

ROOT = Path(__file__).resolve().parents[3]


def flat_csv(days: int = 40, value: float = 100.0, newline: str = "\n") -> str:
    dates = pd.date_range("2026-01-05", periods=days, freq="D")
    return newline.join(["date,requests", *(f"{d.date()},{value:g}" for d in dates)]) + newline


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_every_line_ending_reads_the_same(newline):
    series = parse_history(flat_csv(newline=newline), origin="h.csv")
    assert len(series) == 40 and series.iloc[0] == 100


def test_a_cell_over_the_csv_limit_is_refused_naming_its_line():
    text = flat_csv().replace("2026-01-07,100", "2026-01-07," + "9" * (MAX_CELL_CHARS + 1))
    with pytest.raises(HistoryError, match=r"h\.csv: line 4: a cell is longer than 131,072 characters"):
        parse_history(text, origin="h.csv")


def test_a_quoted_cell_over_the_limit_is_refused_too():
    text = flat_csv().replace("2026-01-07,100", '2026-01-07,"' + "9" * (MAX_CELL_CHARS + 10) + '"')
    with pytest.raises(HistoryError, match="line 4"):
        parse_history(text, origin="h.csv")


@pytest.mark.parametrize("raw", ["20240105", "2024-1-5", "2024-01-05T00:00", "2024-W01-5"])
def test_only_yyyy_mm_dd_is_a_date(raw):
    text = flat_csv().replace("2026-01-05", raw)
    with pytest.raises(HistoryError, match=f"line 2: date '{raw}' is not YYYY-MM-DD"):
        parse_history(text, origin="h.csv")


def test_a_big_file_is_refused_before_it_is_parsed(tmp_path):
    path = tmp_path / "big.csv"
    row = "2026-01-05,100\n"
    path.write_text("date,requests\n" + row * (19 * 2**20 // len(row)))  # the fuzz's 19 MB
    with pytest.raises(HistoryError, match=r"big\.csv: file is larger than 4 MiB"):
        load_history(path)


def test_more_days_than_a_century_are_refused():
    text = flat_csv(days=MAX_HISTORY_DAYS + 1)
    with pytest.raises(HistoryError, match=f"more than {MAX_HISTORY_DAYS:,} rows"):
        parse_history(text, origin="h.csv")


def test_requests_beyond_any_real_traffic_are_refused():
    with pytest.raises(HistoryError, match=r"line 2: requests 1e\+300 is above"):
        parse_history(flat_csv().replace("2026-01-05,100", "2026-01-05,1e300"), origin="h.csv")


def test_an_all_zero_history_gives_strict_json():
    forecast = forecast_traffic(parse_history(flat_csv(value=0)), months=3)
    out = json.loads(json.dumps(forecast.to_dict(), allow_nan=False))
    assert all(row["requests"] == 0 for row in out["monthly"])


def test_an_extreme_series_gives_finite_numbers(tmp_path):
    dates = pd.date_range("2026-01-05", periods=60, freq="D")
    values = [1 if i % 2 else 1e11 for i in range(60)]
    path = tmp_path / "wild.csv"
    path.write_text(
        "date,requests\n" + "".join(f"{d.date()},{v:g}\n" for d, v in zip(dates, values, strict=True)))
    out = subprocess.run([sys.executable, "-m", "econ", "forecast", str(path), "--format", "json", "--months",
                          "6"],
                         capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    json.loads(out.stdout, parse_constant=lambda name: pytest.fail(f"{name} in strict JSON"))


def test_the_shared_reader_names_line_and_column():
    table = parse_csv("Name , Score\nA,1\n\nB,2\n", "q.csv", required=("name", "score"))
    assert [r.line for r in table.rows] == [2, 4] and table.rows[1].number("score") == 2
    with pytest.raises(CsvError) as caught:
        table.rows[0].number("score", minimum=5)
    assert str(caught.value) == "q.csv: line 2: score 1 is below 5"
    assert (caught.value.line, caught.value.column) == (2, "score")
    with pytest.raises(CsvError, match="line 1: the header must be 'name,score'; unknown column 'x'"):
        parse_csv("name,score,x\n", "q.csv", required=("name", "score"))
    with pytest.raises(CsvError,
                       match="line 1: the header must be 'name,score'; column 'name' appears twice"):
        parse_csv("name,name\n", "q.csv", required=("name", "score"))
    assert list(table.to_frame().columns) == ["line", "name", "score"]
