"""Graded samples: a CSV of graded requests (source, student_correct, ...) read into validated arrays.

Imports numpy, pandas and `econ.io.csvfile`/`econ.io.files`/`econ.base.errors`. The fast reader tokenizes with
pandas' C reader (labels and flags as categories, numbers as floats) and checks whole columns at once,
so a million rows read in about half a second. At any doubt (a cell that is not a clean number or flag,
an empty cell) every cell is re-read as text and checked column by column; the first bad cell is named
by its file line (`econ.io.csvfile.line_of_record`, counted as `parse_csv` counts) and its column. A bad
header, a ragged row or text the C reader refuses goes to econ's shared row reader `parse_csv`, which
names the line. Nothing in the file is executed or evaluated.

Columns (header row required, names case-insensitive, extra columns ignored and listed):
`source` (free label; `production` = sampled from real traffic), `student_correct` (0/1/true/false),
optional `teacher_correct` (0/1/true/false), `student_confidence` (in [0, 1]), `weight` (0, or
MIN_WEIGHT..MAX_WEIGHT). An optional column, when present, needs a value in every row. Every source's
weights must sum to more than 0 (else its rate would be 0/0). The header is read whole and bounded
(`econ.io.csvfile.csv_records`); line endings are normalised once on entry (`econ.io.files.decode_text`).
"""

from __future__ import annotations

import csv
import io
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from econ.base.errors import FieldError
from econ.io.csvfile import (
    CsvError,
    CsvRules,
    csv_records,
    line_of_record,
    parse_csv,
    read_csv_bytes,
)
from econ.io.files import decode_text, normalize_newlines

MAX_SAMPLES_BYTES = 50 * 2**20  # 50 MiB: about 1.7 million graded rows of the five columns
MAX_SAMPLES_ROWS = 2_000_000  # more rows than 50 MiB can hold
PRODUCTION = "production"  # the source label that means "sampled from real traffic"
REQUIRED_COLUMNS = ("source", "student_correct")
OPTIONAL_COLUMNS = ("teacher_correct", "student_confidence", "weight")
FLAG_COLUMNS = ("student_correct", "teacher_correct")
TRUE_WORDS = ("1", "true")
FALSE_WORDS = ("0", "false")
FIRST_DATA_LINE = 2
# A sampling weight is an inverse sampling fraction: 0 (row left out) or between these. Bounded so that Σw
# and Σw² over the most rows stay finite and nonzero (a weight of 1e308 overflowed them; 1e-320 underflows).
MIN_WEIGHT = 1e-9
MAX_WEIGHT = 1e9


class SamplesError(CsvError):
    """A graded-samples file that cannot be used; `.field` names the file and line, `.column` the column."""


@dataclass(frozen=True)
class GradedSamples:
    """One row per graded request, as arrays of equal length."""

    source_code: np.ndarray  # int index into source_names, per row
    source_names: tuple[str, ...]  # labels, stripped and lower-cased
    student_correct: np.ndarray  # bool
    teacher_correct: np.ndarray | None  # bool, or None without the column
    confidence: np.ndarray | None  # float in [0, 1], or None without the column
    weight: np.ndarray  # float ≥ 0 (ones without the column)
    weighted: bool  # the file had a weight column
    ignored_columns: tuple[str, ...]
    origin: str

    @property
    def rows(self) -> int:
        return int(self.source_code.size)

    def is_source(self, name: str) -> np.ndarray:
        """Mask of the rows from one source (all False when the label is absent)."""
        if name not in self.source_names:
            return np.zeros(self.rows, dtype=bool)
        return self.source_code == self.source_names.index(name)

    def subset(self, mask: np.ndarray) -> GradedSamples:
        """The rows where mask is True."""
        def pick(a):
            return None if a is None else a[mask]
        return GradedSamples(self.source_code[mask], self.source_names, self.student_correct[mask],
                             pick(self.teacher_correct), pick(self.confidence), self.weight[mask],
                             self.weighted, self.ignored_columns, self.origin)


def _decode(data: bytes, origin: str) -> str:
    if len(data) > MAX_SAMPLES_BYTES:
        raise SamplesError(
            origin,
            f"{len(data) / 2**20:.1f} MiB is over the {MAX_SAMPLES_BYTES // 2**20} MiB "
            "limit for a samples file",
        )
    try:
        return decode_text(data, origin, origin)
    except FieldError as exc:
        raise SamplesError(origin, exc.message) from None


