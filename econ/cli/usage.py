"""`python -m econ usage SOURCE`: any usage source → the canonical daily table, each task's shape, the SQL.

Imports argparse, json, sys, pandas and `econ`. `add_usage_command` registers the subcommand on
`econ.cli.main`'s parser; a bad source raises `SourceError` (a ValueError), which `econ.cli.main` prints as
one line (exit 2). Nothing is written until the whole source has been read.
"""

from __future__ import annotations

import json
import sys

import pandas as pd

from econ.io.serialize import json_ready
from econ.traffic.sources.canonical import UsageTable
from econ.traffic.sources.errors import SourceError
from econ.traffic.sources.normalize import FORMATS
from econ.traffic.sources.read import read_source, write_table
from econ.traffic.sources.sql import DIALECTS, warehouse_sql

SOURCE_HELP = ("usage source: a .csv, .csv.gz, .parquet, .jsonl or .jsonl.gz file, a folder or glob of them, "
               "or a postgresql://user@host/db DSN (LiteLLM's database)")
TASK_KEY_HELP = (
    "what names a task: tag:NAME (LiteLLM request_tags 'NAME:value'), metadata.PATH, trace_name, "
    "prompt_name, a gen_ai.* attribute, model, or a column (default per format: task, "
    "tag:taskName, trace_name, gen_ai.prompt.name|gen_ai.workflow.name|gen_ai.agent.name)"
)


def add_source_arguments(parser) -> None:
    """The options every command that reads a usage source shares."""
    parser.add_argument("--task-key", default=None, help=TASK_KEY_HELP)
    parser.add_argument("--since", default=None, help="first UTC day to read (YYYY-MM-DD)")
    parser.add_argument("--until", default=None, help="last UTC day to read (YYYY-MM-DD)")
    parser.add_argument("--source-format", choices=FORMATS, default=None,
                        help="force the source's format instead of detecting it from the columns")


def tasks_frame(table: UsageTable) -> pd.DataFrame:
    """One row per task: days, requests/day, $, token mix and cache share, token quantiles,
    peak-to-average."""
    d = table.daily
    per = d.groupby("task").agg(
        days=("date", "nunique"),
        requests=("requests", "sum"),
        input_tokens=("input_tokens", "sum"),
        cached_input_tokens=("cached_input_tokens", "sum"),
        output_tokens=("output_tokens", "sum"),
        usd=("usd", "sum"),
    )
    per["input_per_request"] = per["input_tokens"] / per["requests"]
    per["output_per_request"] = per["output_tokens"] / per["requests"]
    per["cached_share"] = per["cached_input_tokens"] / per["input_tokens"].where(per["input_tokens"] > 0)
    shape = table.shape.set_index("task")
    return per.join(shape, how="left").reset_index()


def _text(table: UsageTable) -> str:
    tasks = tasks_frame(table)
    lines = table.summary_lines() + [""]
    header = (f"{'task':<28}{'days':>5}{'requests':>14}{'USD':>14}{'in/req':>9}{'out/req':>9}{'cached':>8}"
              f"{'in p50/p90':>13}{'peak/avg (p99 h)':>18}")
    lines.append(header)
    for r in tasks.itertuples():
        quant = "–" if pd.isna(r.input_p50) else f"{r.input_p50:,.0f}/{r.input_p90:,.0f}"
        peak = "– (no hours)" if pd.isna(r.peak_to_average_hourly) else f"{r.peak_to_average_hourly:.2f}"
        cached = "–" if pd.isna(r.cached_share) else f"{r.cached_share:.0%}"
        lines.append(
            f"{str(r.task)[:27]:<28}{r.days:>5}{r.requests:>14,.0f}{r.usd:>14,.2f}"
            f"{r.input_per_request:>9,.0f}{r.output_per_request:>9,.0f}{cached:>8}{quant:>13}{peak:>18}"
        )
    return "\n".join(lines)


def _run(args) -> int:
    if args.print_sql:
        print(warehouse_sql(args.dialect, args.task_key, args.since, args.until))
        return 0
    if args.source is None:
        raise SourceError("SOURCE", "give a usage source (or --print-sql)")
    table = read_source(args.source, args.task_key, args.since, args.until, args.source_format)
    if args.out:
        write_table(table, args.out)
    if args.format == "json":
        daily = table.daily.assign(date=table.daily["date"].astype(str))
        print(json.dumps(json_ready({"summary": table.summary_lines(), "untagged_usd": table.untagged_usd,
                                     "failed_requests": table.failed_requests,
                                     "tasks": tasks_frame(table).to_dict(orient="records"),
                                     "daily": daily.to_dict(orient="records")}), indent=2, allow_nan=False))
    elif args.format == "csv":
        sys.stdout.write(table.daily.to_csv(index=False))
    else:
        print(_text(table))
    if args.out:
        print(f"wrote {len(table.daily):,} rows to {args.out}", file=sys.stderr)
    return 0


def add_usage_command(sub) -> None:
    """Register `usage` on the subcommand parsers of `python -m econ`."""
    us = sub.add_parser("usage", help="read a usage source into the canonical daily table (date, task, ...)")
    us.add_argument("source", nargs="?", default=None, help=SOURCE_HELP)
    add_source_arguments(us)
    us.add_argument("--format", choices=("table", "json", "csv"), default="table",
                    help="output: a per-task summary (table), everything (json) or the daily rows (csv)")
    us.add_argument("--out", default=None, help="also write the daily table to FILE.parquet or FILE.csv")
    us.add_argument("--print-sql", action="store_true",
                    help="print the aggregation of LiteLLM_SpendLogs as SQL for --dialect, read nothing")
    us.add_argument("--dialect", choices=DIALECTS, default="postgres", help="SQL dialect of --print-sql")
    us.set_defaults(handler=_run)
