"""Usage files (CSV, Parquet, JSON lines; gzip; a file, a folder or a glob) aggregated by embedded DuckDB.

Imports the standard library, pandas and `econ.traffic.sources`; `duckdb` only inside `read_files`. DuckDB
streams the files (out of core, `MEMORY_LIMIT`, spilling to a temporary folder), so a Parquet folder
larger than memory aggregates in bounded memory; only the per (date, task, model) totals and the per-task
shape come back. Every engine error becomes one `SourceError` line naming the file.
"""

from __future__ import annotations

import glob
import os
import tempfile
from pathlib import Path

import pandas as pd

from econ.traffic.sources.canonical import UsageTable, usage_table
from econ.traffic.sources.errors import SourceError, one_line
from econ.traffic.sources.formats import OTEL_COLUMN, detect_format, rows_sql
from econ.traffic.sources.normalize import COST_SOURCES, DEFAULT_TASK_KEYS, FORMATS, NORMALIZED, Columns
from econ.traffic.sources.sql import daily_sql, shape_since, shape_sql

KINDS = {".csv": "csv", ".csv.gz": "csv", ".parquet": "parquet", ".jsonl": "json", ".jsonl.gz": "json",
         ".ndjson": "json", ".json": "json", ".json.gz": "json"}
MEMORY_LIMIT = "1GB"  # DuckDB's own cap; the benchmark's target is < 2 GiB peak RSS for the whole process


def _kind(path: str) -> str | None:
    name = path.lower()
    return next((k for ext, k in sorted(KINDS.items(), key=lambda e: -len(e[0])) if name.endswith(ext)), None)


def list_files(source: str) -> tuple[list[str], str]:
    """The files of a source (one file, every usage file under a folder, or a glob) and their one kind."""
    path = Path(source)
    if path.is_dir():
        files = sorted(str(p) for p in path.rglob("*") if p.is_file() and _kind(str(p)))
        if not files:
            raise SourceError(source, f"folder holds no usage file ({', '.join(sorted(KINDS))})")
    elif any(ch in source for ch in "*?["):
        files = sorted(p for p in glob.glob(source, recursive=True) if os.path.isfile(p))
        if not files:
            raise SourceError(source, "the glob matches no file")
    elif path.is_file():
        files = [source]
    else:
        raise SourceError(source, "no such file, folder or glob")
    kinds = {_kind(f) for f in files}
    if None in kinds:
        bad = next(f for f in files if _kind(f) is None)
        raise SourceError(bad, f"not a usage file: the name must end in {', '.join(sorted(KINDS))}")
    if len(kinds) > 1:
        raise SourceError(source, f"mixes file kinds ({', '.join(sorted(kinds))}): give one kind per source")
    return files, kinds.pop()


def _reader(files: list[str], kind: str, otel: bool = False) -> str:
    listed = "[" + ", ".join("'" + f.replace("'", "''") + "'" for f in files) + "]"
    if kind == "csv":
        return f"read_csv({listed}, header = true, all_varchar = true, union_by_name = true, filename = true)"
    if kind == "parquet":
        return f"read_parquet({listed}, union_by_name = true, filename = true)"
    if otel:
        return f"(SELECT json AS {OTEL_COLUMN}, filename FROM read_ndjson_objects({listed}, filename = true))"
    return f"read_json({listed}, format = 'newline_delimited', union_by_name = true, filename = true)"


def _connect():
    import duckdb

    con = duckdb.connect(config={"memory_limit": MEMORY_LIMIT, "preserve_insertion_order": False,
                                 "temp_directory": os.path.join(tempfile.gettempdir(), "econ-duckdb-spill")})
    # No progress bar: DuckDB draws it on stdout, where `usage --format json|csv` writes its document.
    con.execute("SET enable_progress_bar = false")
    return con, duckdb.Error


def _columns(con, relation: str) -> Columns:
    described = con.execute(f"DESCRIBE SELECT * FROM {relation}").fetchall()
    return Columns({name.lower(): (name, kind) for name, kind, *_ in described if name != "filename"})


