"""LiteLLM's own Postgres database → the canonical daily table, aggregated inside Postgres.

Imports pandas and `econ.traffic.sources`; psycopg (v3) only inside `read_postgres`. The per (date, task,
model) totals and the per-task shape (over the last 28 days) are each ONE query (`sql.daily_sql`,
`sql.shape_sql`, transpiled to Postgres), so only the small result crosses the wire. Days older than the first raw row of
"LiteLLM_SpendLogs" (LiteLLM prunes old logs) come from "LiteLLM_DailyTagSpend" (daily totals per tag,
no hourly shape), and the report says so. A DSN's password never reaches a message.
"""

from __future__ import annotations

import io

import pandas as pd

from econ.traffic.sources.canonical import UsageTable, usage_table
from econ.traffic.sources.errors import SourceError, one_line, redact
from econ.traffic.sources.normalize import DEFAULT_TASK_KEYS
from econ.traffic.sources.sql import (
    LITELLM_COLUMNS,
    daily_sql,
    litellm_rows,
    shape_since,
    shape_sql,
    transpile,
)

SPEND_LOGS = "LiteLLM_SpendLogs"
DAILY_TAG_SPEND = "LiteLLM_DailyTagSpend"
NEEDED = ("startTime", "model", "prompt_tokens", "completion_tokens", "spend")
CONNECT_TIMEOUT_S = 10
WORK_MEM = "256MB"  # this session's per-operation memory in the server (Postgres' default 4MB sorts instead)
# The daily query's count columns (sql.daily_sql), sent as empty fields when 0 (most are, on most days).
COUNT_COLUMNS = ("requests", "failed_requests", "cache_hit_requests", "input_tokens", "cached_input_tokens",
                 "output_tokens", "unpriced_requests", "unpriced_input_tokens", "unpriced_cached_input_tokens",
                 "unpriced_output_tokens", "problems")
EPOCH = "2000-01-01"
USD_DECIMALS = 6  # a millionth of a dollar per task-day: a year of days moves a task's total by < $0.001
TAG_COLUMNS = ("tag", "date", "model", "prompt_tokens", "completion_tokens", "spend", "successful_requests",
               "failed_requests")


def _has_tag_spend(columns: set[str]) -> bool:
    return set(TAG_COLUMNS) <= columns


def _columns(cur, table: str) -> set[str]:
    cur.execute("SELECT column_name FROM information_schema.columns WHERE table_name = %s", [table])
    return {row[0] for row in cur.fetchall()}


def _frame(cur, sql: str, params=None) -> pd.DataFrame:
    cur.execute(sql, params)
    return pd.DataFrame(cur.fetchall(), columns=[d.name for d in cur.description])


def _copied(cur, sql: str, text_columns: tuple[str, ...] = ("task", "model")) -> pd.DataFrame:
    """A query's result through `COPY (...) TO STDOUT` as CSV: one line per row on the wire instead of a
    DataRow message with a length per field (about 40% fewer bytes), read by pandas' CSV parser. NULL is an
    empty field; the text columns are never NULL (the queries COALESCE them) and keep their text as is."""
    with cur.copy(f"COPY ({sql}) TO STDOUT (FORMAT csv, HEADER)") as copy:
        data = b"".join(bytes(block) for block in copy)
    header = data.split(b"\n", 1)[0].decode().split(",")
    numbers = [c for c in header if c not in text_columns]
    return pd.read_csv(io.BytesIO(data), keep_default_na=False, na_values={c: [""] for c in numbers},
                       dtype=dict.fromkeys(text_columns, str))


