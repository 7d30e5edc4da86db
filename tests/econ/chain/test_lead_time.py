"""The weeks before the student serves: savings start after the lead time, the teacher is paid until then,
payback counts from the decision date, and a zero lead time is today's cash flow to the bit."""

from __future__ import annotations

import numpy as np
import pytest
from builders import scenario

import econ
from econ.chain.cashflow import monthly_flows
from econ.chain.inputs import numeric_inputs

SHIPPED = ["econ/data/default_scenario.json", "examples/template.json"]


@pytest.mark.parametrize("path", SHIPPED)
def test_a_zero_lead_time_is_todays_cash_flow_exactly(path):
    s = econ.load_scenario(path)
    assert s.distillation.lead_time_months == 0
    flows = monthly_flows(numeric_inputs(s)[0])
    # Today's rule: the distil path pays serving + fallback + router + errors + re-distillation + monitoring.
    today = (flows.student_serving_usd + flows.student_fallback_usd + flows.student_router_usd
             + flows.student_errors_usd + flows.student_redistill_usd + flows.student_monitoring_usd)
    assert np.array_equal(flows.student_usd, today) and not flows.student_lead_teacher_usd.any()
    assert np.array_equal(flows.savings_usd, flows.teacher_usd - today)


def test_the_example_headline_is_unchanged():
    assert round(econ.evaluate(econ.example_scenario()).npv_usd) == 302967


def test_savings_start_after_the_lead_time_and_the_teacher_is_paid_until_then():
    base = econ.evaluate(scenario())
    late = econ.evaluate(scenario(distillation__lead_time_months=1.5))
    b, m = base.monthly, late.monthly
    # Month 1: the student does not serve; the distil path pays the whole teacher bill: no savings.
    assert m.loc[0,
                 "savings_usd"] == 0 and m.loc[0,
                                               "student_lead_teacher_usd"] == pytest.approx(b.loc[0,
                                                                                                  "teacher_usd"])
    # Month 2: it serves half the month (1.5 → 2): half of month 2's savings, minus half the monitoring (0
    # here).
    assert m.loc[1, "savings_usd"] == pytest.approx(0.5 * b.loc[1, "savings_usd"])
    # From month 3 on, the months are today's, except the re-distillations, which keep their cadence from
    # the day the student starts serving (every 6 months: months 8, 14, 20 instead of 6, 12, 18, 24).
    assert list(m.index[m["student_redistill_usd"] > 0] + 1) == [8, 14, 20]
    assert list(b.index[b["student_redistill_usd"] > 0] + 1) == [6, 12, 18, 24]
    assert late.payback_months > base.payback_months  # both counted from the decision date
    assert late.npv_usd < base.npv_usd


def test_the_lead_time_derives_from_the_run_plus_engineering_weeks():
    run = {"method": "sequence", "examples": 100_000, "prompt_tokens": 500, "completion_tokens": 300,
           "epochs": 2, "training": {"tokens_per_s": 20_000, "gpus": 8, "gpu_usd_per_hour": 2.5}}
    s = scenario(distillation__training_usd=run, distillation__lead_time_engineering_weeks=4)
    x, _ = numeric_inputs(s)
    # The run: 1.6e8 tokens ÷ 20,000 tokens/s = 8,000 s = 8,000 ÷ (730 × 3600) = 0.0030441 months;
    # 4 weeks = 28 days ÷ 30.41667 = 0.9205479 months → 0.9235920 months.
    assert x.lead_time_months[0] == pytest.approx(0.0030441 + 0.9205479, abs=1e-6)


def test_a_typed_and_a_derived_lead_time_together_are_refused():
    with pytest.raises(econ.ScenarioError, match="lead_time_months or lead_time_engineering_weeks"):
        scenario(distillation__lead_time_months=1, distillation__lead_time_engineering_weeks=2)
