"""CSV text → rows whose errors name the line and the column: one reader for every CSV econ takes.

Imports the standard library, pandas and `econ.io.files`/`econ.base.errors`. `parse_csv` accepts any line
ending (LF, CRLF or CR alone), a byte-order mark, blank lines and surrounding spaces; it refuses a
missing or repeated column, a row with the wrong number of cells, a cell over `MAX_CELL_CHARS` and
more than `max_rows` rows, each as a `CsvError` ("history.csv: line 7, column requests: ...").
`CsvRow.number` / `.date` / `.text` read one cell with the same kind of message (a date only in
1970..2100). `csv_records` reads the first records of a file whole and bounded, for a reader that hands
the rest to a faster parser. Typical use:

    table = read_csv_file(path, required=("date", "requests"))
    for row in table.rows:
        day, n = row.date("date"), row.number("requests", minimum=0)
"""

from __future__ import annotations

import csv
import io
import math
import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date

import pandas as pd

from econ.base.errors import FieldError
from econ.base.types import EARLIEST_DATE, LATEST_DATE
from econ.io.files import decode_text, normalize_newlines, read_bounded_bytes

MAX_CSV_BYTES = 20 * 2**20
MAX_CSV_ROWS = 1_000_000
# Python's csv module refuses cells over 131,072 characters; real cells are far shorter.
MAX_CELL_CHARS = 131_072
# One record (a header of 50,000 named columns is ~0.5 M characters): past this it is refused, never cut.
MAX_RECORD_CHARS = 8 * 2**20
DATE_RANGE_TEXT = f"outside {EARLIEST_DATE.isoformat()}..{LATEST_DATE.isoformat()}"
ISO_DATE_CHARS = len("2024-01-05")
_BLANK_ROW = re.compile(r"\n[ \t,]*\n")  # a row of only spaces and commas (blank rows at the very end aside)


class CsvError(FieldError):
    """A problem at one place in a CSV: `.field` is "origin: line N" (or the origin); `.line`, `.column`.

    A cell's message starts with its column: "h.csv: line 5: requests 'abc' is not a number".
    """

    def __init__(self, origin: str, message: str, line: int | None = None, column: str | None = None):
        self.origin, self.line, self.column = origin, line, column
        super().__init__(origin if line is None else f"{origin}: line {line}", message)


@dataclass(frozen=True)
class CsvRow:
    """One data row: its 1-based line in the file and its cells by (lower-case) column name."""

    origin: str
    line: int
    cells: dict[str, str]
    error_type: type[CsvError] = CsvError

    def error(self, column: str | None, message: str) -> CsvError:
        """An error at this row: "origin: line N: column message"."""
        text = message if column is None else f"{column} {message}"
        return self.error_type(self.origin, text, self.line, column)

    def text(self, column: str) -> str:
        """The stripped cell ('' when the column is optional and absent)."""
        return self.cells.get(column, "")

    def number(self, column: str, minimum: float | None = None, maximum: float | None = None) -> float:
        """A finite number in [minimum, maximum]."""
        raw = self.text(column)
        try:
            value = float(raw)
        except ValueError:
            raise self.error(column, f"{raw!r} is not a number") from None
        if not math.isfinite(value):
            raise self.error(column, f"{raw!r} is not a finite number")
        if minimum is not None and value < minimum:
            problem = f"{value:g} is negative" if minimum == 0 else f"{value:g} is below {minimum:g}"
            raise self.error(column, problem)
        if maximum is not None and value > maximum:
            raise self.error(column, f"{value:g} is above {maximum:g}")
        return value

    def date(self, column: str) -> date:
        """A date written YYYY-MM-DD in EARLIEST_DATE..LATEST_DATE.

        20240105 and other ISO forms are refused.
        """
        raw = self.text(column)
        try:
            if len(raw) != ISO_DATE_CHARS or raw[4] != "-" or raw[7] != "-":
                raise ValueError
            day = date.fromisoformat(raw)
        except ValueError:
            raise self.error(column, f"{raw!r} is not YYYY-MM-DD") from None
        if not EARLIEST_DATE <= day <= LATEST_DATE:
            raise self.error(column, f"{raw!r} is {DATE_RANGE_TEXT}")
        return day


@dataclass(frozen=True)
class CsvTable:
    """The header (lower-case names) and the data rows of a CSV."""

    origin: str
    columns: tuple[str, ...]
    rows: tuple[CsvRow, ...]

    def to_frame(self) -> pd.DataFrame:
        """Every cell as text, one column per header name, plus `line`."""
        return pd.DataFrame([{"line": r.line, **r.cells} for r in self.rows], columns=["line", *self.columns])


def _check_header(header: list[str], origin: str, required: Sequence[str], optional: Sequence[str],
                  error: type[CsvError], ignore_unknown: bool = False) -> tuple[str, ...]:
    names = tuple(cell.strip().lower() for cell in header)
    expected = f"the header must be '{','.join(required)}'" + (
        f" (optional: {', '.join(optional)})" if optional else "")
    for name in names:
        if names.count(name) > 1:
            raise error(origin, f"{expected}; column {name!r} appears twice", 1)
        if name not in required and name not in optional and not ignore_unknown:
            raise error(origin, f"{expected}; unknown column {name!r}", 1)
    missing = [name for name in required if name not in names]
    if missing:
        raise error(origin, f"{expected}; missing column {', '.join(missing)}", 1)
    return names


