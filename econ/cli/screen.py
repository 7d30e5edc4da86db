"""`python -m econ screen USAGE.csv --template SCENARIO.json`: the portfolio screen on the command line.

Imports sys and `econ`. `add_screen_command` registers the subcommand on
`econ.cli.main`'s parser; bad input raises ValueError, which `econ.cli.main` prints as one line (exit 2).
Everything is read and scored before anything is written, so bad input changes no saved file.
"""

from __future__ import annotations

import sys

from econ.base.units import WEEK_DAYS
from econ.cli.args import bounded_float, bounded_int, output_name
from econ.cli.usage import SOURCE_HELP, add_source_arguments
from econ.io.formats import usd
from econ.io.serialize import json_text
from econ.model.scenario_files import load_scenario
from econ.portfolio.screen import MIN_HISTORY_DAYS, Screen, screen, write_scenarios
from econ.portfolio.verdicts import BREAKEVEN_MARGIN, DISTIL_PAYBACK_SHARE, MAX_VOLATILITY
from econ.risk.verdict import MIN_CONFIDENCE
from econ.traffic.sources.read import is_dsn, read_source
from econ.traffic.usage import load_usage
from econ.traffic.usage_stats import MIN_TREND_WEEKS

MAX_MIN_DAYS = 3650
MAX_BUDGET_USD = 1e15


def _fmt(value: float | None, spec: str, missing: str = "–") -> str:
    return missing if value is None else format(value, spec)


def _table(result: Screen) -> str:
    header = (f"{'#':>3}  {'task':<24}{'verdict':<19}{'req/day':>11}{'growth':>8}{'vol':>6}{'peak':>6}"
              f"{'tok in/out':>13}{'teacher/mo':>12}{'data gen':>10}{'upfront':>10}{'NPV P10':>10}{'NPV':>10}"
              f"{'NPV P90':>10}{'payback':>9}{'break-even':>12}{'student/1k':>11}")
    lines = [header]
    for rank, t in enumerate(result.tasks, start=1):
        tokens = "–" if t.input_tokens is None else f"{t.input_tokens:,.0f}/{t.output_tokens:,.0f}"
        payback = "–" if t.npv_usd is None else _fmt(t.payback_months, ".1f", "never")
        lines.append(
            f"{rank:>3}  {t.task[:23]:<24}{t.verdict_label:<19}{t.requests_per_day:>11,.0f}"
            f"{_fmt(t.projected_growth, '+.1%'):>8}{_fmt(t.volatility, '.0%'):>6}"
            f"{_fmt(t.peak_to_average, '.1f'):>6}{tokens:>13}{usd(t.teacher_usd_per_month):>12}"
            f"{usd(t.data_generation_usd):>10}{usd(t.upfront_usd):>10}{usd(t.npv_p10_usd):>10}"
            f"{usd(t.npv_usd):>10}{usd(t.npv_p90_usd):>10}{payback:>9}"
            f"{_fmt(t.breakeven_requests_per_day, ',.0f', 'none'):>12}{usd(t.student_usd_per_kreq):>11}")
    return "\n".join(lines)


