"""Errors that carry their field as data, and pydantic's errors said as one line per field.

Imports pydantic only. `FieldError.field` is the dotted field path (`student.profile`, or a file name
with its line and column); `.message` says what is wrong. Callers place a message by its `.field`
(the app puts it beside that widget), never by parsing the text; `str(error)` is "field: message".
"""

from __future__ import annotations

from pydantic import ValidationError

ROOT = "(root)"  # the field path of a problem with the whole object
# Location parts pydantic adds for union members and constrained types: not field names.
_UNION_TAGS = {"api", "self_hosted", "float", "int", "str", "bool", "list", "dict"}


class FieldError(ValueError):
    """One problem with one field: `.field` (dotted path) and `.message`."""

    def __init__(self, field: str, message: str):
        self.field = field or ROOT
        self.message = message
        super().__init__(f"{self.field}: {message}")


def field_path(loc: tuple) -> str:
    """Dotted field path of a pydantic error location, without union-member tags (teacher.api.x →
    teacher.x)."""
    parts = [
        str(part) for part in loc
        if not (
            isinstance(part,
                       str) and (part in _UNION_TAGS or part[:1].isupper() or "[" in part or "-" in part))
    ]
    return ".".join(parts) or ROOT


def field_errors(error: ValidationError, prefix: str = "") -> list[FieldError]:
    """One FieldError per field (a union reports each member; its first member's message is the useful
    one)."""
    first_by_field: dict[str, str] = {}
    for item in error.errors():
        first_by_field.setdefault(prefix + field_path(item["loc"]), item["msg"])
    return [FieldError(where, msg) for where, msg in first_by_field.items()]


def describe_validation_error(error: ValidationError, prefix: str = "") -> str:
    """'field.path: message' for each problem, joined by '; '."""
    return "; ".join(str(problem) for problem in field_errors(error, prefix))
