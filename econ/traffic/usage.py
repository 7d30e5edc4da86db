"""Usage logs → one row per task per day: what each LLM call site sent to the teacher, and what it cost.

Imports numpy, pandas and `econ` (`econ.model.prices` for the API price table, `econ.serving.unit_costs`). Two shapes, told apart by the
header: **aggregated** (`date, task, requests, input_tokens, output_tokens`, token columns are the day's
totals) and **raw** (one row per request: `timestamp` or `date`, `task`, `input_tokens`, `output_tokens`).
Optional `usd` (what was spent) and `model` (priced from `econ/data/api_prices.json` when `usd` is absent,
by `econ.serving.unit_costs.api_usd_per_request` with no cached share: a log names no cached tokens);
other columns are ignored. Parsing is vectorized (pandas' C reader, numpy checks): a million rows take
about a second. Every problem is one `UsageError` naming the file, the line and the column. Every cell is
hostile until checked: line endings are normalised once on entry, the header is read whole (bounded, never
cut), dates must lie in 1970..2100, and counts are bounded before any arithmetic (a row holds at most
MAX_REQUESTS_PER_DAY requests, MAX_TOKENS tokens and MAX_USD_PER_REQUEST per request), so no sum, log or
price of them can overflow.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from econ.base.types import (
    EARLIEST_DATE,
    LATEST_DATE,
    MAX_REQUESTS_PER_DAY,
    MAX_TOKENS,
    MAX_USD_PER_REQUEST,
)
from econ.io.csvfile import DATE_RANGE_TEXT, CsvError, csv_records, read_csv_bytes
from econ.io.files import normalize_newlines
from econ.model.prices import api_prices
from econ.serving.unit_costs import api_usd_per_request

MAX_USAGE_BYTES = 200 * 2**20  # a year of 1,000 tasks aggregated is ~20 MiB; raw logs are larger
MAX_TASK_CHARS = 200  # a task becomes a scenario name (Scenario.name allows 200 characters)
AGGREGATED_COLUMNS = ("date", "task", "requests", "input_tokens", "output_tokens")
RAW_COLUMNS = ("task", "input_tokens", "output_tokens")  # plus `timestamp` or `date`
TEXT_COLUMNS = ("date", "timestamp", "task", "model")
HEADER_LINE = 1
MIXED_SHAPES_HINT = (" (a file of daily totals needs requests on every row (a row per request has none: "
                     "mixed shapes? give one shape per file))")
FIRST_DATA_LINE = 2  # pandas row 0 is line 2 of the file (blank lines are kept so numbering holds)


class UsageError(CsvError):
    """A usage log that cannot be used: `.origin`, `.line` and `.column` say where (as every econ CSV error).

    A cell's message starts with its column: "usage.csv: line 7: requests -3 is negative".
    """

    def __init__(self, origin: str, message: str, line: int | None = None, column: str | None = None):
        super().__init__(origin, message if column is None else f"{column} {message}", line, column)


@dataclass(frozen=True)
class UsageLog:
    """A validated usage log, aggregated to one row per task and day."""

    origin: str
    shape: str  # "aggregated" or "raw"
    rows: int  # data rows read
    daily: pd.DataFrame  # task, date (datetime64), requests, input_tokens, output_tokens, usd (NaN unpriced)
    priced: bool  # usd known on every row (from `usd`, or `model` and the price table)
    task_models: dict[str, str]  # the model serving most of each task's requests (when `model` is given)


def _check_text(data: bytes, origin: str) -> list[str]:
    """The header's column names, after checking the file is UTF-8 and its first data row has as many cells."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line_start = data.rfind(b"\n", 0, exc.start) + 1
        line = data.count(b"\n", 0, exc.start) + 1
        cell = data.count(b",", line_start, exc.start)
        header = next(csv.reader([data.split(b"\n", 1)[0].decode("utf-8-sig", errors="replace")]), [])
        column = header[cell].strip().lower() if cell < len(header) else None
        raise UsageError(origin, f"is not UTF-8 text (byte {exc.start})", line, column) from None
    records = csv_records(text, origin, UsageError)  # read whole, however wide: no cut, a stated limit
    _, header = next(records, (HEADER_LINE, []))
    if not any(cell.strip() for cell in header):
        raise UsageError(origin, "empty file: the first line must be the header "
                         f"({','.join(AGGREGATED_COLUMNS)} for daily totals)", HEADER_LINE)
    for line, cells in records:
        if any(cell.strip() for cell in cells):
            # pandas would read one extra cell in the first data row as an index column: refuse it here.
            if len(cells) > len(header):
                raise UsageError(origin, f"expected {len(header)} cells (as in the header), got {len(cells)}", line)
            break
    return [name.strip().lower() for name in header]


