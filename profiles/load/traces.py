"""Request traces to replay: arrival times and lengths read from Mooncake-style JSONL, the Azure public
trace CSV, or OTLP JSON GenAI spans, all treated as hostile input.

Torch-free and HTTP-free: imports numpy, the standard library and `econ.io.files` (bounded reads).
- Mooncake JSONL (also what `python -m econ usage --trace-out` is to write): one object a line,
  `timestamp` (ms), `input_length`, `output_length`, optional `hash_ids` (ids of shared
  MOONCAKE_BLOCK_TOKENS-token blocks: requests naming the same id share that block of their prompt).
- Azure public trace CSV: header `TIMESTAMP,ContextTokens,GeneratedTokens`, timestamps as
  `2023-11-16 18:15:46.6805900`.
- OTLP JSON (one ExportTraceServiceRequest, or one a line): spans with `gen_ai.usage.input_tokens` and
  `gen_ai.usage.output_tokens`, timed by `startTimeUnixNano`; exporters write spans out of order, so
  these are sorted; spans without both counts are skipped (and counted).
Mooncake and Azure rows must be in time order. A problem is one FieldError naming the file, line and
(where it helps) column: unsorted times, a negative or zero length, a length past `context_tokens`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from dataclasses import dataclass

import numpy as np

from econ.base.errors import FieldError
from econ.io.files import decode_text, read_bounded_bytes

FLAG = "--trace"
# Mooncake's published traces hash prompts in blocks of this many tokens.
MOONCAKE_BLOCK_TOKENS = 512
# Trace files of a few million requests are ~200 MiB; past that, cut the trace first.
MAX_TRACE_BYTES = 256 << 20
MAX_LENGTH_TOKENS = 10_000_000
AZURE_COLUMNS = ("TIMESTAMP", "ContextTokens", "GeneratedTokens")
NS_PER_S, MS_PER_S = 1e9, 1e3


@dataclass(frozen=True)
class Trace:
    """Requests in time order: send offsets (s after the first), lengths, and shared blocks if any."""

    name: str
    format: str
    offsets_s: np.ndarray
    input_tokens: np.ndarray
    output_tokens: np.ndarray
    hash_ids: list[list[int]] | None = None
    skipped: int = 0

    @property
    def mean_rate_per_s(self) -> float:
        """Requests per second over the trace's span (requests - 1 gaps)."""
        span = float(self.offsets_s[-1]) if len(self.offsets_s) > 1 else 0.0
        return (len(self.offsets_s) - 1) / span if span > 0 else float(len(self.offsets_s))


def _fail(path: str, line: int, message: str) -> FieldError:
    return FieldError(FLAG, f"{path} line {line}: {message}")


def _length(value, path: str, line: int, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float) or value != int(value):
        raise _fail(path, line, f"{field}: expected a whole number, got {str(value)[:40]!r}")
    if not 0 < value <= MAX_LENGTH_TOKENS:
        raise _fail(path, line, f"{field}: must be a positive token count, got {value:g}")
    return int(value)


def _check_context(trace: Trace, lines: list[int], path: str, context_tokens: int | None) -> None:
    if context_tokens is None:
        return
    total = trace.input_tokens + trace.output_tokens
    past = np.flatnonzero(total > context_tokens)
    if past.size:
        i = int(past[0])
        raise _fail(path, lines[i], f"input + output = {int(total[i])} tokens, past the model's context of "
                    f"{context_tokens}")


def _ordered(times: list[float], lines: list[int], path: str, column: str) -> None:
    for k in range(1, len(times)):
        if times[k] < times[k - 1]:
            raise _fail(path, lines[k], f"{column} goes back in time (the trace must be sorted by time)")


def _mooncake(text: str, path: str, context_tokens: int | None) -> tuple[list, list[int]]:
    rows, lines = [], []
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            item = json.loads(raw)
        except ValueError as exc:
            column = getattr(exc, "colno", 1)
            raise _fail(path, number, f"column {column}: not valid JSON") from None
        if not isinstance(item, dict) or not {"timestamp", "input_length", "output_length"} <= item.keys():
            raise _fail(path, number, "expected an object with timestamp, input_length and output_length")
        stamp = item["timestamp"]
        if isinstance(stamp,
                      bool) or not isinstance(stamp, int | float) or not np.isfinite(stamp) or stamp < 0:
            raise _fail(path, number, f"timestamp: expected milliseconds >= 0, got {str(stamp)[:40]!r}")
        ids = item.get("hash_ids")
        if ids is not None and (not isinstance(ids, list) or not all(type(h) is int for h in ids)):
            raise _fail(path, number, "hash_ids: expected a list of whole numbers")
        rows.append((stamp / MS_PER_S, _length(item["input_length"], path, number, "input_length"),
                     _length(item["output_length"], path, number, "output_length"), ids))
        lines.append(number)
    _ordered([r[0] for r in rows], lines, path, "timestamp")
    return rows, lines


def _azure_time(text: str, path: str, line: int) -> float:
    head, _, fraction = text.strip().partition(".")
    try:
        stamp = dt.datetime.fromisoformat(head).replace(tzinfo=dt.UTC)
        micro = int((fraction + "000000")[:6]) if fraction else 0
    except ValueError:
        raise _fail(path, line, f"TIMESTAMP: expected YYYY-MM-DD HH:MM:SS.fff, got {text[:40]!r}") from None
    return stamp.timestamp() + micro / 1e6


