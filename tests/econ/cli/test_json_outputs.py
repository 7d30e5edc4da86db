"""Every `--format json` of `python -m econ` is strict JSON, even where a number is undefined.

A scenario with no traffic never pays back (payback, IRR and the cost per token are undefined, in every
threshold of a quality sweep too), a silent history's AIC is −∞: each must come out
as `null`, never `NaN` or `Infinity`. The commands are read from the parser itself, so a new command with
a `--format json` has to be added here (the first test fails until it is).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pandas as pd
import pytest
from builders import scenario_dict

from econ.cli.main import build_parser, main

ROOT = Path(__file__).resolve().parents[3]
NO_JSON = {"report"}  # writes an HTML or PDF file and prints one line about it


def _strict(text: str):
    def refuse(constant):
        raise ValueError(f"{constant} is not JSON")
    return json.loads(text, parse_constant=refuse)


def _json_commands() -> set[str]:
    """Subcommands whose --format offers json, and those that always print JSON (schema, example)."""
    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    out = set()
    for name, parser in sub.choices.items():
        if name in NO_JSON:
            continue
        formats = [a for a in parser._actions if "--format" in a.option_strings]
        if not formats or "json" in formats[0].choices:
            out.add(name)
    return out


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("undefined")
    never = folder / "never.json"  # no traffic: nothing is ever saved, nothing served
    never.write_text(json.dumps(scenario_dict(traffic__requests_per_day=0.0, traffic__monthly_growth=0.0)))
    dear = folder / "dear.json"  # a student dearer than the teacher at any volume: no payback, no break-even
    dear.write_text(json.dumps(scenario_dict(student__gpu_usd_per_hour=10_000.0,
                                             student__requests_per_s_per_replica=0.001)))
    # A source whose weights sum to 0 is refused (issue 21: its rate would be 0/0); the sweep's
    # undefined numbers come from the scenario that never pays back.
    samples = folder / "samples.csv"
    samples.write_text("source,student_correct,teacher_correct,student_confidence,weight\n"
                       "production,1,1,0.9,1\nproduction,0,1,0.4,1\nproduction,1,1,0.8,2\n"
                       "synthetic,1,1,0.7,1\nsynthetic,0,0,0.3,0\n")
    history = folder / "silent.csv"  # no request on any day: the fit's AIC is −∞
    days = pd.date_range("2026-01-05", periods=56, freq="D")
    history.write_text("date,requests\n" + "".join(f"{d.date()},0\n" for d in days))
    usage = folder / "usage.csv"  # one task with history, one too new to score (no growth, no volatility)
    rows = [f"{d.date()},old,100,100000,30000" for d in pd.date_range("2026-01-05", periods=60, freq="D")]
    rows += [f"{d.date()},new,100,100000,30000" for d in pd.date_range("2026-02-24", periods=5, freq="D")]
    usage.write_text("date,task,requests,input_tokens,output_tokens\n" + "\n".join(rows) + "\n")
    return {
        "evaluate": [str(never)],
        "methods": [str(ROOT / "examples" / "distill-offline.json")],  # needs a distillation run
        "risk": [str(never), "--draws", "200"],
        "forecast": [str(history), "--months", "3"],
        "screen": [str(usage), "--template", str(dear)],
        "usage": [str(usage)],
        "quality": [str(samples), "--scenario", str(never)],
        "prices": [],
        "schema": [],
        "example": [],
    }


def test_every_json_command_is_covered(inputs):
    assert _json_commands() == set(inputs)


@pytest.mark.parametrize("command", ["evaluate", "risk", "forecast", "screen", "quality", "prices"])
def test_undefined_numbers_come_out_as_null_in_strict_json(command, inputs, capsys):
    assert main([command, *inputs[command], "--format", "json"]) == 0
    out = capsys.readouterr().out
    _strict(out)  # raises on NaN, Infinity, -Infinity
    assert "null" in out  # the undefined values are there, as null


@pytest.mark.parametrize("command", ["methods", "usage"])
def test_commands_with_only_defined_numbers_print_strict_json(command, inputs, capsys):
    assert main([command, *inputs[command], "--format", "json"]) == 0
    _strict(capsys.readouterr().out)


@pytest.mark.parametrize("command", ["schema", "example"])
def test_the_json_only_commands_are_strict_too(command, inputs, capsys):
    assert main([command]) == 0
    _strict(capsys.readouterr().out)
