"""The lead time as an uncertain input: the tornado and the Monte Carlo move it when the scenario has one,
and leave scenarios without one exactly as they were."""

from __future__ import annotations

import pytest
from builders import scenario

from econ.risk.sensitivity import tornado
from econ.risk.simulation import monte_carlo


def test_a_scenario_with_a_lead_time_sees_it_in_the_tornado():
    s = scenario(distillation__lead_time_months=2.0)
    rows = tornado(s).rows.set_index("input")
    assert "lead_time_months" in rows.index
    row = rows.loc["lead_time_months"]
    # A longer wait is worse: NPV at the high end below NPV at the low end.
    assert row["npv_high_usd"] < row["npv_low_usd"]


def test_a_listed_lead_time_range_moves_the_monte_carlo():
    risk = {"inputs": [{"input": "lead_time_months", "low": 0.5, "high": 3.0}], "draws": 500, "seed": 1}
    moved = monte_carlo(scenario(distillation__lead_time_months=1.0, risk=risk))
    drawn = moved.draws["lead_time_months"]
    assert drawn.min() >= 0 and drawn.max() > 1.5  # the listed range's P10/P90 are 0.5 and 3 months
    # Every other input draws independently: a later student still costs NPV on average.
    assert moved.draws["npv_usd"].corr(drawn) < 0


def test_no_lead_time_leaves_the_tornado_as_it_was():
    rows = tornado(scenario()).rows
    assert "lead_time_months" not in set(rows["input"])
    assert len(rows) == len(tornado(scenario(distillation__lead_time_months=0.0)).rows)
    assert pytest.approx(rows["npv_low_usd"].sum()) == tornado(scenario()).rows["npv_low_usd"].sum()
