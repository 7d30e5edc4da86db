"""Reading input files safely: regular files only, never more than a size limit, JSON kept shallow and unique.

Imports the standard library, pydantic and `econ.base.errors` only. Every reader of a user-named file
(scenario, profile, history CSV, price and catalog data) goes through `read_bounded_bytes`, so each one
refuses a directory, a device (`/dev/zero`), a named pipe (opened without blocking), an empty or over-long
name and a file over its limit the same way: a `FieldError` whose `.field` names the input and whose
message names the file. At most limit + 1 bytes are ever read. A reader of text then takes
`decode_text` (UTF-8, line endings normalised once, here at the edge) before it parses anything.
"""

from __future__ import annotations

import json
import os
import re
import stat
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from econ.base.errors import FieldError, describe_validation_error

ModelT = TypeVar("ModelT", bound=BaseModel)

# JSON deeper than this is refused: real scenario and profile files nest about 6 levels.
MAX_JSON_DEPTH = 64
# Shipped data files (price tables, catalogs) are a few KiB.
MAX_DATA_FILE_BYTES = 5 * 2**20
READ_CHUNK_BYTES = 1 << 20
MAX_SLUG_CHARS = 100  # a file name stem well under every file system's 255 bytes
SLUG_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
CATALOG_SLUG_UNSAFE = re.compile(r"[^a-z0-9.\-]+")  # catalog names: lowercase, digits, '.', '-' (h100-sxm)


def slug(text: str, fallback: str, lowercase: bool = False) -> str:
    """The one file-name rule: ASCII letters, digits, '.', '-', '_' kept (`lowercase`: the catalog names'
    a-z, 0-9, '.', '-'), every other run one '-', no '-' or '.' at either end, at most 100 characters;
    `fallback` when nothing is left. Used for screened scenarios, downloads, profile and catalog names."""
    unsafe = CATALOG_SLUG_UNSAFE if lowercase else SLUG_UNSAFE
    stem = unsafe.sub("-", text.lower() if lowercase else text).strip("-.")
    return stem[:MAX_SLUG_CHARS].rstrip("-.") or fallback


def _mib(limit_bytes: int) -> str:
    return f"{limit_bytes / 2**20:g} MiB" if limit_bytes >= 2**20 else f"{limit_bytes:,} bytes"


def _problem(field: str, shown: str, message: str) -> FieldError:
    """FieldError naming the field and, where the field is not the file name itself, the file."""
    return FieldError(field, message if field == shown else f"{shown}: {message}")


