"""Which usage format a source's columns are, and each format's normalized-rows SQL.

Imports the standard library and `econ.traffic.sources` (`normalize`, `errors`). `detect_format` reads
column names only; `rows_sql` maps a format's columns onto `normalize.NORMALIZED` (see there for the
conventions: cached tokens inside the input, UTC timestamps, provider prefixes removed).
"""

from __future__ import annotations

from econ.traffic.sources.errors import SourceError
from econ.traffic.sources.normalize import (
    DEFAULT_TASK_KEYS,
    LANGFUSE_CACHE_READ,
    LANGFUSE_CACHE_WRITE,
    LITELLM_CACHED,
    OTEL_ERROR_CODES,
    Columns,
    number,
    problem_expr,
    select,
    task_expr,
    utc_timestamp,
)

OTEL_COLUMN = "otlp"  # the one JSON column an OTLP file is read into


def detect_format(cols: Columns, origin: str) -> str:
    """'canonical', 'litellm', 'langfuse' or 'otel' from the column names; SourceError when none fits."""
    if cols.has(OTEL_COLUMN) or cols.has("resourceSpans"):
        return "otel"
    if cols.has("spend", "prompt_tokens", "completion_tokens") and cols.has("startTime"):
        return "litellm"
    if cols.has("start_time") and (cols.has("usage_details") or cols.has("trace_name")):
        return "langfuse"
    if cols.has("task", "input_tokens", "output_tokens") and (cols.has("timestamp") or cols.has("date")):
        return "canonical"
    names = ", ".join(v[0] for v in cols.spelled.values())
    raise SourceError(origin, f"columns not recognized ({names[:200]}): expected the canonical shape "
                      "(date or timestamp, task, input_tokens, output_tokens), a LiteLLM spend-log export "
                      "(startTime, prompt_tokens, completion_tokens, spend), a Langfuse observations export "
                      "(start_time, usage_details, trace_name) or OTLP JSON spans; --format forces one")


def _optional(cols: Columns, name: str, default: str = "0") -> str:
    return number(cols.ref(name)) if cols.has(name) else default


def _status_failed(cols: Columns) -> str:
    if not cols.has("status"):
        return "FALSE"
    text = f"LOWER(TRIM({cols.text('status')}))"
    return f"COALESCE({text} NOT IN ('success', 'ok', '200', ''), FALSE)"


def canonical_parts(cols: Columns, key: str, origin: str) -> tuple[dict, bool]:
    """Today's two shapes (+ cached_input_tokens, Anthropic's cache_read_input_tokens, cost_cents, status)."""
    daily = cols.has("requests")
    if daily and cols.has("timestamp"):
        raise SourceError(origin, "mixed shapes: requests (daily totals) and timestamp (one row per request) "
                          "in one source; give one shape per source")
    ts_col = "timestamp" if cols.has("timestamp") else "date"
    ts = utc_timestamp(cols, ts_col)
    raw_in = number(cols.ref("input_tokens"))
    cache_read = _optional(cols, "cache_read_input_tokens")
    if cols.has("cache_read_input_tokens"):  # Anthropic's raw usage: input excludes cache reads and writes
        input_tokens = f"({raw_in} + {cache_read} + {_optional(cols, 'cache_creation_input_tokens')})"
        cached = cache_read
    else:
        input_tokens, cached = raw_in, _optional(cols, "cached_input_tokens")
    usd = (number(cols.ref("usd")) if cols.has("usd")
           else f"{number(cols.ref('cost_cents'))} / 100.0" if cols.has("cost_cents") else "CAST(NULL AS DOUBLE)")
    requests = number(cols.ref("requests")) if daily else "1"
    checks = [(ts_col, cols.ref(ts_col), ts), ("input_tokens", cols.ref("input_tokens"), raw_in),
              ("output_tokens", cols.ref("output_tokens"), number(cols.ref("output_tokens")))]
    checks += [(c, cols.ref(c), number(cols.ref(c))) for c in ("requests", "usd", "cost_cents", "cached_input_tokens",
                                                                 "cache_read_input_tokens") if cols.has(c)]
    model = cols.text("model") if cols.has("model") else "CAST(NULL AS VARCHAR)"
    parts = {"ts": ts, "task": task_expr("canonical", cols, key), "model": model, "requests": requests,
             "input_tokens": input_tokens, "cached_input_tokens": cached,
             "output_tokens": number(cols.ref("output_tokens")), "usd": usd, "failed": _status_failed(cols),
             "cache_hit": "FALSE", "problem": problem_expr(checks)}
    return parts, not daily and ts_col == "timestamp"


