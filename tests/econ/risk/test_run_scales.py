"""A distillation run's own uncertainties in the tornado and the Monte Carlo: its token volumes (examples ×
tokens × epochs) and the teacher's scoring speed, as multipliers of the plan."""

from __future__ import annotations

import pytest
from builders import scenario

import econ
from econ.chain.cashflow import monthly_flows
from econ.chain.inputs import numeric_inputs, vary
from econ.chain.spend import upfront_spend
from econ.risk.sensitivity import tornado

EXAMPLE = "examples/distill-offline.json"


def test_the_scales_move_the_run_inside_the_upfront_spend():
    s = econ.load_scenario(EXAMPLE)
    x, _ = numeric_inputs(s)
    up = upfront_spend(s)
    run, scoring = up.run.total_usd, up.run.lines_usd()["teacher_scoring_usd"]
    assert monthly_flows(x).upfront_usd[0, 0] == up.total_usd  # both at 1: exactly the plan
    flows = monthly_flows(vary(x, distill_tokens_scale=[1.0, 2.0, 2.0], scoring_speed_scale=[2.0, 1.0, 2.0]))
    # Twice the scoring speed halves the scoring: U − scoring/2. Twice the tokens doubles every phase: U +
    # run.
    # Both: U + run + 2 × scoring × (1/2 − 1) = U + run − scoring.
    assert flows.upfront_usd[:, 0] == pytest.approx([up.total_usd - scoring / 2, up.total_usd + run,
                                                     up.total_usd + run - scoring])


def test_the_tornado_lists_them_only_for_a_distillation_run():
    rows = tornado(econ.load_scenario(EXAMPLE)).rows.set_index("input")
    assert {"distill_tokens_scale", "scoring_speed_scale"} <= set(rows.index)
    # More tokens cost more; a faster teacher costs less.
    assert rows.loc["distill_tokens_scale", "npv_high_usd"] < rows.loc["distill_tokens_scale", "npv_low_usd"]
    assert rows.loc["scoring_speed_scale", "npv_high_usd"] > rows.loc["scoring_speed_scale", "npv_low_usd"]
    plain = set(tornado(scenario()).rows["input"])
    assert not {"distill_tokens_scale", "scoring_speed_scale"} & plain
