"""The canonical daily table a usage source becomes, with each task's shape, and its link to the screen.

Imports numpy, pandas and `econ` (`traffic.usage` for `UsageLog`, `traffic.sources.prices`). A reader
hands `usage_table` the engine's per (date, task, model) totals and per-task shape; this module prices the
rows without a cost (at their day's price), keeps the model serving most of each task-day's requests,
and totals what the report states: failed and cache-hit requests, spend without the task key.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from econ.traffic.sources.errors import SourceError
from econ.traffic.sources.prices import PricedTokens, price_tokens
from econ.traffic.sources.sql import SHAPE_DAYS, UNTAGGED
from econ.traffic.usage import UsageLog

DAILY_COLUMNS = ("date", "task", "requests", "input_tokens", "cached_input_tokens", "output_tokens", "usd", "model")
SUMS = ("requests", "failed_requests", "cache_hit_requests", "input_tokens", "cached_input_tokens", "output_tokens",
        "usd", "unpriced_requests", "unpriced_input_tokens", "unpriced_cached_input_tokens", "unpriced_output_tokens")
SHAPE_COLUMNS = ("task", "peak_to_average_hourly", "hours", "input_p10", "input_p50", "input_p90", "input_p99",
                 "output_p10", "output_p50", "output_p90", "output_p99")


@dataclass(frozen=True)
class UsageTable:
    """A source read into one row per task and day (`daily`, DAILY_COLUMNS) and one row per task (`shape`)."""

    origin: str
    format: str
    task_key: str
    daily: pd.DataFrame
    shape: pd.DataFrame
    rows_read: int
    failed_requests: int
    cache_hit_requests: int
    untagged_usd: float
    untagged_requests: int
    cost_source: str
    price_source: str | None  # the price table used for rows without a cost, with its data version
    notes: tuple[str, ...] = field(default=())
    shape_since: str | None = None  # the first day of the shape's window (the source's last SHAPE_DAYS days)

    @property
    def total_usd(self) -> float:
        return float(self.daily["usd"].sum())

    def summary_lines(self) -> list[str]:
        """What a report states under the table: volume kept out, untagged spend, where costs come from."""
        share = self.untagged_usd / self.total_usd if self.total_usd > 0 else 0.0
        lines = [f"source       {self.origin} ({self.format}), task key {self.task_key!r}",
                 f"tasks        {self.daily['task'].nunique()} over {self.daily['date'].nunique()} UTC days, "
                 f"{int(self.daily['requests'].sum()):,} requests, ${self.total_usd:,.2f}",
                 f"untagged     {self.untagged_requests:,} requests, ${self.untagged_usd:,.2f} ({share:.1%} of spend) "
                 f"without the task key, as task {UNTAGGED!r}",
                 f"failed       {self.failed_requests:,} requests (kept out of the volume)",
                 f"cache hits   {self.cache_hit_requests:,} requests served by the gateway's cache (kept out)",
                 f"cost         {self.cost_source}" + (f"; rows without one priced from {self.price_source}"
                                                       if self.price_source else "")]
        if self.shape_since:
            lines.append(f"shape        token quantiles and the p99 hour from the last {SHAPE_DAYS} days "
                         f"(from {self.shape_since})")
        return lines + [f"note         {n}" for n in self.notes]

    def screen_shape(self) -> pd.DataFrame:
        """Per task (index): the hourly peak-to-average and the cached share of input tokens, for the screen."""
        sums = self.daily.groupby("task")[["input_tokens", "cached_input_tokens"]].sum()
        share = sums["cached_input_tokens"] / sums["input_tokens"].where(sums["input_tokens"] > 0)
        peak = self.shape.set_index("task")["peak_to_average_hourly"].reindex(sums.index)
        return pd.DataFrame({"peak_to_average_hourly": peak, "cached_input_share": share})

    def to_usage_log(self) -> UsageLog:
        """The table as the screen's `UsageLog` (tasks with requests; `(untagged)` left out)."""
        daily = self.daily.loc[(self.daily["task"] != UNTAGGED)].copy()
        daily["date"] = pd.to_datetime(daily["date"])
        priced = bool(daily["usd"].notna().all())
        models = (daily.groupby(["task", "model"])["requests"].sum().reset_index()
                  .sort_values(["task", "requests"], ascending=[True, False], kind="stable").drop_duplicates("task"))
        frame = daily.loc[:, ["task", "date", "requests", "input_tokens", "output_tokens", "usd"]]
        frame = frame.sort_values(["task", "date"], kind="stable").reset_index(drop=True)
        task_models = {t: m for t, m in zip(models["task"], models["model"], strict=True) if m}
        return UsageLog(self.origin, "daily", self.rows_read, frame, priced, task_models)