def _confidence_ok(values: np.ndarray) -> np.ndarray:
    return (values >= 0) & (values <= 1)


def _weight_ok(values: np.ndarray) -> np.ndarray:
    return (values == 0) | ((values >= MIN_WEIGHT) & (values <= MAX_WEIGHT))


# The numeric columns: which values are valid, and the words for a cell that is not.
NUMBER_RULES = {"student_confidence": (_confidence_ok, "a confidence in [0, 1]"),
                "weight": (_weight_ok, f"a weight ≥ 0 (0, or {MIN_WEIGHT:g} to {MAX_WEIGHT:g})")}
FAST_DTYPES = {"source": "category", "student_correct": "category", "teacher_correct": "category",
               "student_confidence": "float64", "weight": "float64"}


def _fast_flags(column: pd.Series) -> np.ndarray | None:
    words = column.cat.categories.astype(str).str.strip().str.lower()
    if column.isna().any() or not words.isin(TRUE_WORDS + FALSE_WORDS).all():
        return None
    return np.asarray(words.isin(TRUE_WORDS))[column.cat.codes.to_numpy()]


def _fast_header(text: str, origin: str) -> list[str] | None:
    """Header names (stripped, lower-case) when they hold the required columns once each, else None.

    The header is read whole; one too long to read, or with a cell over the csv limit, is a SamplesError.
    """
    _, header = next(csv_records(text, origin, SamplesError), (1, []))
    names = [c.strip().lower() for c in header]
    if any(c not in names for c in REQUIRED_COLUMNS) or len(set(names)) != len(names):
        return None
    return names


def _c_read(text: str, names: list[str], **options) -> pd.DataFrame | None:
    """pandas' C reader over the text with the given header names.

    None when it refuses or would drop cells.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("error", pd.errors.ParserWarning)  # extra fields would be dropped silently
        try:
            return pd.read_csv(
                io.StringIO(text),
                index_col=False,
                engine="c",
                skip_blank_lines=True,
                header=0,
                names=names,
                **options,
            )
        except (ValueError, pd.errors.ParserWarning, csv.Error):
            return None


def _fast_table(text: str, origin: str) -> tuple[list[str], pd.DataFrame] | None:
    """Header names and the typed table, or None when the header or the tokenizing is in any doubt."""
    names = _fast_header(text, origin)
    if names is None:
        return None
    table = _c_read(text, names, dtype={c: t for c, t in FAST_DTYPES.items() if c in names})
    return (names, table) if table is not None and 0 < len(table) <= MAX_SAMPLES_ROWS else None


def _fast(text: str, origin: str) -> GradedSamples | None:
    """Typed read (categories, floats) with whole-column checks; None sends any doubt to the strict reader."""
    found = _fast_table(text, origin)
    if found is None:
        return None
    names, table = found
    flags = {c: _fast_flags(table[c]) for c in FLAG_COLUMNS if c in names}
    numbers = {c: table[c].to_numpy(dtype=float) for c in NUMBER_RULES if c in names}
    in_range = all(np.all(NUMBER_RULES[c][0](v)) for c, v in numbers.items())
    source = table["source"]
    labels = source.cat.categories.astype(str).str.strip().str.lower()
    if any(f is None for f in flags.values()) or not in_range or source.isna().any() or (labels == "").any():
        return None
    unique, code_of_category = np.unique(np.asarray(labels, dtype=str), return_inverse=True)
    return _samples(origin, names, code_of_category[source.cat.codes.to_numpy()], tuple(unique.tolist()),
                    flags, numbers)


def _samples(origin, names, codes, labels, flags, numbers) -> GradedSamples:
    weight = numbers.get("weight", np.ones(codes.size))
    if weight.sum() <= 0:
        raise SamplesError(origin, "weight: the weights sum to 0, so no row counts", column="weight")
    empty = np.flatnonzero(np.bincount(codes, weights=weight, minlength=len(labels)) <= 0)
    if empty.size:  # its error rate would be 0/0
        raise SamplesError(origin, f"weight: the weights of source {labels[empty[0]]!r} sum to 0, so none of "
                           "its rows count (drop them, or give them a weight)", column="weight")
    return GradedSamples(
        source_code=codes, source_names=labels, student_correct=flags["student_correct"],
        teacher_correct=flags.get("teacher_correct"), confidence=numbers.get("student_confidence"),
        weight=weight, weighted="weight" in names,
        ignored_columns=tuple(c for c in names if c not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS),
        origin=origin,
    )


class _Columns:
    """Whole-column checks on every cell read as text; an error names the first bad row's file line."""

    def __init__(self, table: pd.DataFrame, text: str, origin: str):
        self.table, self.text, self.origin = table, text, origin

    def fail(self, row: int, column: str, problem: str) -> SamplesError:
        return SamplesError(self.origin, f"{column} {problem}", line_of_record(self.text, row), column)

    def cells(self, column: str) -> pd.Series:
        values = self.table[column]
        empty = np.flatnonzero((values == "").to_numpy())
        if empty.size:
            raise self.fail(int(empty[0]), column, "is empty (every row needs a value)")
        return values

    def flags(self, column: str) -> np.ndarray:
        words = self.cells(column).str.lower()
        truth = words.isin(TRUE_WORDS).to_numpy()
        bad = np.flatnonzero(~(truth | words.isin(FALSE_WORDS).to_numpy()))
        if bad.size:
            raise self.fail(int(bad[0]), column, f"{words.iloc[bad[0]]!r} is not 0/1 or true/false")
        return truth

    def numbers(self, column: str) -> np.ndarray:
        rule, what = NUMBER_RULES[column]
        raw = self.cells(column)
        values = pd.to_numeric(raw, errors="coerce").to_numpy(dtype=float)
        bad = np.flatnonzero(~rule(values))  # NaN (not a number) fails too
        if bad.size:
            raise self.fail(int(bad[0]), column, f"{raw.iloc[bad[0]]!r} is not {what}")
        return values


