"""`python -m econ`: evaluate a scenario file, print the schema or the example scenario.

Imports argparse, json and `econ`. Bad input (unreadable file, invalid field) prints one line naming
the field and exits 2, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys

from econ.evaluate import evaluate
from econ.examples import EXAMPLE_SCENARIO
from econ.report import headline_text, monthly_text
from econ.scenario import Scenario, load_scenario

EXIT_BAD_INPUT = 2


def _evaluate(args) -> int:
    result = evaluate(load_scenario(args.file))
    if args.format == "json":
        print(json.dumps(result.to_dict(), indent=2))
    elif args.format == "csv":
        sys.stdout.write(result.to_frame().to_csv(index=False))
    else:
        print(headline_text(result))
        print()
        print(monthly_text(result))
    return 0


def _schema(_args) -> int:
    print(json.dumps(Scenario.model_json_schema(), indent=2))
    return 0


def _example(_args) -> int:
    print(json.dumps(EXAMPLE_SCENARIO, indent=2))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m econ", description="Distillation break-even cost model.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    ev = sub.add_parser("evaluate", help="evaluate a scenario JSON file")
    ev.add_argument("file", help="scenario JSON file")
    ev.add_argument("--format", choices=("table", "json", "csv"), default="table")
    ev.set_defaults(handler=_evaluate)
    sub.add_parser("schema", help="print the scenario JSON schema").set_defaults(handler=_schema)
    sub.add_parser("example", help="print the example scenario JSON").set_defaults(handler=_example)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT


if __name__ == "__main__":
    sys.exit(main())
