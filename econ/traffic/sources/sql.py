"""The aggregation as SQL: normalized rows → per task, day and model totals, and each task's shape.

Imports the standard library and `econ.traffic.sources` (`formats`, `normalize`, `errors`); sqlglot only
inside `transpile`. The queries are written once, in DuckDB's dialect, and transpiled with sqlglot for
Postgres and the warehouses (`python -m econ usage --print-sql --dialect D`), so every engine runs the
same arithmetic:

- `daily_sql`: one row per (date, task, model) with requests (successful, not served from a cache),
  failed and cache-hit requests, token totals, the known USD and the tokens of rows without a cost
  (priced afterwards at that day's price);
- `shape_sql`: per task, over the source's last SHAPE_DAYS (28) days (`shape_since`): token quantiles per
  request (approximate on DuckDB, exact elsewhere), total requests, the hours spanned and the p99 hour
  (zero hours included) for the peak-to-average.
"""

from __future__ import annotations

import datetime as dt

from econ.traffic.sources.errors import SourceError
from econ.traffic.sources.formats import rows_sql
from econ.traffic.sources.normalize import Columns, clean_task, model_expr

UNTAGGED = "(untagged)"
DIALECTS = ("postgres", "duckdb", "bigquery", "snowflake", "spark", "trino")
QUANTILES = (0.1, 0.5, 0.9, 0.99)
PEAK_HOUR_QUANTILE = 0.99  # the p99 hour: a fleet sized for it misses about 1% of hours
SHAPE_DAYS = 28  # the shape (token quantiles, hourly peak) is read from the source's last 28 days
LITELLM_TABLE = '"LiteLLM_SpendLogs"'
# LiteLLM's schema (schema.prisma): the columns the aggregation reads, with their Postgres types.
LITELLM_COLUMNS = {"request_id": "TEXT", "startTime": "TIMESTAMP", "model": "TEXT", "prompt_tokens": "INTEGER",
                   "completion_tokens": "INTEGER", "spend": "DOUBLE", "request_tags": "JSONB",
                   "metadata": "JSONB", "status": "TEXT", "cache_hit": "TEXT"}
_OK = "NOT failed AND NOT cache_hit"
SUM_COLUMNS = ("requests", "failed_requests", "cache_hit_requests", "input_tokens", "cached_input_tokens",
               "output_tokens", "usd", "unpriced_requests", "unpriced_input_tokens", "unpriced_cached_input_tokens",
               "unpriced_output_tokens")


def _window(since: str | None, until: str | None) -> str:
    """Rows inside [since, until] (whole UTC days, ISO dates already checked); rows without a time stay (problem)."""
    terms = []
    if since:
        terms.append(f"ts >= CAST('{since}' AS TIMESTAMP)")
    if until:
        terms.append(f"ts < CAST('{until}' AS TIMESTAMP) + INTERVAL '1' DAY")
    return "TRUE" if not terms else f"(ts IS NULL OR ({' AND '.join(terms)}))"


