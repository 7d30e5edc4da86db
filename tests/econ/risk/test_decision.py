"""Stay, swap or distil: the lowest total cost over the horizon wins, error cost included, with reasons."""

from __future__ import annotations

import json

import pytest
from builders import scenario

import econ
from econ.risk.decision import decide

TEACHER = {"kind": "api", "input_usd_per_mtok": 3.0, "output_usd_per_mtok": 15.0}
MINI = {"kind": "api", "name": "gpt-5-mini", "input_usd_per_mtok": 0.25, "output_usd_per_mtok": 2.0}
ERRORS = {
    "quality__usd_per_error": 2.0,
    "quality__teacher_error_rate": 0.02,
    "quality__student_error_rate": 0.025,
}


def test_distil_total_is_stay_total_minus_npv():
    s = scenario()
    d = decide(s).to_frame().set_index("option")
    saved_usd = d.loc["stay", "total_usd"] - d.loc["distil", "total_usd"]
    assert saved_usd == pytest.approx(econ.evaluate(s).npv_usd, rel=1e-12)


def test_example_recommends_distilling_and_says_swap_is_missing():
    d = decide(scenario())
    assert d.recommendation == "distil"
    assert list(d.to_frame()["option"]) == ["stay", "distil"]
    assert any("no off-the-shelf alternative" in r for r in d.reasons)
    assert any("errors not priced" in r for r in d.reasons)  # the example says "not_priced"


def test_a_cheap_swap_with_many_errors_loses_on_error_cost():
    s = scenario(swap={"name": "gpt-5-mini", "serving": MINI, "error_rate": 0.10}, **ERRORS)
    d = decide(s)
    assert d.recommendation != "swap"
    options = d.to_frame().set_index("option")
    assert options.loc["swap", "serving_usd"] < options.loc["stay", "serving_usd"]
    why = [r for r in d.reasons if r.startswith("swapping to gpt-5-mini")]
    assert why and "error cost" in why[0] and "exceeds the savings" in why[0]


def test_a_cheap_accurate_swap_wins():
    swap = {"name": "gpt-5-mini", "serving": MINI, "error_rate": 0.02, "switching_usd": 1000}
    s = scenario(swap=swap, **ERRORS)
    d = decide(s)
    assert d.recommendation == "swap"
    assert d.reasons[0].startswith("swapping to gpt-5-mini has the lowest total cost")
    assert d.to_frame().set_index("option").loc["swap", "one_off_usd"] == 1000


def test_a_swap_identical_to_the_teacher_costs_the_same_as_staying():
    s = scenario(swap={"serving": TEACHER, "error_rate": 0.02}, **ERRORS)
    options = decide(s).to_frame().set_index("option")
    assert options.loc["swap", "total_usd"] == pytest.approx(options.loc["stay", "total_usd"], rel=1e-12)


def test_when_distilling_does_not_pay_staying_is_recommended():
    s = scenario(traffic__requests_per_day=1000, traffic__monthly_growth=0.0)
    d = decide(s)
    assert d.recommendation == "stay"
    assert d.reasons[0].startswith("staying on the teacher has the lowest total cost")


def test_close_calls_are_flagged():
    s = scenario(traffic__requests_per_day=17000, traffic__monthly_growth=0.0)  # NPV ≈ +$362
    assert any("close call" in r for r in decide(s).reasons)


def test_monthly_cumulative_costs_start_with_the_one_off_spend():
    s = scenario(swap={"serving": MINI, "switching_usd": 500})
    m = decide(s).monthly
    assert list(m.columns) == ["month", "stay_usd", "swap_usd", "distil_usd"]
    assert m.loc[0, "stay_usd"] == 0 and m.loc[0, "swap_usd"] == 500 and m.loc[0, "distil_usd"] == 23_750
    assert len(m) == s.horizon_months + 1


def test_decision_is_json_ready():
    data = json.loads(json.dumps(decide(scenario(swap={"serving": MINI})).to_dict()))
    assert data["recommendation"] in ("stay", "swap", "distil") and len(data["options"]) == 3