def detect_shape(columns: list[str], origin: str) -> str:
    """'aggregated' when the header has `requests`, else 'raw'; mixed or incomplete headers are refused."""
    names = set(columns)
    for name in names:
        if columns.count(name) > 1:
            raise UsageError(origin, f"column {name!r} appears twice", HEADER_LINE)
    if "requests" in names:
        if "timestamp" in names:
            raise UsageError(origin, "mixed shapes: `requests` (daily totals) and `timestamp` (one row per "
                             "request) in one header; give one shape per file", HEADER_LINE)
        shape, required = "aggregated", AGGREGATED_COLUMNS
    else:
        shape = "raw"
        required = RAW_COLUMNS + (() if "timestamp" in names or "date" in names else ("timestamp",))
    missing = [c for c in required if c not in names]
    if missing:
        raise UsageError(origin, f"missing column {', '.join(missing)}: daily totals need "
                         f"{','.join(AGGREGATED_COLUMNS)}; one row per request needs timestamp (or date),"
                         f"{','.join(RAW_COLUMNS)}", HEADER_LINE)
    return shape


def _read_frame(data: bytes, origin: str, columns: list[str]) -> pd.DataFrame:
    text_dtypes = {name: str for name in TEXT_COLUMNS if name in columns}
    try:
        frame = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", dtype=text_dtypes, keep_default_na=False,
                            na_values=[""], skip_blank_lines=False, skipinitialspace=True)
    except pd.errors.ParserError as exc:
        found = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(exc))
        if found:
            raise UsageError(origin, f"expected {found[1]} cells (as in the header), got {found[3]}",
                             int(found[2])) from None
        raise UsageError(origin, f"not a CSV file ({str(exc).strip()})") from None
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    frame = frame.loc[:, [c for c in frame.columns if c in (*AGGREGATED_COLUMNS, "timestamp", "usd", "model")]]
    blank = frame.isna().all(axis=1).to_numpy()
    lines = np.arange(len(frame)) + FIRST_DATA_LINE
    frame = frame.loc[~blank].reset_index(drop=True)
    frame["line"] = lines[~blank]
    if frame.empty:
        raise UsageError(origin, "no data rows after the header", FIRST_DATA_LINE)
    return frame


def _fail_at(frame: pd.DataFrame, bad: np.ndarray, origin: str, column: str, message) -> None:
    """Raise for the first row where `bad` holds; `message(i)` words it for row i."""
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise UsageError(origin, message(i), int(frame["line"].iat[i]), column)


def _numbers(frame: pd.DataFrame, column: str, origin: str, maximum: np.ndarray | float,
             over: Callable[[int], str], empty_hint: str = "") -> np.ndarray:
    """A column of finite numbers in [0, maximum] (float64); `over(i)` says why row i is too large."""
    raw = frame[column]
    values = pd.to_numeric(raw, errors="coerce").to_numpy(dtype=float)
    _fail_at(frame, raw.isna().to_numpy(), origin, column, lambda i: "is empty" + empty_hint)
    _fail_at(frame, np.isnan(values), origin, column, lambda i: f"'{raw.iat[i]}' is not a number")
    _fail_at(frame, np.isinf(values), origin, column, lambda i: f"'{raw.iat[i]}' is not a finite number")
    _fail_at(frame, values < 0, origin, column, lambda i: f"{values[i]:g} is negative")
    _fail_at(frame, values > maximum, origin, column, over)
    return values


