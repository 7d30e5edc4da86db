"""Usage sources for the Portfolio page: an uploaded file saved where DuckDB can read it, or a typed DSN.

Imports the standard library, streamlit and econ (no chart or page code). An upload is written once to a
private temporary folder under its own suffix (`.parquet`, `.csv.gz`, `.jsonl`...), so the same readers
as `python -m econ usage` read it; a DSN is used for one read and never stored in the scenario, the URL or
a cache key (the page keeps it in its password field only).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

import streamlit as st

from econ.traffic.sources.canonical import UsageTable
from econ.traffic.sources.files import KINDS, describe_files
from econ.traffic.sources.normalize import task_key_choices
from econ.traffic.sources.read import read_source

UPLOAD_TYPES = sorted({ext.rsplit(".", 1)[-1] for ext in KINDS})  # what st.file_uploader checks (last suffix)
_FOLDER = Path(tempfile.gettempdir()) / f"econ-uploads-{os.getuid()}"


def _suffix(name: str) -> str:
    lower = name.lower()
    longest_first = sorted(KINDS, key=len, reverse=True)
    return next((ext for ext in longest_first if lower.endswith(ext)), Path(lower).suffix)


def saved_upload(name: str, data: bytes) -> str:
    """The upload as a file (named by its content's hash, so a rerun reuses it) that keeps its suffix."""
    _FOLDER.mkdir(mode=0o700, exist_ok=True)
    path = _FOLDER / (hashlib.sha256(data).hexdigest()[:24] + _suffix(name))
    if not path.exists():
        partial = path.with_name(path.name + ".part")
        partial.write_bytes(data)
        partial.replace(path)
    return str(path)


@st.cache_data(max_entries=8, show_spinner=False)
def columns_of(path: str) -> tuple[str | None, list[str], list[str]]:
    """Detected format, column names and the task keys worth offering for a saved upload."""
    fmt, columns = describe_files(path)
    return fmt, columns, task_key_choices(fmt, columns)


@st.cache_data(max_entries=8, show_spinner=False)
def read_upload(path: str, task_key: str | None) -> UsageTable:
    """The canonical daily table of a saved upload (cached by its content-named path and the key)."""
    return read_source(path, task_key)


def read_dsn(dsn: str, task_key: str | None, progress) -> UsageTable:
    """A LiteLLM database, aggregated inside Postgres (not cached: the DSN holds a password)."""
    return read_source(dsn, task_key, progress=progress)
