"""`python -m econ`: evaluate a scenario file, its risk, a traffic forecast, quality evidence; the schema, the example.

Imports argparse and `econ`. Bad input (unreadable file, invalid field, bad option) prints one line
naming the field and exits 2, never a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from pydantic import ValidationError

from econ.base.errors import describe_validation_error
from econ.chain.evaluate import evaluate
from econ.cli.args import EXIT_BAD_INPUT, OneLineParser, bounded_int
from econ.cli.decision_report import report_html, report_inputs, report_pdf, with_portfolio
from econ.cli.methods import add_methods_command
from econ.cli.prices import add_prices_command
from econ.cli.quality import curve_frame, evidence_dict, evidence_text
from econ.cli.report import headline_text, monthly_text, verdict_text
from econ.cli.screen import add_screen_command, usage_of
from econ.cli.usage import add_usage_command
from econ.evidence.rates import quality_evidence
from econ.evidence.samples import load_samples
from econ.io.formats import usd
from econ.io.serialize import finite_or_none, json_text
from econ.model.examples import EXAMPLE_SCENARIO
from econ.model.plausibility import input_flags, output_flags
from econ.model.scenario import Scenario
from econ.model.scenario_files import load_scenario, save_scenario
from econ.model.uncertainty import MAX_DRAWS
from econ.portfolio.screen import screen
from econ.risk import monte_carlo, settings_of, tornado
from econ.risk.decision import decide
from econ.risk.threshold import threshold_sweep
from econ.risk.verdict import verdict
from econ.traffic.forecast import DEFAULT_MONTHS, MAX_MONTHS, forecast_traffic, load_history


def _evaluate(args) -> int:
    result = evaluate(load_scenario(args.file))
    if args.format == "csv":
        sys.stdout.write(result.to_frame().to_csv(index=False))
        return 0
    answer = verdict(result.scenario, result)
    flags = input_flags(result.scenario) + output_flags(result.headline())
    if args.format == "json":
        print(json_text({"verdict": answer.to_dict(), **result.to_dict(),
                         "plausibility": [f.to_dict() for f in flags]}))
    else:
        print(verdict_text(answer), end="")
        checks = [f"check {', '.join(f.fields)}: {f.message}" for f in input_flags(result.scenario)]
        print("\n".join(["", *checks] if checks else []))
        print()
        print(headline_text(result))
        print()
        print(monthly_text(result))
    return 0


def _value(value: float) -> str:
    """An input value in its own units: 28,500 or 0.064."""
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.4g}"


def _months(value: float | None) -> str:
    return "never" if finite_or_none(value) is None else f"{value:.1f}"


def _risk(args) -> int:
    scenario = load_scenario(args.file)
    settings = settings_of(scenario)
    mc = monte_carlo(scenario, settings, draws=args.draws, seed=args.seed)
    sensitivity = tornado(scenario, settings)
    decision = decide(scenario)
    answer = verdict(scenario, mc=mc, decision=decision)
    if args.format == "json":
        print(json_text({"verdict": answer.to_dict(), "name": scenario.name, **mc.to_dict(),
                         "tornado": sensitivity.to_dict(), "decision": decision.to_dict()}))
        return 0
    h = scenario.horizon_months
    lines = [verdict_text(answer), "", f"scenario  {scenario.name}", f"draws     {mc.n_draws:,} (seed {mc.seed})", ""]
    lines += mc.summary() + [""]
    n, p = mc.npv_usd, mc.payback_months
    lines += [
        f"{'':<22}{'P10':>12}{'P50':>12}{'P90':>12}",
        f"{'NPV':<22}{usd(n.p10):>12}{usd(n.p50):>12}{usd(n.p90):>12}",
        f"{'payback (months)':<22}{_months(p.p10):>12}{_months(p.p50):>12}{_months(p.p90):>12}",
        f"P(NPV > 0)              {mc.p_npv_positive:.0%}",
        f"P(payback ≤ {h} months)  {mc.p_payback_within_horizon:.0%}",
        f"deterministic           NPV {usd(mc.deterministic_npv_usd)}, payback {_months(mc.deterministic_payback_months)} months",
        "", "Tornado: NPV with each input at its low / high, others held (largest swing first)",
    ]
    t = sensitivity.to_frame()
    table = t.loc[:, ["label", "low_value", "high_value", "unit", "coverage", "npv_low_usd", "npv_high_usd",
                     "npv_swing_usd"]]
    lines.append(table.to_string(index=False, formatters={
        "low_value": _value, "high_value": _value,
        "npv_low_usd": usd, "npv_high_usd": usd, "npv_swing_usd": usd,
    }))
    lines += ["", f"Decision: {decision.recommendation}  (total cost over {h} months, present value)"]
    options = decision.to_frame().loc[:, ["label", "one_off_usd", "serving_usd", "other_usd", "errors_usd", "total_usd"]]
    lines.append(options.to_string(index=False, formatters={c: usd for c in options.columns if c.endswith("_usd")}))
    lines += [f"- {reason}" for reason in decision.reasons]
    print("\n".join(lines))
    return 0


def _forecast(args) -> int:
    result = forecast_traffic(load_history(args.file), months=args.months)
    if args.format == "json":
        print(json_text(result.to_dict()))
        return 0
    lines = [
        f"model              {result.model}",
        f"history            {len(result.history)} days to {result.history.index[-1].date()}",
        f"monthly growth     {result.monthly_growth:.2%} per month (fitted)",
        f"month 1            {result.requests_per_day:,.0f} requests/day",
        "scenario traffic   " + json_text({"requests_per_day": round(result.requests_per_day, 1),
                                       "monthly_growth": round(result.monthly_growth, 5)}, indent=None),
        "",
        "requests per month (730/24 days), P10–P90 range and point forecast:",
        result.to_frame().loc[:, ["month", "low", "requests", "high"]].to_string(
            index=False, float_format=lambda v: f"{v:,.0f}"),
    ]
    print("\n".join(lines))
    return 0


def _quality(args) -> int:
    evidence = quality_evidence(load_samples(args.file))
    sweep = threshold_sweep(load_scenario(args.scenario), evidence) if args.scenario else None
    if args.format == "json":
        print(json_text(evidence_dict(evidence, sweep)))
    elif args.format == "csv":
        sys.stdout.write(curve_frame(evidence, sweep).to_csv(index=False))
    else:
        print(evidence_text(evidence, sweep))
    return 0


def _report(args) -> int:
    """The 1–2 page decision report: report.html (with the scenario JSON beside it) or report.pdf (JSON attached)."""
    out = Path(args.out)
    if out.suffix.lower() not in (".html", ".pdf"):
        raise ValueError(f"--out: {args.out} must end in .html or .pdf")
    scenario = load_scenario(args.file)
    inputs = report_inputs(scenario)
    if args.usage is not None:  # a portfolio: the scenario is the template every task is screened on
        log, shape = usage_of(args.usage)
        inputs = with_portfolio(inputs, screen(log, scenario, shape=shape))
    scenario_json = scenario.model_dump_json(indent=2, exclude_none=True) + "\n"
    if out.suffix.lower() == ".pdf":
        data = report_pdf(inputs, scenario_json, name=f"{out.stem}.scenario.json")
    else:
        beside = out.with_name(f"{out.stem}.scenario.json")
        save_scenario(scenario, beside)
        data = report_html(inputs, scenario_file=beside.name).encode()
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, out)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise ValueError(f"--out: {args.out}: cannot write ({exc.strerror or exc})") from None
    print(f"{out}: {inputs.answer.line()}")
    return 0


def _schema(_args) -> int:
    print(json_text(Scenario.model_json_schema()))
    return 0


def _example(_args) -> int:
    print(json_text(EXAMPLE_SCENARIO))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(prog="python -m econ", description="Distillation break-even cost model.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=OneLineParser)
    ev = sub.add_parser("evaluate", help="evaluate a scenario JSON file")
    ev.add_argument("file", help="scenario JSON file")
    ev.add_argument("--format", choices=("table", "json", "csv"), default="table")
    ev.set_defaults(handler=_evaluate)
    risk = sub.add_parser("risk", help="Monte Carlo, tornado and stay / swap / distil for a scenario JSON file")
    risk.add_argument("file", help="scenario JSON file (its optional `risk` block sets the distributions)")
    risk.add_argument("--draws", type=bounded_int(1, MAX_DRAWS), default=None,
                      help="Monte Carlo draws (default: the scenario's risk.draws, else 10,000)")
    risk.add_argument("--seed", type=bounded_int(0, 2**63 - 1), default=None,
                      help="random seed (default: the scenario's risk.seed, else 0)")
    risk.add_argument("--format", choices=("table", "json"), default="table")
    risk.set_defaults(handler=_risk)
    fc = sub.add_parser("forecast", help="monthly traffic forecast from a daily history CSV (date,requests)")
    fc.add_argument("file", help="CSV with a header 'date,requests' and one row per day")
    fc.add_argument("--months", type=bounded_int(1, MAX_MONTHS), default=DEFAULT_MONTHS,
                    help=f"months to forecast (default {DEFAULT_MONTHS})")
    fc.add_argument("--format", choices=("table", "json"), default="table")
    fc.set_defaults(handler=_forecast)
    add_screen_command(sub)
    add_usage_command(sub)
    qu = sub.add_parser("quality", help="error rates, production gap and router curve from graded samples (CSV)")
    qu.add_argument("file", help="CSV: source, student_correct[, teacher_correct, student_confidence, weight]")
    qu.add_argument("--scenario", help="scenario JSON file: price every router threshold, report the best")
    qu.add_argument("--format", choices=("table", "json", "csv"), default="table",
                    help="csv: the router curve (with NPV and payback per threshold given --scenario)")
    qu.set_defaults(handler=_quality)
    rep = sub.add_parser("report", help="1–2 page decision report (verdict, headline, chart, risk, assumptions)")
    rep.add_argument("file", help="scenario JSON file")
    rep.add_argument("--out", required=True, help="report.html (scenario JSON written beside it) or report.pdf "
                                                  "(scenario JSON attached)")
    rep.add_argument("--usage", metavar="SOURCE", default=None,
                     help="a usage source (as for `econ screen`): add the ranked tasks, screened on "
                          "the scenario as the template")
    rep.set_defaults(handler=_report)
    add_prices_command(sub)
    add_methods_command(sub)
    sub.add_parser("schema", help="print the scenario JSON schema").set_defaults(handler=_schema)
    sub.add_parser("example", help="print the example scenario JSON").set_defaults(handler=_example)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except ValidationError as exc:  # a derived value out of its model's range: one line, not pydantic's block
        print(f"error: {describe_validation_error(exc)}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:  # output piped into `head` and closed early: not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
