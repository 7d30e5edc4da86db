"""Usage logs: both shapes read to the same daily totals; every bad input is one line naming line and
column."""

from __future__ import annotations

import pandas as pd
import pytest
from usage_logs import TaskSpec, csv_bytes, synthetic_usage

from econ.traffic.usage import MAX_USAGE_BYTES, UsageError, load_usage, parse_usage

HEADER = "date,task,requests,input_tokens,output_tokens"


def error_of(text: str | bytes) -> UsageError:
    with pytest.raises(UsageError) as caught:
        parse_usage(text.encode() if isinstance(text, str) else text, "u.csv")
    assert "\n" not in str(caught.value)
    return caught.value


@pytest.mark.parametrize(("text", "line", "column", "words"), [
    (f"{HEADER}\n2026-01-01,a,5,10,3\n2026-13-01,a,5,10,3\n", 3, "date", "'2026-13-01' is not YYYY-MM-DD"),
    ("timestamp,task,input_tokens,output_tokens\n2026-01-01T10:00:00Z,a,10,3\nyesterday,a,1,1\n", 3,
     "timestamp", "'yesterday' is not an ISO 8601 timestamp"),
    (f"{HEADER}\n2026-01-01,a,-5,10,3\n", 2, "requests", "-5 is negative"),
    (f"{HEADER}\n2026-01-01,a,5,10,-3\n", 2, "output_tokens", "-3 is negative"),
    (f"{HEADER}\n2026-01-01,a,0,10,3\n", 2, "input_tokens", "has 10 tokens on a day with 0 requests"),
    (f"{HEADER}\n2026-01-01,a,1,10,3\n2026-01-02,a,1,10,3\n2026-01-01,a,1,10,3\n", 4, "date",
     "repeats line 2"),
    (f"{HEADER},model\n2026-01-01,a,1,10,3,gpt-4.1\n2026-01-02,a,1,10,3,gpt-9\n", 3, "model",
     "'gpt-9' is not in the API price table"),
    (f"{HEADER}\n2026-01-01,a,1,10,3\n2026-01-01,b,,10,3\n", 3, "requests", "mixed shapes"),
    (f"{HEADER}\n2026-01-01,a,abc,10,3\n", 2, "requests", "'abc' is not a number"),
    (f"{HEADER}\n2026-01-01,a,inf,10,3\n", 2, "requests", "'inf' is not a finite number"),
    (f"{HEADER}\n2026-01-01,,1,10,3\n", 2, "task", "is empty"),
    (f"{HEADER},usd\n2026-01-01,a,1,10,3,-0.5\n", 2, "usd", "-0.5 is negative"),
    (f"{HEADER}\n\n\n2026-01-01,a,-1,10,3\n", 4, "requests", "negative"),  # blank lines keep the numbering
])
def test_a_bad_cell_is_named_by_line_and_column(text, line, column, words):
    error = error_of(text)
    assert (error.line, error.column) == (line, column)
    assert str(error).startswith(f"u.csv: line {line}: {column} ") and words in str(error)


@pytest.mark.parametrize(("text", "line", "words"), [
    ("", 1, "empty file"),
    ("\n\n", 1, "empty file"),
    (f"{HEADER}\n", 2, "no data rows"),
    ("timestamp,task,requests,input_tokens,output_tokens\n", 1, "mixed shapes"),
    ("date,task,input_tokens\n2026-01-01,a,1\n", 1, "missing column output_tokens"),
    (f"{HEADER}\n2026-01-01,a,1,10,3,4\n", 2, "expected 5 cells"),
    (f"{HEADER}\n2026-01-01,a,1,10,3\n2026-01-02,a,1,10,3,4\n", 3, "expected 5 cells"),
    (f"{HEADER},date\n2026-01-01,a,1,10,3,2026-01-01\n", 1, "'date' appears twice"),
])
def test_a_bad_file_shape_is_named_by_line(text, line, words):
    error = error_of(text)
    assert error.line == line and words in str(error)


def test_text_that_is_not_utf8_names_line_and_column():
    error = error_of(f"{HEADER}\n2026-01-01,a,1,10,3\n2026-01-02,".encode() + b"\xff\xfe,1,10,3\n")
    assert (error.line, error.column) == (3, "task") and "task is not UTF-8" in str(error)


def test_a_file_over_200_mib_is_refused_before_it_is_read(tmp_path):
    big = tmp_path / "big.csv"
    with big.open("wb") as f:  # sparse: no 200 MiB written to disk
        f.write(f"{HEADER}\n".encode())
        f.truncate(MAX_USAGE_BYTES + 1)
    with pytest.raises(UsageError, match="larger than 200 MiB"):
        load_usage(big)
    with pytest.raises(UsageError, match="is a folder, not a file"):
        load_usage(tmp_path)


def test_raw_requests_total_to_the_aggregated_days():
    # Three requests of task a on 2026-01-01 (one written at 23:30 −02:00 is 01:30 UTC on the 2nd), one of b.
    raw = ("timestamp,task,input_tokens,output_tokens,latency_ms\n"
           "2026-01-01T08:00:00Z,a,100,10,5\n2026-01-01T09:00:00Z,a,200,20,5\n"
           "2026-01-01T23:30:00-02:00,a,300,30,5\n2026-01-01T12:00:00,b,50,5,5\n")
    log = parse_usage(raw.encode(), "raw.csv")
    assert log.shape == "raw" and log.rows == 4
    rows = log.daily.assign(date=log.daily["date"].dt.strftime("%Y-%m-%d")).to_dict("records")
    got = [(r["task"], r["date"], r["requests"], r["input_tokens"], r["output_tokens"]) for r in rows]
    assert got == [("a", "2026-01-01", 2, 300, 30), ("a", "2026-01-02", 1, 300, 30),
                   ("b", "2026-01-01", 1, 50, 5)]


def test_raw_and_aggregated_shapes_give_the_same_daily_frame():
    daily = synthetic_usage([TaskSpec("x", 30, input_tokens=7, output_tokens=3)], days=10, seed=4)
    per_request = daily.loc[daily.index.repeat(daily["requests"])].assign(input_tokens=7, output_tokens=3)
    raw = per_request.drop(columns="requests")
    a = parse_usage(csv_bytes(daily), "agg.csv").daily
    b = parse_usage(csv_bytes(raw), "raw.csv").daily
    pd.testing.assert_frame_equal(a, b)


def test_model_prices_each_row_and_names_the_tasks_main_model():
    # 1,000 input tokens at gpt-4.1's $2/M + 100 output at $8/M = $0.0028; the same on gpt-4o: $0.0035.
    text = (f"{HEADER},model\n2026-01-01,a,10,1000,100,gpt-4.1\n2026-01-02,a,30,3000,300,gpt-4o\n"
            "2026-01-01,b,1,10,1,gpt-5\n")
    log = parse_usage(text.encode(), "m.csv")
    assert log.priced and log.task_models == {"a": "gpt-4o", "b": "gpt-5"}
    assert log.daily["usd"].tolist() == pytest.approx([0.0028, 0.0105, (10 * 1.25 + 10) / 1e6])


def test_the_usd_column_wins_over_the_price_table_and_extra_columns_are_ignored():
    text = f"{HEADER},usd,region,model\n2026-01-01,a,10,1000,100,0.5,eu,gpt-4.1\n"
    log = parse_usage(text.encode(), "u.csv")
    assert log.daily["usd"].tolist() == [0.5]