def daily_sql(rows: str, since: str | None = None, until: str | None = None) -> str:
    """Per (date, task, model): requests, failed, cache hits, tokens, known USD, unpriced tokens, unusable rows.

    Two levels: the rows are grouped on the raw task and model text and on their flags (failed, cache hit,
    without a cost) first, so each row's expressions are evaluated once (Postgres repeats an inlined
    expression in every aggregate that names it); then the few groups get the task trimmed, the model's
    provider prefix removed, and the flags split into the totals."""
    ok_sum = lambda col: f"SUM(CASE WHEN {_OK} THEN {col} ELSE 0 END)"  # noqa: E731
    unpriced = lambda col: f"SUM(CASE WHEN {_OK} AND unpriced THEN {col} ELSE 0 END)"  # noqa: E731
    return (
        f"WITH normalized AS (\n{rows}\n),\ngrouped AS (\n"
        "SELECT CAST(ts AS DATE) AS date, task, model, failed, cache_hit, usd IS NULL AS unpriced,\n"
        "  SUM(requests) AS requests, SUM(input_tokens) AS input_tokens,\n"
        "  SUM(cached_input_tokens) AS cached_input_tokens, SUM(output_tokens) AS output_tokens,\n"
        "  SUM(usd) AS usd, COUNT(problem) AS problems\n"
        f"FROM normalized\nWHERE {_window(since, until)}\nGROUP BY 1, 2, 3, 4, 5, 6\n)\n"
        f"SELECT date, COALESCE({clean_task('task')}, '{UNTAGGED}') AS task, COALESCE({model_expr('model')}, '') AS model,"
        f"\n  {ok_sum('requests')} AS requests,\n"
        "  SUM(CASE WHEN failed THEN requests ELSE 0 END) AS failed_requests,\n"
        "  SUM(CASE WHEN cache_hit AND NOT failed THEN requests ELSE 0 END) AS cache_hit_requests,\n"
        f"  {ok_sum('input_tokens')} AS input_tokens,\n  {ok_sum('cached_input_tokens')} AS cached_input_tokens,\n"
        f"  {ok_sum('output_tokens')} AS output_tokens,\n"
        f"  SUM(CASE WHEN {_OK} THEN usd ELSE NULL END) AS usd,\n"
        f"  {unpriced('requests')} AS unpriced_requests,\n  {unpriced('input_tokens')} AS unpriced_input_tokens,\n"
        f"  {unpriced('cached_input_tokens')} AS unpriced_cached_input_tokens,\n"
        f"  {unpriced('output_tokens')} AS unpriced_output_tokens,\n"
        "  SUM(problems) AS problems\nFROM grouped\nGROUP BY 1, 2, 3"
    )


def shape_since(last_day, since: str | None = None) -> str:
    """The first UTC day of the shape's window: the last SHAPE_DAYS days up to the source's last day (ISO)."""
    first = (day_of(last_day) - dt.timedelta(days=SHAPE_DAYS - 1)).isoformat()
    return max(first, since) if since else first


def day_of(value) -> dt.date:
    """A date, datetime, pandas Timestamp or ISO text as a date."""
    return dt.date.fromisoformat(str(value)[:10])


def _token_quantiles(approximate: bool) -> tuple[str, str]:
    """The per-task quantile aggregates, and the columns that name them. DuckDB's APPROX_QUANTILE takes a
    list of quantiles in ONE state per column (eight separate states per task need about 2x the memory)."""
    names = [f"{side}_p{round(q * 100)}" for side in ("input", "output") for q in QUANTILES]
    if not approximate:
        aggregates = [f"QUANTILE_CONT({side}_tokens, {q}) AS {side}_p{round(q * 100)}"
                      for side in ("input", "output") for q in QUANTILES]
        return ",\n  ".join(aggregates), ", ".join(f"t.{n}" for n in names)
    listed = "[" + ", ".join(str(q) for q in QUANTILES) + "]"
    aggregates = [f"APPROX_QUANTILE({side}_tokens, {listed}) AS {side}_q" for side in ("input", "output")]
    picks = [f"t.{side}_q[{i + 1}] AS {side}_p{round(q * 100)}" for side in ("input", "output")
             for i, q in enumerate(QUANTILES)]
    return ",\n  ".join(aggregates), ", ".join(picks)


