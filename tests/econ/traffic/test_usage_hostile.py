"""Hostile usage logs (issue 21): each class is refused in one line naming the line and the column, or read
right; never a traceback, a silent wrap-around of a date, or a number that overflows the arithmetic."""

from __future__ import annotations

import warnings
from datetime import date, timedelta

import numpy as np
import pytest

from econ.io.csvfile import MAX_RECORD_CHARS
from econ.traffic.usage import UsageError, parse_usage
from econ.traffic.usage_stats import task_stats

HEADER = "date,task,requests,input_tokens,output_tokens"


def daily_rows(days: int = 60, requests: str = "1000", input_tokens: str = "500000",
               output_tokens: str = "100000") -> list[str]:
    start = date(2026, 1, 1)
    return [f"{start + timedelta(d)},a,{requests},{input_tokens},{output_tokens}" for d in range(days)]


def log_bytes(*rows: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


def refused(data: bytes) -> UsageError:
    with pytest.raises(UsageError) as caught:
        parse_usage(data, "u.csv")
    assert "\n" not in str(caught.value)
    return caught.value


@pytest.mark.parametrize("header_end, row_end", [("\r", "\n"), ("\r", "\r\n"), ("\r\n", "\r"), ("\n", "\r")])
def test_line_endings_that_change_after_the_header_read_as_the_same_lines(header_end, row_end):
    rows = daily_rows(3)
    data = (HEADER + header_end + row_end.join(rows) + row_end).encode()
    log = parse_usage(data, "u.csv")
    assert log.rows == 3 and log.daily["requests"].tolist() == [1000.0] * 3


def test_a_bad_cell_after_mixed_line_endings_is_named_by_its_file_line():
    data = (HEADER + "\r" + "2026-01-01,a,1,1,1\r\n2026-01-02,a,-1,1,1\n").encode()
    error = refused(data)
    assert error.line == 3 and error.column == "requests"


@pytest.mark.parametrize("day", ["9999-12-31", "2262-04-12", "2101-01-01", "1969-12-31", "0001-01-01"])
def test_a_date_outside_1970_to_2100_is_refused_naming_its_line(day):
    error = refused(log_bytes(*daily_rows(60), f"{day},a,1,1,1"))
    # 60 rows after the header end on line 61: the bad day is line 62.
    assert error.line == 62 and error.column == "date" and "1970-01-01" in str(
        error) and "2100-12-31" in str(error)


@pytest.mark.parametrize("stamp",
                         ["9999-12-31T00:00:00Z", "2262-04-11T23:59:59-05:00", "1969-12-31T23:59:59Z"])
def test_a_timestamp_outside_1970_to_2100_is_refused_naming_its_line(stamp):
    rows = ["2026-03-01T10:00:00Z,a,10,5", f"{stamp},a,10,5"]
    error = refused(log_bytes(*rows, header="timestamp,task,input_tokens,output_tokens"))
    assert error.line == 3 and error.column == "timestamp"


def test_the_last_day_of_2100_is_still_a_date():
    log = parse_usage(log_bytes("2100-12-31,a,1,1,1"), "u.csv")
    assert str(log.daily["date"].iat[0])[:10] == "2100-12-31"


@pytest.mark.parametrize("column, rows", [
    ("input_tokens", daily_rows(60, input_tokens="1e308")),
    ("output_tokens", daily_rows(60, output_tokens="1.7e308")),
    ("requests", daily_rows(60, requests="1e308")),
    ("requests", daily_rows(60, requests="2e12")),
    ("input_tokens", daily_rows(60, requests="1", input_tokens="2e7")),  # 20M tokens in one request
])
def test_numbers_that_would_overflow_are_refused_before_the_arithmetic(column, rows):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no RuntimeWarning on the way to the error
        error = refused(log_bytes(*rows))
    assert error.column == column and error.line == 2


def test_usd_over_the_per_request_bound_is_refused():
    rows = [r + ",1e300" for r in daily_rows(3)]
    error = refused(log_bytes(*rows, header=HEADER + ",usd"))
    assert error.column == "usd" and error.line == 2


def test_the_largest_accepted_numbers_keep_the_statistics_finite():
    # 1e12 requests a day (the scenario's bound), 1e7 tokens each: every statistic stays finite.
    rows = daily_rows(60, requests="1e12", input_tokens="1e19", output_tokens="1e19")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        stats = task_stats(parse_usage(log_bytes(*rows), "u.csv")).frame
    assert np.isfinite(stats[["requests_per_day", "monthly_growth", "input_tokens"]].to_numpy()).all()


def wide_header(pad: int) -> str:
    # pad 1: the first 64 KiB of this header ends inside "extra6658", at "extra665", a real column name:
    # the old 64 KiB sniff saw it twice and refused a valid file ("column 'extra665' appears twice").
    return HEADER + "," + "p" * pad + "," + ",".join(f"extra{i}" for i in range(50_000))


def test_a_valid_50000_column_header_is_read_whole():
    header = wide_header(pad=1)
    row = "2026-01-01,a,1,1,1," + ",".join("0" for _ in range(50_001))
    log = parse_usage(log_bytes(row, header=header), "u.csv")
    assert log.rows == 1


def test_a_header_longer_than_the_record_limit_is_refused_as_such():
    header = HEADER + "," + "x" * 100 + ("," + "y" * 100) * (MAX_RECORD_CHARS // 101)
    error = refused(log_bytes("2026-01-01,a,1,1,1", header=header))
    assert error.line == 1 and "longer than" in str(error)


def test_a_header_cell_over_the_cell_limit_is_one_line():
    error = refused(log_bytes("2026-01-01,a,1,1,1,x", header=HEADER + "," + "z" * 140_000))
    assert error.line == 1 and "cell is longer than" in str(error)
