"""The one error every usage-source reader raises: which source, which row or column, what is wrong.

Imports `econ.base` only. `SourceError` is a `FieldError` (a `ValueError`), so the CLI prints it as one
line and exits 2, and the app places it beside the source field. A password in a DSN never reaches a
message: `redact` replaces it before any text is built.
"""

from __future__ import annotations

import re

from econ.base.errors import FieldError

_PASSWORD = re.compile(r"(?P<head>[a-z][a-z0-9+.-]*://[^:/@\s]*:)(?P<password>[^@\s]*)(?P<tail>@)", re.I)
_PASSWORD_KEYWORD = re.compile(r"(password\s*=\s*)('[^']*'|\S+)", re.I)
MAX_DETAIL_CHARS = 240  # a database's message is cut to one readable line


def redact(text: str) -> str:
    """The text with any URL password and any password=... keyword replaced by ***."""
    text = _PASSWORD.sub(lambda m: f"{m['head']}***{m['tail']}", text)
    return _PASSWORD_KEYWORD.sub(lambda m: f"{m[1]}***", text)


def one_line(text: str) -> str:
    """A library's (possibly multi-line) message as one short line, passwords redacted."""
    line = " ".join(str(text).split())
    return redact(line)[:MAX_DETAIL_CHARS]


class SourceError(FieldError):
    """A usage source that cannot be used: `.origin`, `.row` (1-based data row) and `.column` say where."""

    def __init__(self, origin: str, message: str, row: int | None = None, column: str | None = None):
        self.origin = redact(origin)
        self.row = row
        self.column = column
        where = self.origin + (f": row {row}" if row is not None else "")
        super().__init__(where, redact(message if column is None else f"column {column}: {message}"))