def _dominant_model(by_model: pd.DataFrame) -> pd.Series:
    top = by_model.sort_values(["date", "task", "requests", "model"], ascending=[True, True, False, True],
                               kind="stable").drop_duplicates(["date", "task"])
    return top.set_index(["date", "task"])["model"]


def _priced(by_model: pd.DataFrame, origin: str) -> tuple[pd.DataFrame, str | None]:
    """USD of each (date, task, model) row: its known cost plus its unpriced tokens at that day's price."""
    need = by_model["unpriced_requests"] > 0
    if not need.any():
        return by_model, None
    if (by_model.loc[need, "model"] == "").any() and by_model["usd"].notna().any():
        day = by_model.loc[need & (by_model["model"] == "")].iloc[0]
        raise SourceError(origin, f"{int(day['unpriced_requests'])} request(s) of task {day['task']!r} on "
                          f"{day['date']} have neither a cost nor a model to price them by", column="model")
    if (by_model.loc[need, "model"] == "").all():
        return by_model.assign(usd=np.nan), None  # no cost and no model anywhere: the template's teacher prices it
    rows = by_model.loc[need]
    priced: PricedTokens = price_tokens(rows["model"].to_numpy(), pd.to_datetime(rows["date"]).to_numpy(),
                                        rows["unpriced_input_tokens"].to_numpy(float),
                                        rows["unpriced_cached_input_tokens"].to_numpy(float),
                                        rows["unpriced_output_tokens"].to_numpy(float), origin)
    out = by_model.copy()
    out.loc[need, "usd"] = out.loc[need, "usd"].fillna(0.0).to_numpy() + priced.usd
    return out, priced.source


def usage_table(by_model: pd.DataFrame, shape: pd.DataFrame, meta: dict) -> UsageTable:
    """Finish an engine's (date, task, model) totals: price, keep the dominant model, total per task-day."""
    origin = meta["origin"]
    if by_model.empty or by_model["requests"].sum() + by_model["failed_requests"].sum() == 0:
        raise SourceError(origin, "no usage rows" + (" in the --since/--until window" if meta.get("window") else ""))
    if (by_model["task"] == UNTAGGED).all() and meta.get("task_key_given"):
        raise SourceError(origin, f"--task-key {meta['task_key']!r} matches no row (every row lacks it)")
    by_model = by_model.astype({c: float for c in SUMS})
    by_model, price_source = _priced(by_model, origin)
    if by_model.duplicated(["date", "task"]).any():  # several models on a task-day: total, keep the top one
        daily = by_model.groupby(["date", "task"], sort=True)[list(SUMS)].sum(min_count=1)
        daily["model"] = _dominant_model(by_model).reindex(daily.index).to_numpy()
        daily = daily.reset_index()
    else:  # one model per task-day (the usual case): the rows are the totals already
        daily = by_model.sort_values(["date", "task"], kind="stable").reset_index(drop=True)
    daily = daily.loc[daily["requests"] > 0].reset_index(drop=True)
    untagged = daily["task"] == UNTAGGED
    return UsageTable(
        origin=origin, format=meta["format"], task_key=meta["task_key"],
        daily=daily.loc[:, list(DAILY_COLUMNS)].reset_index(drop=True), shape=_shape(shape),
        rows_read=int(meta.get("rows_read", 0)), failed_requests=int(by_model["failed_requests"].sum()),
        cache_hit_requests=int(by_model["cache_hit_requests"].sum()),
        untagged_usd=float(daily.loc[untagged, "usd"].sum()), untagged_requests=int(daily.loc[untagged, "requests"].sum()),
        cost_source=meta["cost_source"], price_source=price_source, notes=tuple(meta.get("notes", ())),
        shape_since=meta.get("shape_since"))


def _shape(shape: pd.DataFrame) -> pd.DataFrame:
    """Per task: the hourly peak-to-average (p99 hour ÷ mean hour, NaN without timestamps) and token quantiles."""
    out = shape.reindex(columns=sorted(set(shape.columns) | {"total", "hours", "p99_hour", *SHAPE_COLUMNS[2:]}))
    with np.errstate(divide="ignore", invalid="ignore"):
        mean_hour = out["total"].astype(float) / out["hours"].astype(float)
        out["peak_to_average_hourly"] = out["p99_hour"].astype(float) / mean_hour
    return out.loc[:, list(SHAPE_COLUMNS)].sort_values("task").reset_index(drop=True)