def _locate(con, rows: str, origin: str) -> SourceError:
    """The first row (file and data row number) with an unusable value, and its column; the error path
    only."""
    con.execute("SET preserve_insertion_order = true")
    found = con.execute(f"SELECT filename, row, problem FROM (SELECT problem, filename, ROW_NUMBER() OVER "
                        f"(PARTITION BY filename) AS row FROM ({rows})) WHERE problem IS NOT NULL "
                        "ORDER BY filename, row LIMIT 1").fetchone()
    where, row, problem = (found[0], int(found[1]), found[2]) if found else (origin, None, "?")
    time_columns = ("timestamp", "date", "starttime", "start_time", "starttimeunixnano")
    what = (
        "is missing or not a timestamp"
        if problem.lower() in time_columns
        else "is not a number, or is negative"
    )
    return SourceError(where, what, row, problem)


def _plan(con, files: list[str], kind: str, fmt: str | None, origin: str) -> tuple[str, Columns, str]:
    relation = _reader(files, kind)
    cols = _columns(con, relation)
    if kind == "json" and (fmt == "otel" or (fmt is None and cols.has("resourceSpans"))):
        relation = _reader(files, kind, otel=True)
        cols = _columns(con, relation)
    found = fmt or detect_format(cols, origin)
    return relation, cols, found


def describe_files(source: str) -> tuple[str | None, list[str]]:
    """The detected format (None when the columns fit none) and the column names of a file source."""
    files, kind = list_files(source)
    con, engine_error = _connect()
    try:
        _, cols, _ = _plan(con, files, kind, "canonical", source)
        if kind == "json" and cols.has(OTEL_COLUMN):
            return "otel", [OTEL_COLUMN]
        try:
            found = detect_format(cols, source)
        except SourceError:
            found = None
    except engine_error as exc:
        raise SourceError(source, one_line(exc)) from None
    finally:
        con.close()
    return found, [v[0] for v in cols.spelled.values()]


def _parsed_once(con, rows: str) -> str:
    """Text files (CSV, JSON) parsed once into a temporary table (DuckDB spills it to disk past its memory
    cap) that the daily and the shape queries both read; Parquet is read twice instead, the shape's query
    skipping every row group before its window."""
    columns = ", ".join(NORMALIZED)
    con.execute(f"CREATE TEMP TABLE normalized_rows AS SELECT {columns} FROM ({rows}) AS r")
    return f"SELECT {columns} FROM normalized_rows"


def _shape_start(by_model, since: str | None) -> str | None:
    """The shape's first day: the last `SHAPE_DAYS` days up to the last day with successful requests."""
    days = by_model.loc[by_model["requests"] > 0, "date"]
    return shape_since(days.max(), since) if len(days) else since


def read_files(
    source: str,
    task_key: str | None = None,
    since: str | None = None,
    until: str | None = None,
    fmt: str | None = None,
) -> UsageTable:
    """Aggregate a file, folder or glob of usage into the canonical daily table (see
    `canonical.UsageTable`)."""
    if fmt is not None and fmt not in FORMATS:
        raise SourceError("--format", f"{fmt!r} is not one of {', '.join(FORMATS)}")
    files, kind = list_files(source)
    con, engine_error = _connect()
    try:
        relation, cols, found = _plan(con, files, kind, fmt, source)
        rows, hourly = rows_sql(found, cols, relation, task_key, source, extra=("filename",))
        scanned = _parsed_once(con, rows) if kind != "parquet" else rows
        by_model = con.execute(daily_sql(scanned, since, until)).df()
        if by_model["problems"].sum() > 0:
            raise _locate(con, rows, source)
        start = _shape_start(by_model, since)
        if hourly:
            shape = con.execute(shape_sql(scanned, start, until)).df()
        else:  # daily totals: no hours, no per-request tokens
            shape = pd.DataFrame({"task": by_model["task"].unique()})
    except engine_error as exc:
        raise SourceError(source, one_line(exc)) from None
    finally:
        con.close()
    meta = {"origin": source, "format": found, "task_key": task_key or DEFAULT_TASK_KEYS[found],
            "task_key_given": task_key is not None, "cost_source": COST_SOURCES[found],
            "window": bool(since or until), "rows_read": int(by_model["requests"].sum()
                                                            + by_model["failed_requests"].sum()
                                                            + by_model["cache_hit_requests"].sum())}
    if hourly:
        meta["shape_since"] = start
    if found == "canonical":
        meta["cost_source"] = (
            "the file's usd column"
            if cols.has("usd")
            else "the file's cost_cents column (cents ÷ 100)"
            if cols.has("cost_cents")
            else "no cost column: priced from tokens"
        )
    return usage_table(by_model, shape, meta)