def _azure(text: str, path: str, context_tokens: int | None) -> tuple[list, list[int]]:
    reader = csv.reader(io.StringIO(text))
    header = [h.strip() for h in next(reader, [])]
    if tuple(header[:3]) != AZURE_COLUMNS:
        raise _fail(path, 1, f"expected the header {','.join(AZURE_COLUMNS)}, got {','.join(header)[:80]!r}")
    rows, lines = [], []
    for cells in reader:
        number = reader.line_num
        if not cells:
            continue
        if len(cells) < 3:
            raise _fail(path, number, f"expected 3 columns, got {len(cells)}")
        lengths = []
        for column, cell in zip(AZURE_COLUMNS[1:], cells[1:3], strict=True):
            try:
                value = float(cell)
            except ValueError:
                raise _fail(path, number, f"{column}: not a number: {cell[:40]!r}") from None
            lengths.append(_length(value, path, number, column))
        rows.append((_azure_time(cells[0], path, number), *lengths, None))
        lines.append(number)
    _ordered([r[0] for r in rows], lines, path, "TIMESTAMP")
    return rows, lines


def _span_counts(span: dict) -> tuple[int | None, int | None]:
    found = {}
    for attribute in span.get("attributes") or []:
        if isinstance(attribute, dict) and isinstance(attribute.get("value"), dict):
            value = attribute["value"].get("intValue", attribute["value"].get("doubleValue"))
            found[attribute.get("key")] = value
    return found.get("gen_ai.usage.input_tokens"), found.get("gen_ai.usage.output_tokens")


def _otlp_spans(text: str, path: str) -> list[tuple[int, dict]]:
    """(line, span) of every span: the whole file as one JSON document, else one document a line."""
    try:
        documents = [(1, json.loads(text))]
    except ValueError:
        documents = []
        for number, raw in enumerate(text.splitlines(), start=1):
            if raw.strip():
                try:
                    documents.append((number, json.loads(raw)))
                except ValueError as exc:
                    raise _fail(path, number, f"column {getattr(exc, 'colno', 1)}: not valid JSON") from None
    spans = []
    for number, document in documents:
        if not isinstance(document, dict) or not isinstance(document.get("resourceSpans"), list):
            raise _fail(path, number, "expected OTLP JSON with resourceSpans")
        for resource in document["resourceSpans"]:
            for scope in (resource.get("scopeSpans") or []) if isinstance(resource, dict) else []:
                for span in (scope.get("spans") or []) if isinstance(scope, dict) else []:
                    if isinstance(span, dict):
                        spans.append((number, span))
    return spans


def _otlp(text: str, path: str, context_tokens: int | None) -> tuple[list, list[int], int]:
    rows, lines, skipped = [], [], 0
    for number, span in _otlp_spans(text, path):
        tokens_in, tokens_out = _span_counts(span)
        if tokens_in is None or tokens_out is None:
            skipped += 1
            continue
        try:
            start = int(span.get("startTimeUnixNano")) / NS_PER_S
            tokens_in, tokens_out = float(tokens_in), float(tokens_out)
        except (TypeError, ValueError):
            raise _fail(path, number,
                        "a GenAI span has a start time or token count that is not a number") from None
        rows.append((start, _length(tokens_in, path, number, "gen_ai.usage.input_tokens"),
                     _length(tokens_out, path, number, "gen_ai.usage.output_tokens"), None))
        lines.append(number)
    order = sorted(range(len(rows)), key=lambda k: rows[k][0])
    return [rows[k] for k in order], [lines[k] for k in order], skipped


def trace_format(path: str, text: str) -> str:
    """mooncake, azure or otlp: by the first non-blank characters."""
    head = text.lstrip()[:4096]
    if head.startswith(AZURE_COLUMNS[0]):
        return "azure"
    if '"resourceSpans"' in head:
        return "otlp"
    if head.startswith("{"):
        return "mooncake"
    raise _fail(path, 1, "unknown trace format: expected Mooncake JSONL, the Azure CSV header "
                f"{','.join(AZURE_COLUMNS)}, or OTLP JSON with resourceSpans")


def read_trace(path: str, context_tokens: int | None = None) -> Trace:
    """The trace at `path`; a FieldError('--trace', 'FILE line N: ...') on any problem."""
    text = decode_text(read_bounded_bytes(path, MAX_TRACE_BYTES, FLAG), FLAG, path)
    kind, skipped = trace_format(path, text), 0
    if kind == "otlp":
        rows, lines, skipped = _otlp(text, path, context_tokens)
    else:
        rows, lines = (_azure if kind == "azure" else _mooncake)(text, path, context_tokens)
    if len(rows) < 2:
        raise FieldError(FLAG, f"{path}: a trace needs at least 2 requests, found {len(rows)}")
    times = np.array([r[0] for r in rows])
    ids = [r[3] or [] for r in rows] if any(r[3] for r in rows) else None
    trace = Trace(name=path, format=kind, offsets_s=times - times[0],
                  input_tokens=np.array([r[1] for r in rows]), output_tokens=np.array([r[2] for r in rows]),
                  hash_ids=ids, skipped=skipped)
    _check_context(trace, lines, path, context_tokens)
    return trace