def compact_sql(daily: str) -> str:
    """The daily query's result in fewer bytes on the wire (`expand` reverses it exactly, but USD to 1e-6):
    rows in (task, date, model) order; a task's and a model's text only where it changes ('=' + text, so
    an empty model stays distinct from "as above"); the date as days since the task's previous row (its
    first row: days since 2000-01-01); zero counts as empty fields; USD rounded to a millionth of a dollar."""
    w = "OVER (ORDER BY task, date, model)"
    new_task = f"LAG(task) {w} IS DISTINCT FROM task"
    counts = ", ".join(f"NULLIF({c}, 0) AS {c}" for c in COUNT_COLUMNS)
    return (f"WITH d AS (\n{daily}\n)\nSELECT CASE WHEN {new_task} THEN '=' || task END AS task,\n"
            f"  CASE WHEN {new_task} OR LAG(model) {w} IS DISTINCT FROM model THEN '=' || model END AS model,\n"
            f"  CASE WHEN {new_task} THEN date - DATE '{EPOCH}' ELSE date - LAG(date) {w} END AS day_step,\n"
            f"  ROUND(CAST(usd AS NUMERIC), {USD_DECIMALS}) AS usd, {counts}\n"
            "FROM d ORDER BY d.task, d.date, d.model")


def expand(data: bytes) -> pd.DataFrame:
    """`compact_sql`'s CSV back to the daily frame: date, task, model, usd and the counts."""
    frame = pd.read_csv(io.BytesIO(data), keep_default_na=False, na_values=[""],
                        dtype={"task": "object", "model": "object"})
    starts = frame["task"].notna()
    days = frame["day_step"].groupby(starts.cumsum()).cumsum()
    out = pd.DataFrame({"date": pd.Timestamp(EPOCH) + pd.to_timedelta(days, unit="D"),
                        "task": frame["task"].ffill().str[1:], "model": frame["model"].ffill().str[1:]})
    for column in COUNT_COLUMNS:
        out[column] = frame[column].fillna(0).astype("int64")
    out["usd"] = frame["usd"].astype(float)
    return out


def _copy(cur, sql: str) -> bytes:
    with cur.copy(f"COPY ({sql}) TO STDOUT (FORMAT csv, HEADER)") as copy:
        return b"".join(bytes(block) for block in copy)


def _tag_spend_sql(tag: str, before: str | None) -> tuple[str, list]:
    """Daily totals per tag value for days before `before` (raw rows gone), in the daily_sql columns."""
    where = "tag LIKE %s" + (" AND date < %s" if before else "")
    params = [tag + ":%"] + ([before] if before else [])
    sql = (f'SELECT CAST(date AS DATE) AS date, SUBSTRING(tag FROM {len(tag) + 2}) AS task, '
           "REGEXP_REPLACE(COALESCE(model, ''), '^[A-Za-z0-9_.-]+/', '') AS model, "
           "SUM(successful_requests) AS requests, SUM(failed_requests) AS failed_requests, 0 AS cache_hit_requests, "
           "SUM(prompt_tokens) AS input_tokens, SUM(COALESCE(cache_read_input_tokens, 0)) AS cached_input_tokens, "
           "SUM(completion_tokens) AS output_tokens, SUM(spend) AS usd, 0 AS unpriced_requests, "
           "0 AS unpriced_input_tokens, 0 AS unpriced_cached_input_tokens, 0 AS unpriced_output_tokens, "
           f'0 AS problems FROM "{DAILY_TAG_SPEND}" WHERE {where} GROUP BY 1, 2, 3')
    return sql, params


def _fallback(cur, key: str, first_raw_day, since, until) -> tuple[pd.DataFrame, list[str]]:
    """Rows of LiteLLM_DailyTagSpend before the first raw day (all of them without raw rows)."""
    if not _has_tag_spend(_columns(cur, DAILY_TAG_SPEND)):
        return pd.DataFrame(), []
    if not key.startswith("tag:"):
        return pd.DataFrame(), [f"{DAILY_TAG_SPEND} holds totals per tag only: days without raw rows are left "
                                f"out for --task-key {key!r}"]
    before = None if first_raw_day is None else str(first_raw_day)
    sql, params = _tag_spend_sql(key[4:], before)
    frame = _frame(cur, sql, params)
    if not frame.empty:
        frame["date"] = pd.to_datetime(frame["date"])
        if since:
            frame = frame.loc[frame["date"] >= pd.Timestamp(since)]
        if until:
            frame = frame.loc[frame["date"] <= pd.Timestamp(until)]
    if frame.empty:
        return frame, []
    days = frame["date"].nunique()
    span = f"before {before}" if before else "(no raw rows left)"
    return frame, [f"{days} day(s) {span} read from {DAILY_TAG_SPEND} (raw rows pruned): daily totals per tag, "
                   "no hourly shape, untagged requests unknown there"]


