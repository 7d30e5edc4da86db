"""`python -m econ methods SCENARIO [--format table|json|csv]`: the distillation methods side by side.

Imports argparse, json and `econ.chain.methods`, `econ.model.scenario_files`, `econ.io`. `add_methods_command`
registers the subcommand on `econ.cli.main`'s parser; a scenario without a distillation run raises a
ValueError naming the field, which `econ.cli.main` prints as one line (exit 2).
"""

from __future__ import annotations

import json
import math

from econ.chain.methods import PHASE_LINES, MethodComparison, compare_methods
from econ.io.formats import usd
from econ.io.serialize import json_ready
from econ.model.scenario_files import load_scenario


def _months(value) -> str:
    return "never" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:.1f}"


def methods_text(comparison: MethodComparison) -> str:
    """One block per method, then the cheapest and the fastest to a serving student."""
    lines = []
    for r in comparison.results:
        if r.evaluation is None:
            lines += [f"{r.method}: ruled out: {r.ruled_out}", ""]
            continue
        e = r.evaluation
        phases = ", ".join(f"{name.removesuffix('_usd').replace('_', ' ')} {usd(e.upfront_lines_usd[name])}"
                           for name in ("data_generation_usd", *PHASE_LINES) if e.upfront_lines_usd.get(name))
        lines += [f"{r.method}: upfront {usd(e.upfront_usd)} ({phases})",
                  f"  {r.gpu_hours:,.1f} GPU-hours, {r.elapsed_hours:,.1f} h on the GPUs given, student "
                  f"serves after {r.lead_time_months:.2f} months; payback {_months(e.payback_months)} "
                  f"months, NPV {usd(e.npv_usd)}",
                  ""]
    cheapest, fastest = comparison.cheapest(), comparison.fastest()
    if cheapest is None:
        return "\n".join([*lines, "no method is allowed by this scenario"])
    lines.append(f"cheapest: {cheapest.method} ({usd(cheapest.evaluation.upfront_usd)} upfront)")
    lines.append(f"fastest to a serving student: {fastest.method} ({fastest.lead_time_months:.2f} months, "
                 f"{fastest.elapsed_hours:,.1f} h of distillation)")
    return "\n".join(lines)


def _methods(args) -> int:
    comparison = compare_methods(load_scenario(args.file))
    if args.format == "json":
        frame = comparison.to_frame()
        cheapest, fastest = comparison.cheapest(), comparison.fastest()
        print(json.dumps(json_ready({"methods": frame.to_dict(orient="records"),
                                     "cheapest": cheapest.method if cheapest else None,
                                     "fastest": fastest.method if fastest else None}), indent=2))
    elif args.format == "csv":
        print(comparison.to_frame().to_csv(index=False), end="")
    else:
        print(methods_text(comparison))
    return 0


def add_methods_command(sub) -> None:
    """Register `methods` on the `python -m econ` subparsers."""
    parser = sub.add_parser("methods",
                            help="compare the distillation methods a scenario allows, side by side")
    parser.add_argument("file",
                        help="scenario JSON file whose distillation.training_usd is a distillation run")
    parser.add_argument("--format", choices=("table", "json", "csv"), default="table")
    parser.set_defaults(handler=_methods)
