"""Honest words: an estimate is never called a measurement. The default scenario sizes both fleets from
ESTIMATED profiles; nothing econ says about it (warnings, plausibility flags, the verdict, `econ evaluate`,
the decision report, the error of an SLO no batch meets) may call its capacity or its profiles measured,
and no warning names a field by its JSON path.
"""

from __future__ import annotations

import json
import re

import pytest

import econ
from econ.base.errors import FieldError
from econ.cli.decision_report import report_html, report_inputs
from econ.cli.main import main
from econ.model.examples import DEFAULT_SCENARIO_PATH
from econ.model.plausibility import input_flags
from econ.risk.verdict import verdict

CLAIMS_MEASURED = re.compile(r"(?<!not )(?<!typed, not )\bmeasured\b", re.IGNORECASE)
JSON_PATH = re.compile(r"\b(traffic|teacher|student|quality|distillation|workload|swap)\.[a-z_]+")


def claims(texts) -> list[str]:
    return [t for t in texts if CLAIMS_MEASURED.search(t)]


def test_the_rule_catches_a_claim_and_lets_a_denial_pass():
    assert claims(["teacher: profile measured at 1000 in / 300 out tokens"])
    assert claims(["no measured batch meets the SLO"])
    assert not claims(["the student's capacity comes from an estimated profile, not a measurement",
                       "the student's quality was not measured on production traffic"])


def test_nothing_econ_says_of_the_default_scenario_calls_it_measured(capsys):
    scenario = econ.default_scenario()
    assert {scenario.teacher.profile.provenance, scenario.student.profile.provenance} == {"estimated"}
    result = econ.evaluate(scenario)
    said = [*result.warnings, *(f.message for f in input_flags(scenario)), verdict(scenario, result).line()]
    assert any("estimated profile" in w for w in said)  # the estimate is said, once per side
    assert not claims(said)
    assert not [w for w in said if JSON_PATH.search(w)]
    assert main(["evaluate", str(DEFAULT_SCENARIO_PATH)]) == 0
    printed = capsys.readouterr().out
    assert not claims(printed.splitlines())
    report = re.sub(r"<[^>]+>", " ", report_html(report_inputs(scenario)))
    report = report.replace(scenario.description, "")  # the scenario's own free text, not econ's words
    assert not claims([report])


def _changed(**changes) -> econ.Scenario:
    data = json.loads(econ.default_scenario().model_dump_json(exclude_none=True))
    for path, value in changes.items():
        *parents, leaf = path.split("__")
        node = data
        for part in parents:
            node = node[part]
        node[leaf] = value
    return econ.Scenario.model_validate(data)


def test_an_estimated_profile_at_other_token_counts_is_said_to_be_estimated_there():
    result = econ.evaluate(_changed(workload__input_tokens=4000))
    shape = [w for w in result.warnings if "token" in w and "carry over" in w]
    assert shape and all("profile was estimated at" in w for w in shape)
    assert not claims(result.warnings)


def test_an_slo_no_estimated_batch_meets_is_refused_without_calling_the_estimate_measured():
    with pytest.raises(FieldError) as caught:
        econ.evaluate(_changed(student__slo__tpot_ms_p99=0.5))
    assert caught.value.field == "student.slo"
    assert caught.value.message.startswith("no batch in the estimated profile meets the SLO")
    assert not claims([caught.value.message])


def test_a_distillation_runs_phase_lines_go_to_the_assumptions_not_the_warnings():
    from pathlib import Path

    from econ.chain.evaluate import is_caveat

    example = Path(__file__).resolve().parents[3] / "examples" / "distill-offline.json"
    warnings = econ.evaluate(econ.load_scenario(str(example))).warnings
    names = ("data generation:", "teacher scoring:", "student training:", "logit storage:")
    phases = [w for w in warnings if w.startswith(names)]
    assert len(phases) == 4 and all(is_caveat(w) for w in phases)