def _connect(dsn: str):
    import psycopg

    try:
        return psycopg.connect(dsn, connect_timeout=CONNECT_TIMEOUT_S, autocommit=True), psycopg.Error
    except psycopg.Error as exc:
        raise SourceError(redact(dsn), f"cannot connect: {one_line(exc)}") from None
    except (ValueError, TypeError) as exc:  # a malformed DSN, before any connection
        raise SourceError(redact(dsn), f"not a usable DSN: {one_line(exc)}") from None


def _aggregate(cur, dsn_shown: str, key: str, since, until, progress) -> tuple:
    columns = _columns(cur, SPEND_LOGS)
    notes: list[str] = []
    if not columns and not _has_tag_spend(_columns(cur, DAILY_TAG_SPEND)):
        raise SourceError(dsn_shown, f'no table "{SPEND_LOGS}" (nor "{DAILY_TAG_SPEND}"): is this LiteLLM\'s database?')
    by_model, shape = pd.DataFrame(), pd.DataFrame(columns=["task"])
    first_raw_day = start = None
    if columns:
        missing = [c for c in NEEDED if c not in columns]
        if missing:
            raise SourceError(dsn_shown, f'table "{SPEND_LOGS}" lacks column(s) {", ".join(missing)}')
        table = f'"{SPEND_LOGS}"'
        rows = litellm_rows(key, table, {c: t for c, t in LITELLM_COLUMNS.items() if c in columns})
        if progress:
            progress(f"aggregating {SPEND_LOGS} inside Postgres")
        cur.execute(f"SET work_mem = '{WORK_MEM}'")  # a hash aggregate instead of sorting every row
        by_model = expand(_copy(cur, compact_sql(transpile(daily_sql(rows, since, until), "postgres"))))
        if not by_model.empty:
            first_raw_day = by_model["date"].min().date()
            served = by_model.loc[by_model["requests"] > 0, "date"]
            start = shape_since(served.max(), since) if len(served) else since
            shape = _copied(cur, transpile(shape_sql(rows, start, until, approximate=False), "postgres"),
                            ("task",))
    older, more = _fallback(cur, key, first_raw_day, since, until)
    notes += more
    if not older.empty:
        by_model = pd.concat([older, by_model], ignore_index=True) if not by_model.empty else older
    return by_model, shape, notes, start


def read_postgres(dsn: str, task_key: str | None = None, since: str | None = None, until: str | None = None,
                  progress=None) -> UsageTable:
    """The canonical daily table of a LiteLLM database (see module doc)."""
    shown = redact(dsn)
    key = task_key or DEFAULT_TASK_KEYS["litellm"]
    if progress:
        progress(f"connecting to {shown}")
    con, db_error = _connect(dsn)
    try:
        with con.cursor() as cur:
            by_model, shape, notes, start = _aggregate(cur, shown, key, since, until, progress)
    except db_error as exc:
        raise SourceError(shown, one_line(exc)) from None
    finally:
        con.close()
    if not by_model.empty and by_model["problems"].fillna(0).sum() > 0:
        raise SourceError(shown, f"{int(by_model['problems'].sum()):,} row(s) with a missing time or a negative "
                          "token count or spend", column=SPEND_LOGS)
    meta = {"origin": shown, "format": "litellm", "task_key": key, "task_key_given": task_key is not None,
            "cost_source": "LiteLLM's spend (USD)", "window": bool(since or until), "notes": notes,
            "shape_since": start,
            "rows_read": int(by_model[["requests", "failed_requests", "cache_hit_requests"]].to_numpy(float).sum())
            if not by_model.empty else 0}
    return usage_table(by_model.drop(columns="problems", errors="ignore"), shape, meta)
