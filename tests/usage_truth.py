"""Request-level usage with known truth, written in every source format the usage readers accept.

Import with `from usage_truth import truth_requests, truth_daily, write_source`. `truth_requests` draws one
row per request for seven tasks (stable, tiny, growing, bursty, seasonal, declining, mostly-cached),
plus failed requests, LiteLLM cache hits and untagged requests; `truth_daily` is the canonical daily
table those rows must give (successful, not cache-hit requests; untagged as "(untagged)"); each writer
puts the same rows into one format (cached tokens, costs, time zones and provider prefixes in that
format's own convention).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from econ.base.units import TOKENS_PER_MTOK
from econ.model.prices import api_price

END = pd.Timestamp("2026-11-29")  # a Sunday
# name: (requests/day, monthly growth, burst share of days, burst requests, cached share of input, model)
TASKS = {
    "stable": (120, 0.0, 0.0, 0, 0.0, "gpt-4o"),
    "tiny": (2, 0.0, 0.0, 0, 0.0, "gpt-4o-mini"),
    "growing": (60, 0.10, 0.0, 0, 0.0, "claude-sonnet-4-5"),
    "bursty": (0, 0.0, 0.1, 1500, 0.0, "gpt-4o"),
    "seasonal": (80, 0.0, 0.0, 0, 0.0, "gpt-4.1"),
    "declining": (80, -0.08, 0.0, 0, 0.0, "gpt-5-mini"),
    "cached": (50, 0.0, 0.0, 0, 0.9, "claude-sonnet-4-5"),
}
WEEKLY = np.array([1.2, 1.2, 1.2, 1.2, 1.2, 0.5, 0.5])  # Monday..Sunday, mean 1
FAILED_SHARE = 0.02
CACHE_HIT_SHARE = 0.03
UNTAGGED_PER_DAY = 5
DAYS_PER_MONTH = 730 / 24


def _counts(name: str, days: pd.DatetimeIndex, rng: np.random.Generator) -> np.ndarray:
    level, growth, burst_share, burst, _, _ = TASKS[name]
    months = (days - END).days.to_numpy() / DAYS_PER_MONTH
    mean = level * (1 + growth) ** months
    if name == "seasonal":
        mean = mean * WEEKLY[days.day_of_week.to_numpy()]
    counts = rng.poisson(mean)
    if burst:
        counts = counts + np.where(rng.random(len(days)) < burst_share, burst, 0)
    return counts


def truth_requests(days: int = 84, seed: int = 0) -> pd.DataFrame:
    """One row per request: ts (UTC), task (None = untagged), model, input/cached/output tokens, usd, status,
    cache_hit."""
    rng = np.random.default_rng(seed)
    dates = pd.date_range(end=END, periods=days, freq="D")
    frames = []
    for name in [*TASKS, None]:
        counts = np.full(days, UNTAGGED_PER_DAY) if name is None else _counts(name, dates, rng)
        day = np.repeat(dates.to_numpy(), counts)
        n = len(day)
        bursty = name == "bursty"
        hours = rng.uniform(1, 3, n) if bursty else np.clip(rng.normal(13, 3, n), 0, 23.99)
        model = TASKS[name][5] if name else "gpt-4o-mini"
        cached_share = TASKS[name][4] if name else 0.0
        inputs = rng.integers(200, 3000, n)
        frames.append(pd.DataFrame({
            "ts": day + (hours * 3600e9).astype("timedelta64[ns]"), "task": name, "model": model,
            "input_tokens": inputs, "cached_input_tokens": np.floor(inputs * cached_share).astype(np.int64),
            "output_tokens": rng.integers(20, 600, n),
            "status": np.where(rng.random(n) < FAILED_SHARE, "failure", "success"),
            "cache_hit": rng.random(n) < CACHE_HIT_SHARE}))
    rows = pd.concat(frames, ignore_index=True).sort_values("ts", kind="stable").reset_index(drop=True)
    rows["usd"] = _usd(rows)
    rows.loc[(rows["status"] == "failure") | rows["cache_hit"], "usd"] = 0.0  # LiteLLM logs spend 0 on these
    rows["request_id"] = [f"req-{i}" for i in range(len(rows))]
    return rows


def _usd(rows: pd.DataFrame) -> np.ndarray:
    """Each request at the project's price table: (input − cached) × in + cached × cached-in + output × out."""
    usd = np.zeros(len(rows))
    for model in rows["model"].unique():
        p = api_price(model)
        m = (rows["model"] == model).to_numpy()
        cached = rows.loc[m, "cached_input_tokens"].to_numpy()
        usd[m] = ((rows.loc[m, "input_tokens"].to_numpy() - cached) * p.input_usd_per_mtok
                  + cached * p.cached_input_usd_per_mtok + rows.loc[m, "output_tokens"].to_numpy()
                  * p.output_usd_per_mtok) / TOKENS_PER_MTOK
    return usd


def truth_daily(rows: pd.DataFrame) -> pd.DataFrame:
    """The canonical daily table the rows must give (date, task, requests, tokens, usd), sorted."""
    ok = rows.loc[(rows["status"] == "success") & ~rows["cache_hit"]].copy()
    ok["task"] = ok["task"].fillna("(untagged)")
    ok["date"] = ok["ts"].dt.floor("D")
    ok["requests"] = 1
    cols = ["requests", "input_tokens", "cached_input_tokens", "output_tokens", "usd"]
    daily = ok.groupby(["date", "task"], as_index=False)[cols].sum()
    return daily.astype({c: float for c in cols}).sort_values(["date", "task"]).reset_index(drop=True)


