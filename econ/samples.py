"""Graded samples: a CSV of graded requests (source, student_correct, ...) read into validated arrays.

Imports numpy and pandas only. The CSV is tokenized by pandas' C reader as text and every column is
validated with vectorized checks, so a million rows read in well under a second; a bad cell raises a
`SamplesError` naming the file line and the column. Nothing in the file is executed or evaluated.

Columns (header row required, names case-insensitive, extra columns ignored and listed):
`source` (free label; `production` = sampled from real traffic), `student_correct` (0/1/true/false),
optional `teacher_correct` (0/1/true/false), `student_confidence` (in [0, 1]), `weight` (≥ 0).
An optional column, when present, needs a value in every row.
"""

from __future__ import annotations

import csv
import io
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

MAX_SAMPLES_BYTES = 50 * 2**20  # 50 MiB: about 1.5 million graded rows of the five columns
PRODUCTION = "production"  # the source label that means "sampled from real traffic"
REQUIRED_COLUMNS = ("source", "student_correct")
OPTIONAL_COLUMNS = ("teacher_correct", "student_confidence", "weight")
TRUE_WORDS = ("1", "true")
FALSE_WORDS = ("0", "false")
HEADER_LINE = 1


class SamplesError(ValueError):
    """A graded-samples file that cannot be used; the message names the line and the column."""


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
        raise SamplesError(f"{origin}: {len(data) / 2**20:.1f} MiB is over the "
                           f"{MAX_SAMPLES_BYTES // 2**20} MiB limit for a samples file")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SamplesError(f"{origin}: byte {exc.start}: not UTF-8 text") from None


def _line_of(text: str, record: int) -> int:
    """File line (1-based) where data record `record` ends (0-based, blank lines skipped, quoted newlines counted)."""
    reader = csv.reader(io.StringIO(text))
    next(reader)
    index = -1
    for row in reader:
        index += bool(row)
        if index == record:
            break
    return reader.line_num


def _too_long_record(text: str, origin: str, exc: Exception) -> SamplesError:
    """The first record with more fields than the header, found with the csv module (error path only)."""
    reader = csv.reader(io.StringIO(text))
    width = len(next(reader))
    try:
        for row in reader:
            if len(row) > width:
                return SamplesError(f"{origin}: line {reader.line_num}: {len(row)} fields, the header has {width}")
    except csv.Error as bad:
        return SamplesError(f"{origin}: line {reader.line_num}: {bad}")
    return SamplesError(f"{origin}: not a readable CSV table ({str(exc).strip().splitlines()[-1]})")


def _header(text: str, origin: str) -> list[str]:
    """Column names (stripped, lower-cased), with the required ones present and none repeated."""
    if not text.strip():
        raise SamplesError(f"{origin}: line {HEADER_LINE}: the file is empty; it needs a header row with "
                           f"{', '.join(REQUIRED_COLUMNS)}")
    names = [c.strip().lower() for c in next(csv.reader(io.StringIO(text)))]
    missing = [c for c in REQUIRED_COLUMNS if c not in names]
    if missing:
        raise SamplesError(f"{origin}: line {HEADER_LINE}: missing required column {', '.join(missing)} "
                           f"(header has {', '.join(names) or 'nothing'})")
    repeated = sorted({c for c in names if c and names.count(c) > 1})
    if repeated:
        raise SamplesError(f"{origin}: line {HEADER_LINE}: column {', '.join(repeated)} appears twice")
    return names


def _read(text: str, origin: str, names: list[str], dtypes: dict[str, str] | None) -> pd.DataFrame:
    """The table as pandas' C reader tokenizes it; dtypes None reads every cell as text."""
    kwargs = {"dtype": str, "keep_default_na": False} if dtypes is None else {"dtype": dtypes}
    with warnings.catch_warnings():
        warnings.simplefilter("error", pd.errors.ParserWarning)  # extra fields would be dropped silently
        try:
            table = pd.read_csv(io.StringIO(text), index_col=False, engine="c", skip_blank_lines=True,
                                header=0, names=names, **kwargs)
        except (pd.errors.ParserError, pd.errors.ParserWarning, csv.Error) as exc:
            raise _too_long_record(text, origin, exc) from None
    if table.empty:
        raise SamplesError(f"{origin}: line {HEADER_LINE + 1}: no graded rows after the header")
    return table


FAST_DTYPES = {"source": "category", "student_correct": "category", "teacher_correct": "category",
               "student_confidence": "float64", "weight": "float64"}


def _fast_flags(column: pd.Series) -> np.ndarray | None:
    words = column.cat.categories.astype(str).str.strip().str.lower()
    if column.isna().any() or not words.isin(TRUE_WORDS + FALSE_WORDS).all():
        return None
    return np.asarray(words.isin(TRUE_WORDS))[column.cat.codes.to_numpy()]