def _per_request(frame: pd.DataFrame, column: str, origin: str, requests: np.ndarray, bound: float,
                 unit: str) -> np.ndarray:
    """Totals of up to `bound` per request of the row (tokens, USD)."""
    values = frame[column]

    def over(i: int) -> str:
        if requests[i] == 0:
            return f"has {float(values.iat[i]):g} {unit} on a day with 0 requests"
        return f"{values.iat[i]} is over {bound:,.0f} {unit} per request ({requests[i]:,.0f} requests on this row)"

    return _numbers(frame, column, origin, requests * bound, over)


def _days(frame: pd.DataFrame, column: str, origin: str) -> np.ndarray:
    """Calendar day (datetime64[ns], midnight) of each row; dates YYYY-MM-DD, timestamps ISO 8601."""
    raw = frame[column]
    _fail_at(frame, raw.isna().to_numpy(), origin, column, lambda i: "is empty")
    if column == "date":
        codes, uniques = pd.factorize(raw)  # a log repeats its days: parse each distinct text once
        parsed = pd.to_datetime(pd.Series(uniques), format="%Y-%m-%d", errors="coerce")
        outside = (parsed.notna() & ~_in_range(parsed)).to_numpy()[codes]
        _fail_at(frame, outside, origin, column, lambda i: f"{raw.iat[i]!r} is {DATE_RANGE_TEXT}")
        days = parsed.to_numpy(dtype="datetime64[ns]")[codes]
        wanted = "YYYY-MM-DD"
    else:  # timestamps rarely repeat: parse them all at once
        parsed = pd.to_datetime(raw, format="ISO8601", utc=True, errors="coerce")
        _fail_at(frame, (parsed.notna() & ~_in_range(parsed)).to_numpy(), origin, column,
                 lambda i: f"{raw.iat[i]!r} is {DATE_RANGE_TEXT}")
        # A timestamp's day is its UTC day, so logs written in several time zones agree.
        days = parsed.dt.tz_convert(None).dt.floor("D").to_numpy(dtype="datetime64[ns]")
        wanted = "an ISO 8601 timestamp (2026-03-01T14:05:00Z)"
    _fail_at(frame, np.isnat(days), origin, column, lambda i: f"{raw.iat[i]!r} is not {wanted}")
    return days


def _in_range(stamps: pd.Series) -> np.ndarray:
    """Days in EARLIEST_DATE..LATEST_DATE, compared at pandas' parsed resolution (before any cast to ns can wrap)."""
    day = stamps.dt.tz_convert(None) if stamps.dt.tz is not None else stamps
    return ((day >= pd.Timestamp(EARLIEST_DATE)) & (day < pd.Timestamp(LATEST_DATE) + pd.Timedelta(days=1))).to_numpy()


def _tasks(frame: pd.DataFrame, origin: str) -> np.ndarray:
    raw = frame["task"]
    _fail_at(frame, raw.isna().to_numpy(), origin, "task", lambda i: "is empty: every row names its task")
    codes, uniques = pd.factorize(raw)  # strip each distinct name once
    names = pd.Series(uniques).str.strip().to_numpy(dtype=object)[codes]
    long = np.flatnonzero(pd.Series(uniques).str.strip().str.len().to_numpy() > MAX_TASK_CHARS)
    _fail_at(frame, np.isin(codes, long), origin, "task", lambda i: f"is longer than {MAX_TASK_CHARS} characters")
    return names