def _text_table(text: str, origin: str) -> pd.DataFrame:
    """Every cell as stripped text, blank rows dropped as parse_csv drops them.

    The header, ragged rows and anything the C reader refuses go to econ's row reader, parse_csv,
    which names the line (it is slower, and only ever reached for a file it will refuse or re-read).
    """
    names = _fast_header(text, origin)
    table = None if names is None else _c_read(text, names, dtype=str, keep_default_na=False)
    if table is None or table.isna().to_numpy().any():  # a missing cell: a ragged row
        rows = parse_csv(text, origin, REQUIRED_COLUMNS, OPTIONAL_COLUMNS,
                         CsvRules(max_rows=MAX_SAMPLES_ROWS, error=SamplesError, ignore_unknown=True))
        table = rows.to_frame().drop(columns="line")
    table = table.apply(lambda column: column.str.strip())
    table = table.loc[(table != "").any(axis=1).to_numpy()].reset_index(drop=True)
    if table.empty:
        raise SamplesError(origin, "no graded rows after the header", FIRST_DATA_LINE)
    if len(table) > MAX_SAMPLES_ROWS:
        line = line_of_record(text, MAX_SAMPLES_ROWS)
        raise SamplesError(origin, f"more than {MAX_SAMPLES_ROWS:,} rows", line)
    return table


def _strict(text: str, origin: str) -> GradedSamples:
    table = _text_table(text, origin)
    check, names = _Columns(table, text, origin), list(table.columns)
    flags = {c: check.flags(c) for c in FLAG_COLUMNS if c in names}
    numbers = {c: check.numbers(c) for c in NUMBER_RULES if c in names}
    labels, codes = np.unique(check.cells("source").str.lower().to_numpy(dtype=str), return_inverse=True)
    return _samples(origin, names, codes, tuple(labels.tolist()), flags, numbers)


def parse_samples(data: str | bytes, origin: str = "samples") -> GradedSamples:
    """Validate graded-samples CSV text → GradedSamples; SamplesError naming line and column otherwise."""
    text = _decode(data, origin) if isinstance(data, bytes) else normalize_newlines(data)
    return _fast(text, origin) or _strict(text, origin)


def load_samples(path: str | Path) -> GradedSamples:
    """Read a graded-samples CSV file: a regular file of at most 50 MiB (econ.io.files), then
    parse_samples."""
    data = read_csv_bytes(path, MAX_SAMPLES_BYTES, SamplesError)
    return parse_samples(data, origin=str(path))