def litellm_parts(cols: Columns, key: str) -> dict:
    """LiteLLM_SpendLogs: prompt_tokens include cached tokens (OpenAI style); spend is USD; cache hits cost 0."""
    cached = (f"COALESCE(TRY_CAST(JSON_EXTRACT_STRING({cols.json('metadata')}, '{LITELLM_CACHED}') AS DOUBLE), 0)"
              if cols.has("metadata") else "0")
    cache_hit = (f"COALESCE(LOWER({cols.text('cache_hit')}) IN ('true', 't', '1'), FALSE)"
                 if cols.has("cache_hit") else "FALSE")
    ts = utc_timestamp(cols, "startTime")
    prompt, completion, spend = (number(cols.ref(c)) for c in ("prompt_tokens", "completion_tokens", "spend"))
    checks = [("startTime", cols.ref("startTime"), ts), ("prompt_tokens", cols.ref("prompt_tokens"), prompt),
              ("completion_tokens", cols.ref("completion_tokens"), completion), ("spend", cols.ref("spend"), spend)]
    return {"ts": ts, "task": task_expr("litellm", cols, key), "model": cols.text("model"),
            "requests": "1", "input_tokens": f"COALESCE({prompt}, 0)", "cached_input_tokens": cached,
            "output_tokens": f"COALESCE({completion}, 0)", "usd": spend, "failed": _status_failed(cols),
            "cache_hit": cache_hit, "problem": problem_expr(checks)}


def _json_number(doc: str, keys: tuple[str, ...]) -> str:
    terms = [f"COALESCE(TRY_CAST(JSON_EXTRACT_STRING({doc}, '$.{k}') AS DOUBLE), 0)" for k in keys]
    return " + ".join(terms)


def langfuse_parts(cols: Columns, key: str) -> dict:
    """Langfuse observations: usage_details' input excludes cache reads and writes; total_cost is USD."""
    usage = cols.json("usage_details") if cols.has("usage_details") else "CAST(NULL AS JSON)"
    cached = _json_number(usage, LANGFUSE_CACHE_READ)
    input_tokens = f"({_json_number(usage, ('input',))} + {cached} + {_json_number(usage, LANGFUSE_CACHE_WRITE)})"
    if cols.has("total_cost"):
        usd = number(cols.ref("total_cost"))
    elif cols.has("cost_details"):
        usd = f"TRY_CAST(JSON_EXTRACT_STRING({cols.json('cost_details')}, '$.total') AS DOUBLE)"
    else:
        usd = "CAST(NULL AS DOUBLE)"
    model_col = next((c for c in ("provided_model_name", "model") if cols.has(c)), None)
    ts = utc_timestamp(cols, "start_time")
    failed = f"COALESCE(UPPER({cols.text('level')}) = 'ERROR', FALSE)" if cols.has("level") else "FALSE"
    checks = [("start_time", cols.ref("start_time"), ts)]
    if cols.has("total_cost"):
        checks.append(("total_cost", cols.ref("total_cost"), usd))
    return {"ts": ts, "task": task_expr("langfuse", cols, key),
            "model": cols.text(model_col) if model_col else "CAST(NULL AS VARCHAR)",
            "requests": "1", "input_tokens": input_tokens, "cached_input_tokens": cached,
            "output_tokens": _json_number(usage, ("output",)), "usd": usd, "failed": failed,
            "cache_hit": "FALSE", "problem": problem_expr(checks)}