def canonical_frame(rows: pd.DataFrame) -> pd.DataFrame:
    """Today's raw canonical shape, plus cached_input_tokens, status; cache hits never reach this log."""
    kept = rows.loc[~rows["cache_hit"]]
    return pd.DataFrame({"timestamp": kept["ts"].dt.strftime("%Y-%m-%dT%H:%M:%S.%fZ"), "task": kept["task"],
                         "input_tokens": kept["input_tokens"], "cached_input_tokens": kept["cached_input_tokens"],
                         "output_tokens": kept["output_tokens"], "usd": kept["usd"], "model": kept["model"],
                         "status": kept["status"]})


def litellm_frame(rows: pd.DataFrame) -> pd.DataFrame:
    """LiteLLM_SpendLogs rows: tags as a JSON array, cached tokens in metadata, provider-prefixed models."""
    tags = [json.dumps([f"taskName:{t}", "env:prod"]) if isinstance(t, str) else json.dumps(["env:prod"])
            for t in rows["task"]]
    meta = [json.dumps({"usage_object": {"prompt_tokens_details": {"cached_tokens": int(c)}}})
            for c in rows["cached_input_tokens"]]
    prefix = np.where(np.arange(len(rows)) % 3 == 0, "azure/", "")
    return pd.DataFrame({"request_id": rows["request_id"], "startTime": rows["ts"], "model": prefix + rows["model"],
                         "prompt_tokens": rows["input_tokens"], "completion_tokens": rows["output_tokens"],
                         "spend": rows["usd"], "request_tags": tags, "metadata": meta, "status": rows["status"],
                         "cache_hit": np.where(rows["cache_hit"], "True", "False")})


def langfuse_frame(rows: pd.DataFrame) -> pd.DataFrame:
    """Langfuse observations: usage_details' input excludes cached tokens; start times written at +02:00."""
    kept = rows.loc[~rows["cache_hit"]]
    usage = [json.dumps({"input": int(i - c), "output": int(o), "input_cached_tokens": int(c)})
             for i, c, o in zip(kept["input_tokens"], kept["cached_input_tokens"], kept["output_tokens"], strict=True)]
    local = kept["ts"].dt.tz_localize("UTC").dt.tz_convert("Europe/Berlin")
    return pd.DataFrame({"id": kept["request_id"], "type": "GENERATION", "start_time": local.map(pd.Timestamp.isoformat),
                         "provided_model_name": "openai/" + kept["model"], "usage_details": usage,
                         "total_cost": kept["usd"], "trace_name": kept["task"],
                         "level": np.where(kept["status"] == "failure", "ERROR", "DEFAULT")})


def otel_lines(rows: pd.DataFrame, spans_per_line: int = 500) -> list[str]:
    """OTLP JSON (one ExportTraceServiceRequest per line) with GenAI attributes; input includes cached."""
    kept = rows.loc[~rows["cache_hit"]]
    spans = []
    for r in kept.itertuples():
        attrs = [{"key": "gen_ai.request.model", "value": {"stringValue": r.model}},
                 {"key": "gen_ai.usage.input_tokens", "value": {"intValue": str(r.input_tokens)}},
                 {"key": "gen_ai.usage.cache_read.input_tokens", "value": {"intValue": str(r.cached_input_tokens)}},
                 {"key": "gen_ai.usage.output_tokens", "value": {"intValue": str(r.output_tokens)}},
                 {"key": "gen_ai.operation.name", "value": {"stringValue": "chat"}}]
        if isinstance(r.task, str):
            attrs.append({"key": "gen_ai.prompt.name", "value": {"stringValue": r.task}})
        start = int(pd.Timestamp(r.ts).value)
        spans.append({"traceId": "0" * 32, "spanId": f"{r.Index:016x}", "name": f"chat {r.model}",
                      "startTimeUnixNano": str(start), "endTimeUnixNano": str(start + 10**9), "attributes": attrs,
                      "status": {"code": 2} if r.status == "failure" else {}})
    return [json.dumps({"resourceSpans": [{"resource": {"attributes": []},
                                           "scopeSpans": [{"scope": {"name": "t"}, "spans": spans[i:i + spans_per_line]}]}]})
            for i in range(0, len(spans), spans_per_line)]


def write_source(rows: pd.DataFrame, kind: str, folder: Path) -> str:
    """Write the rows as one source kind; returns the SOURCE argument."""
    folder.mkdir(parents=True, exist_ok=True)
    if kind == "canonical-csv":
        path = folder / "usage.csv"
        canonical_frame(rows).to_csv(path, index=False)
    elif kind == "canonical-parquet":
        path = folder / "usage.parquet"
        canonical_frame(rows).to_parquet(path, index=False)
    elif kind == "litellm-csv":
        path = folder / "spendlogs.csv.gz"
        litellm_frame(rows).assign(startTime=lambda f: f["startTime"].dt.strftime("%Y-%m-%d %H:%M:%S.%f")).to_csv(
            path, index=False)
    elif kind == "langfuse-jsonl":
        path = folder / "observations.jsonl"
        langfuse_frame(rows).to_json(path, orient="records", lines=True)
    elif kind == "otel-jsonl":
        path = folder / "spans.jsonl.gz"
        import gzip

        with gzip.open(path, "wt") as out:
            out.write("\n".join(otel_lines(rows)) + "\n")
    else:
        raise ValueError(kind)
    return str(path)


KINDS = ("canonical-csv", "canonical-parquet", "litellm-csv", "langfuse-jsonl", "otel-jsonl")
