"""`python -m econ methods`: every method on the scenario's own run, the ruled-out ones with their reason,
the cheapest and the fastest to a serving student."""

from __future__ import annotations

import json

import pytest
from builders import scenario

import econ
from econ.chain.methods import compare_methods
from econ.cli.main import main

VOLUMES = {"examples": 100_000, "prompt_tokens": 500, "completion_tokens": 300, "epochs": 2,
           "steps": 1_000, "prompts_per_step": 64, "sampled_tokens": 300}
SIDE = {"tokens_per_s": 20_000, "gpus": 8, "gpu_usd_per_hour": 2.5}
SCORING = {"tokens_per_s": 100_000, "gpus": 4, "gpu_usd_per_hour": 4.0}
SAMPLING = {"tokens_per_s": 5_000, "gpus": 1, "gpu_usd_per_hour": 2.0}
SELF_HOSTED_TEACHER = {"kind": "self_hosted", "gpu_usd_per_hour": 2.0, "gpus_per_replica": 4,
                       "requests_per_second_per_replica": 10}


def test_each_method_is_the_same_run_with_only_the_method_changed():
    run = {"method": "sequence", **VOLUMES, "training": SIDE, "scoring": SCORING, "sampling": SAMPLING}
    s = scenario(teacher=SELF_HOSTED_TEACHER, distillation__training_usd=run,
                 distillation__lead_time_engineering_weeks=2)
    comparison = compare_methods(s)
    assert [r.method for r in comparison.results] == ["sequence", "logit-offline", "logit-online",
                                                      "on-policy"]
    assert all(r.ruled_out is None for r in comparison.results)
    online = comparison.results[2]
    alone = econ.evaluate(scenario(teacher=SELF_HOSTED_TEACHER,
                                   distillation__training_usd={**run, "method": "logit-online"},
                                   distillation__lead_time_engineering_weeks=2))
    assert online.evaluation.npv_usd == alone.npv_usd
    # Online: scoring 1.6e8 tokens ÷ 100,000 = 1,600 s, training 1.6e8 ÷ 20,000 = 8,000 s → 9,600 s = 2.667 h;
    # GPU-hours 1,600 × 4 / 3600 + 8,000 × 8 / 3600 = 1.778 + 17.778 = 19.556.
    assert online.elapsed_hours == pytest.approx(9_600 / 3600)
    assert online.gpu_hours == pytest.approx(19.5556, abs=1e-4)
    # On-policy: 64,000 rollouts; sampling 1.92e7 ÷ 5,000 = 3,840 s ($2.13), scoring 5.12e7 ÷ 100,000 = 512 s
    # ($2.28), training 5.12e7 ÷ 20,000 = 2,560 s ($14.22): 6,912 s and $18.63, against sequence's 8,000 s and
    # $44.44: with the same engineering weeks it is both the cheapest and the first to serve.
    assert comparison.cheapest().method == comparison.fastest().method == "on-policy"
    assert comparison.results[3].evaluation.upfront_usd - comparison.results[0].evaluation.upfront_usd \
        == pytest.approx(18.6311 - 44.4444, abs=1e-3)
    frame = comparison.to_frame()
    assert frame.loc[2, "teacher_scoring_usd"] == pytest.approx(7.1111, abs=1e-4)


def test_an_api_teacher_rules_out_online_and_on_policy_with_the_reason():
    run = {"method": "sequence", **VOLUMES, "top_k": 20, "training": SIDE, "sampling": SAMPLING}
    results = {r.method: r for r in compare_methods(scenario(distillation__training_usd=run)).results}
    assert results["sequence"].ruled_out is None and results["logit-offline"].ruled_out is None
    assert "an API teacher cannot serve logit-online" in results["logit-online"].ruled_out
    assert "an API teacher cannot serve on-policy" in results["on-policy"].ruled_out


def test_the_cli_prints_cheapest_and_fastest_and_json(tmp_path, capsys):
    assert main(["methods", "examples/distill-offline.json"]) == 0
    out = capsys.readouterr().out
    assert "cheapest: " in out and "fastest to a serving student: " in out and "on-policy: upfront" in out
    assert main(["methods", "examples/distill-offline.json", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [row["method"] for row in data["methods"]] == ["sequence", "logit-offline", "logit-online",
                                                          "on-policy"]
    assert data["cheapest"] == "sequence"


def test_a_scenario_without_a_run_is_one_line_naming_the_field(tmp_path, capsys):
    path = tmp_path / "s.json"
    path.write_text(json.dumps(econ.example_scenario().model_dump(mode="json")))
    assert main(["methods", str(path)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: distillation.training_usd: comparing methods needs a distillation run")
    assert len(err.splitlines()) == 1