def _fast(text: str, origin: str, names: list[str]) -> GradedSamples | None:
    """Typed read (categories, floats) with vectorized checks; None sends any doubt to the strict path."""
    try:
        table = _read(text, origin, names, {c: t for c, t in FAST_DTYPES.items() if c in names})
    except ValueError as exc:
        if isinstance(exc, SamplesError):
            raise
        return None  # a cell that is not a number: the strict path names it
    flags = {c: _fast_flags(table[c]) for c in ("student_correct", "teacher_correct") if c in names}
    numbers = {c: table[c].to_numpy(dtype=float) for c in ("student_confidence", "weight") if c in names}
    in_range = all(np.all((v >= 0) & (v <= (1 if c == "student_confidence" else np.inf)))
                   for c, v in numbers.items())
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
        raise SamplesError(f"{origin}: column weight: the weights sum to 0; no row counts")
    return GradedSamples(
        source_code=codes, source_names=labels, student_correct=flags["student_correct"],
        teacher_correct=flags.get("teacher_correct"), confidence=numbers.get("student_confidence"),
        weight=weight, weighted="weight" in names,
        ignored_columns=tuple(c for c in names if c not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS),
        origin=origin,
    )


class _Strict:
    """Cell-by-cell checks on the table read as text; an error names the file line of the first bad row."""

    def __init__(self, table: pd.DataFrame, text: str, origin: str):
        self.table, self.text, self.origin = table, text, origin

    def fail(self, row: int, column: str, problem: str) -> SamplesError:
        return SamplesError(f"{self.origin}: line {_line_of(self.text, row)}, column {column}: {problem}")

    def cells(self, column: str) -> pd.Series:
        values = self.table[column].fillna("").str.strip()
        empty = np.flatnonzero((values == "").to_numpy())
        if empty.size:
            raise self.fail(int(empty[0]), column, "empty (every row needs a value)")
        return values

    def flags(self, column: str) -> np.ndarray:
        words = self.cells(column).str.lower()
        truth = words.isin(TRUE_WORDS).to_numpy()
        bad = np.flatnonzero(~(truth | words.isin(FALSE_WORDS).to_numpy()))
        if bad.size:
            raise self.fail(int(bad[0]), column, f"{words.iloc[bad[0]]!r} is not 0/1 or true/false")
        return truth

    def numbers(self, column: str, low: float, high: float, what: str) -> np.ndarray:
        raw = self.cells(column)
        values = pd.to_numeric(raw, errors="coerce").to_numpy(dtype=float)
        bad = np.flatnonzero(~((values >= low) & (values <= high)))  # NaN (not a number) fails too
        if bad.size:
            raise self.fail(int(bad[0]), column, f"{raw.iloc[bad[0]]!r} is not {what}")
        return values


def _strict(text: str, origin: str, names: list[str]) -> GradedSamples:
    check = _Strict(_read(text, origin, names, None), text, origin)
    flags = {c: check.flags(c) for c in ("student_correct", "teacher_correct") if c in names}
    numbers = {}
    if "student_confidence" in names:
        numbers["student_confidence"] = check.numbers("student_confidence", 0.0, 1.0, "a confidence in [0, 1]")
    if "weight" in names:
        numbers["weight"] = check.numbers("weight", 0.0, np.inf, "a weight ≥ 0")
    labels, codes = np.unique(check.cells("source").str.lower().to_numpy(dtype=str), return_inverse=True)
    return _samples(origin, names, codes, tuple(labels.tolist()), flags, numbers)


def parse_samples(data: str | bytes, origin: str = "samples") -> GradedSamples:
    """Validate graded-samples CSV text → GradedSamples; SamplesError naming line and column otherwise."""
    text = _decode(data, origin) if isinstance(data, bytes) else data
    names = _header(text, origin)
    return _fast(text, origin, names) or _strict(text, origin, names)


def load_samples(path: str | Path) -> GradedSamples:
    """Read a graded-samples CSV file (see parse_samples); the size limit is checked before reading."""
    p = Path(path)
    try:
        if not p.is_file():
            raise SamplesError(f"{path}: not a regular file")
        if p.stat().st_size > MAX_SAMPLES_BYTES:
            raise SamplesError(f"{path}: {p.stat().st_size / 2**20:.1f} MiB is over the "
                               f"{MAX_SAMPLES_BYTES // 2**20} MiB limit for a samples file")
        data = p.read_bytes()
    except OSError as exc:
        raise SamplesError(f"{path}: cannot read ({exc.strerror})") from None
    return parse_samples(data, origin=str(path))