def shape_sql(rows: str, since: str | None = None, until: str | None = None, approximate: bool = True) -> str:
    """Per task: token quantiles per request, total requests, hours spanned, the p99 hour (zero hours count).

    `since` is the shape's own window start (`shape_since`: the last SHAPE_DAYS days of the source), so the
    query reads a month of rows however long the log; the hourly ranking runs on at most 24 × SHAPE_DAYS
    rows per task."""
    aggregates, picks = _token_quantiles(approximate)
    return (
        f"WITH normalized AS (\n{rows}\n),\n"
        f"ok AS (SELECT COALESCE({clean_task('task')}, '{UNTAGGED}') AS task, ts, requests, input_tokens, output_tokens "
        f"FROM normalized WHERE {_OK} AND problem IS NULL AND {_window(since, until)}),\n"
        f"tokens AS (SELECT task,\n  {aggregates}\nFROM ok GROUP BY task),\n"
        "hourly AS (SELECT task, DATE_TRUNC('hour', ts) AS hour, SUM(requests) AS n FROM ok GROUP BY 1, 2),\n"
        "span AS (SELECT task, SUM(n) AS total, "
        "(DATE_DIFF('day', CAST(MIN(hour) AS DATE), CAST(MAX(hour) AS DATE)) + 1) * 24 AS hours "
        "FROM hourly GROUP BY task),\n"
        "ranked AS (SELECT task, n, ROW_NUMBER() OVER (PARTITION BY task ORDER BY n DESC) AS r FROM hourly),\n"
        "peak AS (SELECT s.task, s.total, s.hours, COALESCE(MAX(CASE WHEN r.r = "
        f"CAST(CEIL({1 - PEAK_HOUR_QUANTILE:.4f} * s.hours) AS BIGINT) THEN r.n END), 0) AS p99_hour "
        "FROM span AS s LEFT JOIN ranked AS r ON r.task = s.task GROUP BY s.task, s.total, s.hours)\n"
        f"SELECT p.task, p.total, p.hours, p.p99_hour, {picks}"
        "\nFROM peak AS p LEFT JOIN tokens AS t ON t.task = p.task"
    )


def _postgres_regexp(tree):
    """Postgres has no REGEXP_EXTRACT: (REGEXP_MATCH(text, pattern))[1] is the first group."""
    import sqlglot
    from sqlglot import exp

    def swap(node):
        if isinstance(node, exp.RegexpExtract):
            first = sqlglot.parse_one("(REGEXP_MATCH(x, y))[1]", read="postgres")
            first.find(exp.Anonymous).set("expressions", [node.this.copy(), node.expression.copy()])
            return first
        return node
    return tree.transform(swap)


def _bigquery_tags(tree):
    """BigQuery has no SPLIT_PART: the tag's value between `"NAME:` and the next quote as REGEXP_EXTRACT."""
    import re

    from sqlglot import exp

    def swap(node):
        inner = node.this if isinstance(node, exp.SplitPart) else None
        if isinstance(inner, exp.SplitPart) and node.args["delimiter"].this == '"':
            prefix = re.escape(inner.args["delimiter"].this)
            pattern = exp.Literal.string(prefix + '([^"]*)"')
            return exp.RegexpExtract(this=inner.this.copy(), expression=pattern)
        return node
    return tree.transform(swap)


def transpile(sql: str, dialect: str) -> str:
    """The DuckDB-dialect query in another dialect (sqlglot), pretty-printed."""
    if dialect not in DIALECTS:
        raise SourceError("--dialect", f"{dialect!r} is not one of {', '.join(DIALECTS)}")
    import sqlglot

    tree = sqlglot.parse_one(sql, read="duckdb")
    if dialect == "postgres":
        tree = _postgres_regexp(tree)
    if dialect == "bigquery":
        tree = _bigquery_tags(tree)
    return tree.sql(dialect=dialect, pretty=True)


def litellm_rows(task_key: str | None = None, table: str = LITELLM_TABLE, columns: dict | None = None) -> str:
    """LiteLLM_SpendLogs' normalized rows (DuckDB dialect), for the database and for --print-sql; `columns`
    (name → type) when the table lacks some optional ones."""
    cols = Columns({name.lower(): (name, kind) for name, kind in (columns or LITELLM_COLUMNS).items()})
    return rows_sql("litellm", cols, table, task_key, table)[0]


def warehouse_sql(dialect: str, task_key: str | None = None, since: str | None = None,
                  until: str | None = None) -> str:
    """The daily aggregation of LiteLLM_SpendLogs in `dialect`: what --print-sql prints."""
    return transpile(daily_sql(litellm_rows(task_key), since, until), dialect)