@dataclass(frozen=True)
class CsvRules:
    """How `parse_csv` reads a table: at most `max_rows` data rows, bad input raised as `error` (a CsvError
    subclass), and columns outside required + optional kept as text (`ignore_unknown`) or refused."""

    max_rows: int = MAX_CSV_ROWS
    error: type[CsvError] = CsvError
    ignore_unknown: bool = False


DEFAULT_CSV_RULES = CsvRules()


def parse_csv(text: str | bytes, origin: str, required: Sequence[str], optional: Sequence[str] = (),
              rules: CsvRules = DEFAULT_CSV_RULES) -> CsvTable:
    """CSV text with a header row → CsvTable; `rules.error` (a CsvError) naming the line otherwise.

    Header names are matched without case or surrounding spaces; cells are stripped.
    """
    max_rows, error, ignore_unknown = rules.max_rows, rules.error, rules.ignore_unknown
    if isinstance(text, bytes):
        try:
            text = decode_text(text, origin, origin)
        except FieldError as exc:
            raise error(origin, exc.message) from None
    text = normalize_newlines(text)
    # newline=None: universal newlines, so a file saved with CR alone reads as lines too.
    reader = csv.reader(io.StringIO(text, newline=None))
    rows: list[CsvRow] = []
    columns: tuple[str, ...] | None = None
    try:
        for cells in reader:
            line = reader.line_num
            if any(len(cell) > MAX_CELL_CHARS for cell in cells):
                raise error(origin, f"a cell is longer than {MAX_CELL_CHARS:,} characters", line)
            if columns is None:
                columns = _check_header(cells, origin, required, optional, error, ignore_unknown)
                continue
            if not any(cell.strip() for cell in cells):
                continue  # blank lines (a trailing newline) carry nothing
            if len(cells) != len(columns):
                expected = f"expected {len(columns)} columns ({','.join(columns)})"
                raise error(origin, f"{expected}, got {len(cells)}", line)
            if len(rows) >= max_rows:
                raise error(origin, f"more than {max_rows:,} rows", line)
            values = {c: v.strip() for c, v in zip(columns, cells, strict=True)}
            rows.append(CsvRow(origin, line, values, error))
    except csv.Error as exc:
        raise error(origin, csv_problem(exc), reader.line_num) from None
    if columns is None:
        raise error(origin, f"empty file; the header must be '{','.join(required)}'", 1)
    return CsvTable(origin, columns, tuple(rows))


def csv_problem(exc: csv.Error) -> str:
    """The csv module's complaint in econ's words (its field limit is MAX_CELL_CHARS)."""
    message = str(exc)
    if "field larger than field limit" in message:
        return f"a cell is longer than {MAX_CELL_CHARS:,} characters"
    return message


def csv_records(text: str, origin: str, error: type[CsvError] = CsvError,
                limit_chars: int = MAX_RECORD_CHARS) -> Iterator[tuple[int, list[str]]]:
    """(file line where it ends, cells) of each CSV record, lazily, each read whole: never cut.

    For a reader that needs only the header (or the first rows) of a large file before handing it to a
    faster parser. `text` has its line endings normalised (`econ.io.files.decode_text`). A record that has
    not ended within `limit_chars` characters is refused as "line N: a record is longer than ...", a cell
    over MAX_CELL_CHARS as "a cell is longer than ...": `error` (a CsvError), one line, never `csv.Error`.
    """
    position, record_start = 0, 0

    def lines() -> Iterator[str]:
        nonlocal position
        while position < len(text):
            end = text.find("\n", position, record_start + limit_chars)
            if end < 0:
                if len(text) - record_start > limit_chars:
                    raise error(
                        origin,
                        f"a record is longer than {limit_chars:,} characters "
                        "(a header or row this long is not read)",
                        text.count("\n", 0, record_start) + 1,
                    )
                end = len(text) - 1
            line, position = text[position:end + 1], end + 1
            yield line

    reader = csv.reader(lines())
    while True:
        record_start = position
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise error(origin, csv_problem(exc), reader.line_num) from None
        yield reader.line_num, cells


def line_of_record(text: str, record: int) -> int:
    """The 1-based file line where data record `record` ends (0-based, after the header), counted as
    `parse_csv` counts: universal newlines, quoted newlines inside the record, blank rows skipped.

    Lets a column-at-a-time reader (econ.evidence.samples) report the line parse_csv would, without row
    objects.
    """
    if '"' not in text and "\r" not in text and _BLANK_ROW.search(text.rstrip()) is None:
        return record + 2  # one line per record and no blank rows: the header, then record by record
    reader = csv.reader(io.StringIO(text, newline=None))
    next(reader, None)
    index = -1
    for cells in reader:
        index += any(cell.strip() for cell in cells)
        if index == record:
            break
    return reader.line_num


def read_csv_file(path: str | os.PathLike, required: Sequence[str], optional: Sequence[str] = (),
                  limit_bytes: int = MAX_CSV_BYTES, max_rows: int = MAX_CSV_ROWS,
                  error: type[CsvError] = CsvError) -> CsvTable:
    """A CSV file read with `econ.io.files.read_bounded_bytes` (regular file, at most limit_bytes) and
    parsed."""
    data = read_csv_bytes(path, limit_bytes, error)
    return parse_csv(data, str(path), required, optional, CsvRules(max_rows, error))


def read_csv_bytes(path, limit_bytes: int, error: type[CsvError] = CsvError) -> bytes:
    """A CSV file's bytes by `econ.io.files.read_bounded_bytes`.

    A problem is raised as `error` naming the file.
    """
    try:
        return read_bounded_bytes(path, limit_bytes, str(path))
    except FieldError as exc:
        raise error(str(path), exc.message) from None