def _priced_usd(frame: pd.DataFrame, origin: str, requests: np.ndarray, input_tokens: np.ndarray,
                output_tokens: np.ndarray):
    """USD of each row: the `usd` column, else tokens × the model's list price; None when neither is given."""
    if "model" in frame.columns:
        models = frame["model"].str.strip()
        table = {row.model: row for row in api_prices()}
        known = models.isin(list(table)).to_numpy()
        _fail_at(frame, models.isna().to_numpy(), origin, "model", lambda i: "is empty")
        _fail_at(frame, ~known, origin, "model", lambda i: f"{models.iat[i]!r} is not in the API price table; known: {', '.join(table)}")
    if "usd" in frame.columns:
        return _per_request(frame, "usd", origin, requests, MAX_USD_PER_REQUEST, "USD")
    if "model" not in frame.columns:
        return None
    price_in = models.map({m: r.input_usd_per_mtok for m, r in table.items()}).to_numpy(dtype=float)
    price_out = models.map({m: r.output_usd_per_mtok for m, r in table.items()}).to_numpy(dtype=float)
    # A log names no cached tokens: every input token at the uncached price (cached share 0), by the same
    # rule that prices a scenario's API side; the screen's teacher carries the same share.
    return api_usd_per_request(input_tokens, output_tokens, price_in, price_out, cached_input_share=0.0)


def _dominant_models(tasks: np.ndarray, frame: pd.DataFrame, requests: np.ndarray) -> dict[str, str]:
    if "model" not in frame.columns:
        return {}
    by = pd.DataFrame({"task": tasks, "model": frame["model"].str.strip().to_numpy(), "requests": requests})
    totals = by.groupby(["task", "model"], sort=True)["requests"].sum().reset_index()
    top = totals.sort_values(["task", "requests"], ascending=[True, False], kind="stable").drop_duplicates("task")
    return dict(zip(top["task"], top["model"], strict=True))


def parse_usage(data: bytes, origin: str = "usage") -> UsageLog:
    """Validate a usage CSV (either shape) and total it per task and day; UsageError naming line and column."""
    if len(data) > MAX_USAGE_BYTES:
        raise UsageError(origin, f"file is larger than {MAX_USAGE_BYTES // 2**20} MiB")
    data = normalize_newlines(data)  # once, here: the header check, pandas and every line number agree
    if not data.strip():
        raise UsageError(origin, "empty file: the first line must be the header", HEADER_LINE)
    columns = _check_text(data, origin)
    shape = detect_shape(columns, origin)
    frame = _read_frame(data, origin, columns)
    tasks = _tasks(frame, origin)
    days = _days(frame, "date" if shape == "aggregated" or "timestamp" not in frame.columns else "timestamp", origin)
    if shape == "aggregated":
        requests = _numbers(frame, "requests", origin, MAX_REQUESTS_PER_DAY,
                            lambda i: f"{frame['requests'].iat[i]} is over {MAX_REQUESTS_PER_DAY:g} a day",
                            MIXED_SHAPES_HINT)
    else:
        requests = np.ones(len(frame))
    input_tokens = _per_request(frame, "input_tokens", origin, requests, MAX_TOKENS, "tokens")
    output_tokens = _per_request(frame, "output_tokens", origin, requests, MAX_TOKENS, "tokens")
    usd = _priced_usd(frame, origin, requests, input_tokens, output_tokens)
    per_row = pd.DataFrame({
        "task": tasks, "date": days, "requests": requests, "input_tokens": input_tokens,
        "output_tokens": output_tokens, "usd": np.nan if usd is None else usd,
    })
    if shape == "aggregated":
        repeated = per_row.duplicated(["task", "date"], keep="first").to_numpy()
        if repeated.any():
            i = int(np.flatnonzero(repeated)[0])
            same = (per_row["task"] == tasks[i]) & (per_row["date"] == days[i])
            first = int(frame["line"].to_numpy()[same.to_numpy()][0])
            raise UsageError(origin, f"{str(days[i])[:10]} repeats line {first} for task {tasks[i]!r}: one row per "
                             "task and day", int(frame["line"].iat[i]), "date")
        daily = per_row
    else:
        daily = per_row.groupby(["task", "date"], sort=False, as_index=False).sum(min_count=1)
    daily = daily.sort_values(["task", "date"], kind="stable").reset_index(drop=True)
    return UsageLog(origin, shape, len(frame), daily, usd is not None, _dominant_models(tasks, frame, requests))


def load_usage(path) -> UsageLog:
    """Read a usage CSV file (a regular file of at most MAX_USAGE_BYTES, `econ.io.files`) and parse it."""
    return parse_usage(read_csv_bytes(path, MAX_USAGE_BYTES, UsageError), origin=str(path))