def read_bounded_bytes(path: str | os.PathLike, limit_bytes: int, field: str) -> bytes:
    """The bytes of a regular file of at most `limit_bytes`; FieldError(field, ...) otherwise.

    Opens with O_NONBLOCK (a named pipe cannot hang the read) and checks the opened file's type, so a
    file swapped between a check and the open is still caught.
    """
    shown = str(path)
    if not shown.strip():
        raise FieldError(field, "no file name given")
    try:
        fd = os.open(shown, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except FileNotFoundError:
        raise _problem(field, shown, "cannot read: file not found") from None
    except OSError as exc:
        raise _problem(field, shown, f"cannot read ({exc.strerror or exc})") from None
    except ValueError:  # a NUL byte in the name
        raise _problem(field, shown, "cannot read: the file name contains a NUL byte") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise _problem(field, shown, "is a folder, not a file")
        if not stat.S_ISREG(info.st_mode):
            raise _problem(field, shown, "not a regular file")
        if info.st_size > limit_bytes:
            raise _problem(field, shown, f"file is larger than {_mib(limit_bytes)}")
        chunks, total = [], 0
        while total <= limit_bytes:
            chunk = os.read(fd, min(READ_CHUNK_BYTES, limit_bytes + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
    except OSError as exc:
        raise _problem(field, shown, f"cannot read ({exc.strerror or exc})") from None
    finally:
        os.close(fd)
    if total > limit_bytes:
        raise _problem(field, shown, f"file is larger than {_mib(limit_bytes)}")
    return b"".join(chunks)


def normalize_newlines(data: bytes | str) -> bytes | str:
    """CRLF and a lone CR turned into LF: the one line-ending normalisation, done at the edge of every reader.

    A file may change its line endings part-way (a CR header pasted above LF rows); after this every
    reader, and every line number it reports, counts the same lines. Works on UTF-8 bytes as on text:
    CR and LF never occur inside a multi-byte UTF-8 character.
    """
    if isinstance(data, bytes):
        return data.replace(b"\r\n", b"\n").replace(b"\r", b"\n") if b"\r" in data else data
    return data.replace("\r\n", "\n").replace("\r", "\n") if "\r" in data else data


def decode_text(data: bytes, field: str, origin: str) -> str:
    """UTF-8 text, a leading byte-order mark dropped and line endings normalised (`normalize_newlines`);
    FieldError when it is not UTF-8."""
    try:
        return normalize_newlines(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise _problem(field, origin, f"not UTF-8 text (byte {exc.start})") from None


def _reject_duplicates(pairs: list[tuple[str, object]]) -> dict:
    out: dict = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f"key {key!r} appears twice in one object")
        out[key] = value
    return out


def _depth_exceeds(value, limit: int) -> bool:
    """Whether lists/objects nest deeper than `limit` (iterative: no recursion of its own)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            if depth > limit:
                return True
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


def parse_json(text: str | bytes, field: str, origin: str, max_depth: int = MAX_JSON_DEPTH):
    """JSON text → Python value; FieldError on invalid JSON, a repeated key, or nesting deeper than max_depth.

    NaN and Infinity (not JSON, though Python's parser takes them) are refused too.
    """
    if isinstance(text, bytes):
        text = decode_text(text, field, origin)

    def no_constant(name: str):
        raise ValueError(f"{name} is not a JSON number")

    try:
        value = json.loads(text, object_pairs_hook=_reject_duplicates, parse_constant=no_constant)
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno}, column {exc.colno}"
        raise _problem(field, origin, f"not valid JSON ({where}: {exc.msg})") from None
    except RecursionError:
        raise _problem(field, origin, f"JSON nested deeper than {max_depth} levels") from None
    except ValueError as exc:
        raise _problem(field, origin, f"not valid JSON ({exc})") from None
    if _depth_exceeds(value, max_depth):
        raise _problem(field, origin, f"JSON nested deeper than {max_depth} levels")
    return value


def read_bounded_json(path: str | os.PathLike, limit_bytes: int, field: str, max_depth: int = MAX_JSON_DEPTH):
    """A JSON file read with `read_bounded_bytes` and parsed with `parse_json`."""
    return parse_json(read_bounded_bytes(path, limit_bytes, field), field, str(path), max_depth)


def validate_json(data, model: type[ModelT], origin: str, limit_bytes: int,
                  error: type[ValueError] = ValueError) -> ModelT:
    """JSON text (or an already parsed value) validated as `model`; `error` says "origin: field: problem"."""
    if isinstance(data, str | bytes):
        if len(data) > limit_bytes:
            raise error(f"{origin}: file is larger than {_mib(limit_bytes)}")
        try:
            data = parse_json(data, origin, origin)
        except FieldError as exc:
            raise error(str(exc)) from None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise error(f"{origin}: {describe_validation_error(exc)}") from None


def read_validated_json(path: str | os.PathLike, model: type[ModelT], limit_bytes: int,
                        error: type[ValueError] = ValueError) -> ModelT:
    """A JSON file read with `read_bounded_bytes` and validated as `model` (see validate_json)."""
    try:
        data = read_bounded_bytes(path, limit_bytes, str(path))
    except FieldError as exc:
        raise error(str(exc)) from None
    return validate_json(data, model, str(path), limit_bytes, error)


def validated_json(path: str | os.PathLike, model: type[ModelT], error: type[ValueError] = ValueError,
                   limit_bytes: int = MAX_DATA_FILE_BYTES) -> ModelT:
    """Read a JSON data file (bounded, as above) and validate it.

    `error` names the file and each bad field.
    """
    return read_validated_json(path, model, limit_bytes, error)