def otel_attr(name: str) -> str:
    """An OTel span attribute's value as text (string, int, double or bool), from the `attrs` list."""
    return f"list_filter(attrs, lambda a: a.k = '{name}')[1].v"


OTEL_SPANS = (
    "(SELECT s.span AS span, s.filename AS filename,\n"
    "   list_transform(CAST(json_extract(s.span, '$.attributes') AS JSON[]), lambda a: {{'k': a->>'key', "
    "'v': COALESCE(a->>'$.value.stringValue', a->>'$.value.intValue', a->>'$.value.doubleValue', "
    "a->>'$.value.boolValue')}}) AS attrs\n"
    " FROM (SELECT unnest(CAST(json_extract({column}, '$.resourceSpans[*].scopeSpans[*].spans[*]') AS JSON[])) "
    "AS span, filename FROM {source}) AS s) AS spans"
)


def otel_model() -> str:
    return f"COALESCE({otel_attr('gen_ai.response.model')}, {otel_attr('gen_ai.request.model')})"


def otel_parts(key: str) -> tuple[dict, str]:
    """OTLP JSON spans: gen_ai.usage.input_tokens include cached tokens; no cost; status code 2 = failed."""
    cols = Columns({})
    start = "TRY_CAST(span->>'startTimeUnixNano' AS BIGINT)"
    ts = f"make_timestamp({start} // 1000)"
    tokens_in = f"TRY_CAST({otel_attr('gen_ai.usage.input_tokens')} AS DOUBLE)"
    tokens_out = f"TRY_CAST({otel_attr('gen_ai.usage.output_tokens')} AS DOUBLE)"
    cached = f"COALESCE(TRY_CAST({otel_attr('gen_ai.usage.cache_read.input_tokens')} AS DOUBLE), 0)"
    model = otel_model()
    failed = f"COALESCE(span->>'$.status.code' IN {OTEL_ERROR_CODES}, FALSE)"
    checks = [("startTimeUnixNano", "span->>'startTimeUnixNano'", ts),
              ("gen_ai.usage.input_tokens", otel_attr("gen_ai.usage.input_tokens"), tokens_in),
              ("gen_ai.usage.output_tokens", otel_attr("gen_ai.usage.output_tokens"), tokens_out)]
    parts = {"ts": ts, "task": task_expr("otel", cols, key, otel_attr, otel_model), "model": model,
             "requests": "1", "input_tokens": f"COALESCE({tokens_in}, 0)", "cached_input_tokens": cached,
             "output_tokens": f"COALESCE({tokens_out}, 0)", "usd": "CAST(NULL AS DOUBLE)", "failed": failed,
             "cache_hit": "FALSE", "problem": problem_expr(checks)}
    # Only model calls: spans with token usage (a workflow's or tool's span has none).
    where = f"{otel_attr('gen_ai.usage.input_tokens')} IS NOT NULL OR {otel_attr('gen_ai.usage.output_tokens')} IS NOT NULL"
    return parts, where


def rows_sql(fmt: str, cols: Columns, source: str, task_key: str | None, origin: str,
             extra: tuple[str, ...] = ()) -> tuple[str, bool]:
    """The normalized-rows SELECT of a source in `fmt` (plus `extra` columns), and whether it has per-request
    timestamps (hours)."""
    key = task_key or DEFAULT_TASK_KEYS[fmt]
    if fmt == "canonical":
        parts, hourly = canonical_parts(cols, key, origin)
        return select(parts, source, "", extra), hourly
    if fmt == "litellm":
        return select(litellm_parts(cols, key), source, "", extra), True
    if fmt == "langfuse":
        where = f"UPPER({cols.text('type')}) = 'GENERATION'" if cols.has("type") else ""
        return select(langfuse_parts(cols, key), source, where, extra), True
    parts, where = otel_parts(key)
    spans = OTEL_SPANS.format(column=OTEL_COLUMN, source=source)
    return select(parts, spans, where, extra), True