def screen_text(result: Screen, origin: str, template_name: str) -> str:
    """The ranked table, every task's reasons, the portfolio and the warnings."""
    title = (
        f"screen of {origin} on template {template_name!r}: {len(result.tasks)} tasks, "
        "ranked by P10 NPV (growth: projected; peak: peak-to-average)"
    )
    lines = [title, "", _table(result), "", "Why:"]
    for rank, t in enumerate(result.tasks, start=1):
        lines.append(f"{rank:>3}. {t.task}: {t.verdict_label}")
        lines += [f"       - {reason}" for reason in t.reasons]
    distil = result.distil
    lines += ["", f"distil set   {len(distil)} task(s), NPV {usd(result.distil_npv_usd)}, "
                  f"upfront {usd(result.distil_upfront_usd)}"]
    if result.budget_usd is not None:
        chosen = [t for t in result.tasks if t.task in result.chosen]
        lines.append(f"budget       {usd(result.budget_usd)} upfront (exact 0/1 knapsack on NPV): "
                     f"{', '.join(result.chosen) or 'nothing'}; NPV {usd(sum(t.npv_usd for t in chosen))}, "
                     f"upfront {usd(sum(t.upfront_usd for t in chosen))}")
        lines.append(f"left out     {', '.join(result.left_out) or 'none'}")
    lines.append("rule         econ.risk.verdict, as for one scenario: Distil when it pays back as typed "
                 f"with at least {MIN_CONFIDENCE:.0%} confidence (the student's failure included); "
                 f"watch: payback > {DISTIL_PAYBACK_SHARE:.0%} of the horizon, "
                 f"volume < {BREAKEVEN_MARGIN}× break-even, "
                 f"volatility > {MAX_VOLATILITY:.0%}, under a quarter of history, P10 NPV ≤ 0")
    lines += [f"warning: {w}" for w in result.warnings]
    return "\n".join(lines)


def _usage_log(args):
    """Today's CSV reader for one plain .csv file without source options; every other source via
    DuckDB/Postgres."""
    return usage_of(args.file, args.task_key, args.since, args.until, args.source_format)


def usage_of(source: str, task_key=None, since=None, until=None, source_format=None):
    """(UsageLog, per-task shape or None) of a usage source, as `econ screen` reads it."""
    plain = (source.lower().endswith(".csv") and not is_dsn(source) and not any(ch in source for ch in "*?[")
             and task_key is None and since is None and until is None and source_format is None)
    if plain:
        return load_usage(source), None
    table = read_source(source, task_key, since, until, source_format)
    return table.to_usage_log(), table.screen_shape()


def _run(args) -> int:
    template = load_scenario(args.template)
    log, shape = _usage_log(args)
    result = screen(log, template, min_days=args.min_days, budget_usd=args.budget_usd, shape=shape)
    written = []
    if args.out_dir is not None:
        try:
            written = write_scenarios(result, args.out_dir)
        except OSError as exc:
            raise ValueError(f"--out-dir: cannot write into {args.out_dir} ({exc.strerror})") from None
    if args.format == "json":
        print(json_text(result.to_dict()))
    elif args.format == "csv":
        sys.stdout.write(result.to_frame().to_csv(index=False))
    else:
        print(screen_text(result, args.file, template.name))
    if written:
        print(f"wrote {len(written)} scenario file(s) to {args.out_dir}", file=sys.stderr)
    return 0


def add_screen_command(sub) -> None:
    """Register `screen` on the subcommand parsers of `python -m econ`."""
    sc = sub.add_parser("screen", help="rank the tasks of a usage log: which to distil first")
    sc.add_argument(
        "file",
        metavar="SOURCE",
        help=SOURCE_HELP + "; a CSV in the canonical shape: "
        "date,task,requests,input_tokens,output_tokens (daily totals) or "
        "timestamp,task,input_tokens,output_tokens (one row per request); optional usd, model",
    )
    add_source_arguments(sc)
    sc.add_argument("--template", required=True, help="scenario JSON whose student, distillation and quality "
                                                      "every task shares")
    sc.add_argument("--format", choices=("table", "json", "csv"), default="table")
    sc.add_argument("--budget-usd", type=bounded_float(0.0, MAX_BUDGET_USD, "USD"), default=None,
                    help="upfront budget: choose the distil tasks with the most total NPV within it")
    sc.add_argument("--out-dir", type=output_name("folder"), default=None,
                    help="write one scenario JSON per scored task into this folder")
    sc.add_argument("--min-days", type=bounded_int(MIN_TREND_WEEKS * WEEK_DAYS, MAX_MIN_DAYS),
                    default=MIN_HISTORY_DAYS,
                    help="tasks with fewer days of history are listed, not scored "
                    f"(default {MIN_HISTORY_DAYS})")
    sc.set_defaults(handler=_run)
