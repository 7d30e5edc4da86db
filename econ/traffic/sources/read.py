"""One entry point for every usage source: a Postgres DSN, or files (a file, a folder, a glob).

Imports the standard library, pandas and `econ.traffic.sources`; the engines load lazily in the readers.
`read_source` returns the canonical `UsageTable`; `write_table` saves its daily rows as Parquet or CSV,
atomically (a temporary file renamed over the target), so a failed write leaves the old file whole.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import Path

from econ.traffic.sources.canonical import UsageTable
from econ.traffic.sources.errors import SourceError

DSN_PREFIXES = ("postgresql://", "postgres://")


def is_dsn(source: str) -> bool:
    return source.strip().lower().startswith(DSN_PREFIXES)


def checked_day(text: str | None, option: str) -> str | None:
    """An ISO date (YYYY-MM-DD) as text, or None; SourceError naming the option otherwise."""
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text.strip()).isoformat()
    except ValueError:
        raise SourceError(option, f"{text!r} is not a date (YYYY-MM-DD, a UTC day)") from None


def read_source(source: str, task_key: str | None = None, since: str | None = None, until: str | None = None,
                fmt: str | None = None, progress=None) -> UsageTable:
    """The canonical daily table of a usage source; `progress(text)` is told each step when given."""
    since, until = checked_day(since, "--since"), checked_day(until, "--until")
    if since and until and since > until:
        raise SourceError("--since", f"{since} is after --until {until}")
    if is_dsn(source):
        from econ.traffic.sources.postgres import read_postgres

        return read_postgres(source, task_key, since, until, progress=progress)
    from econ.traffic.sources.files import read_files

    if progress:
        progress(f"aggregating {source} with DuckDB")
    return read_files(source, task_key, since, until, fmt)


def write_table(table: UsageTable, out: str) -> Path:
    """Write the daily table to FILE.parquet or FILE.csv (atomically)."""
    path = Path(out)
    suffix = path.suffix.lower()
    if suffix not in (".parquet", ".csv"):
        raise SourceError("--out", f"{out}: the name must end in .parquet or .csv")
    if path.exists() and not path.is_file():
        raise SourceError("--out", f"{out} exists and is not a file")
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise SourceError("--out", f"{out}: folder {folder} does not exist")
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=suffix)
    os.close(handle)
    try:
        frame = table.daily.copy()
        if suffix == ".parquet":
            frame.to_parquet(temporary, index=False)
        else:
            frame.to_csv(temporary, index=False)
        os.replace(temporary, path)
    except OSError as exc:
        raise SourceError("--out", f"cannot write {out} ({exc.strerror})") from None
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    return path
