"""The cost model reproduces known numbers: the issue's worked example and REFERENCE.md's examples."""

from __future__ import annotations

import numpy as np
import pytest

import econ
from econ.base.units import DAYS_PER_MONTH
from econ.chain import finance
from econ.serving import unit_costs


def test_example_month_one_costs_to_the_cent():
    result = econ.evaluate(econ.example_scenario())
    first = result.monthly.iloc[0]
    # 30,000 req/day × 730/24 days = 912,500 requests; (1000 × $3 + 300 × $15) / 1e6 = $0.0075 each
    assert first["requests"] == pytest.approx(912_500)
    assert round(first["teacher_usd"], 2) == 6843.75
    # one always-on H100: 1 × 730 h × $2.69 = $1,963.70; fallback 5% × $6,843.75 = $342.19
    assert round(first["student_serving_usd"], 2) == 1963.70
    assert round(first["student_fallback_usd"], 2) == 342.19
    assert round(first["student_usd"], 2) == 2305.89


def test_example_headline():
    result = econ.evaluate(econ.example_scenario())
    # cumulative after month 4 = -23,750 + 4,537.86 + 5,057.99 + 5,619.72 + 6,226.40 = -2,308.03;
    # month 5 saves 6,881.60 → payback = 4 + 2,308.03 / 6,881.60 = 4.335
    assert result.payback_months == pytest.approx(4.3354, abs=1e-4)
    assert result.npv_usd == pytest.approx(302_967.30, abs=0.01)
    # steady month: 0.95 × $0.0075 × R = $1,963.70 + $3,750 / 6 → R = 363,326.3/month = 11,944.97/day
    assert result.breakeven_requests_per_day == pytest.approx(11_944.97, abs=0.01)
    assert result.upfront_usd == 23_750


def test_redistillation_is_paid_at_the_end_of_each_cadence():
    table = econ.evaluate(econ.example_scenario()).monthly
    paid = table.loc[table["student_redistill_usd"] > 0, "month"].tolist()
    assert paid == [6, 12, 18, 24]
    assert set(table.loc[table["student_redistill_usd"] > 0, "student_redistill_usd"]) == {3750}


def test_reference_1_cost_per_token_from_throughput():
    # $2.69/h ÷ (16,541.95 tok/s × 3600) × 1e6 = $0.045171 per M output tokens
    assert unit_costs.usd_per_mtok_served(2.69, 16_541.95) == pytest.approx(0.045171, abs=5e-7)
    # $2.69/h ÷ (129.234 req/s × 3600) × 1000 = $0.0057819 per 1k requests
    assert unit_costs.usd_per_kreq(2.69, 129.234) == pytest.approx(0.0057819, abs=5e-8)
    assert round(unit_costs.gpu_month_usd(2.69), 2) == 1963.70


def test_reference_2_breakeven_request_rate():
    # API $0.20/$0.20 per M at 128 + 128 tokens = $0.0512 per 1k requests
    assert unit_costs.api_usd_per_request(128, 128, 0.20, 0.20) * 1000 == pytest.approx(0.0512)
    s = econ.parse_scenario({
        "workload": {"input_tokens": 128, "output_tokens": 128},
        "traffic": {"requests_per_day": 1_000_000, "monthly_growth": 0, "peak_to_average": 1},
        "teacher": {"kind": "api", "input_usd_per_mtok": 0.2, "output_usd_per_mtok": 0.2},
        "student": {"kind": "self_hosted", "gpu_usd_per_hour": 2.69, "requests_per_s_per_replica": 129.234,
                    "target_utilization": 1.0},
        "distillation": {"redistill_every_months": 0},
        "quality": {"fallback_rate": 0},
    })
    result = econ.evaluate(s)
    # one H100 all day = $64.56 → 64.56 / 0.0512 × 1000 = 1,260,937.5 requests/day
    assert result.breakeven_requests_per_day == pytest.approx(1_260_937.5, rel=1e-9)
    # the GPU must then be 1,260,937.5 / 86,400 / 129.234 = 11.29% utilized
    assert result.breakeven_requests_per_day / 86_400 / 129.234 == pytest.approx(0.1129, abs=5e-5)


def test_reference_3_self_host_vs_api():
    # 120M input + 40M output tokens/month at $0.25/$2.00 → 30 + 80 = $110.00/month
    s = econ.parse_scenario({
        "horizon_months": 1,
        "workload": {"input_tokens": 120, "output_tokens": 40},
        "traffic": {"monthly_requests": [1_000_000]},
        "teacher": {"kind": "api", "input_usd_per_mtok": 0.25, "output_usd_per_mtok": 2.0},
        "student": {"kind": "self_hosted", "gpu_usd_per_hour": 1.19, "requests_per_s_per_replica": 1},
    })
    assert round(econ.evaluate(s).monthly.loc[0, "teacher_usd"], 2) == 110.00
    # their GPU month: $1.19 × 24 × 30.4 × 1.15 overhead = $998.46; blended $110 / 160M tokens
    gpu_month = 1.19 * 24 * 30.4 * 1.15
    assert round(gpu_month, 2) == 998.46
    assert gpu_month / (110 / 160) == pytest.approx(1452.3, abs=0.1)  # M tokens/month at break-even
    assert 2500 * 86_400 * 30.4 / 1e9 == pytest.approx(6.57, abs=0.005)  # B tokens/month at 2,500 tok/s


def test_reference_4_forrester_npv_and_roi():
    costs = np.array([666_715, 636_772, 647_783])
    benefits = np.array([1_606_511, 3_061_331, 4_229_760])
    # year-end discounting at 10%, initial cost undiscounted
    npv = finance.npv(53_150, benefits - costs, 0.10)[0]
    pv_costs = 53_150 + finance.npv(0, costs, 0.10)[0]
    assert npv == pytest.approx(5_496_170, abs=1)
    assert pv_costs == pytest.approx(1_672_201, abs=1)
    assert finance.roi(npv, pv_costs) == pytest.approx(3.29, abs=0.005)


def test_reference_5_utilization_multiplies_unit_cost():
    # $2.50/h at 700 tok/s fully busy → $0.992 per M tokens; 10% busy → $9.92
    assert unit_costs.usd_per_mtok_served(2.50, 700) == pytest.approx(0.992, abs=5e-4)
    assert unit_costs.usd_per_mtok_served(2.50, 700, utilization=0.10) == pytest.approx(9.92, abs=5e-3)


def test_discount_convention_monthly_rate_from_annual():
    # 10%/year → (1.1)^(1/12) − 1 = 0.797%/month; month 12 discounted by exactly 1/1.1
    result = econ.evaluate(econ.example_scenario())
    row = result.monthly.iloc[11]
    assert row["discounted_savings_usd"] == pytest.approx(row["savings_usd"] / 1.1, rel=1e-12)


def test_irr_makes_npv_zero():
    result = econ.evaluate(econ.example_scenario())
    monthly = (1 + result.irr_annual) ** (1 / 12) - 1
    savings = result.monthly["savings_usd"].to_numpy()
    assert finance.npv(result.upfront_usd, savings, monthly)[0] == pytest.approx(0, abs=1e-6)


def test_cost_per_request_figures_are_horizon_averages():
    result = econ.evaluate(econ.example_scenario())
    table = result.monthly
    assert result.teacher_usd_per_kreq == pytest.approx(7.5)  # API price is flat: $0.0075 per request
    expected = table["student_usd"].sum() / table["requests"].sum() * 1000
    assert result.student_usd_per_kreq == pytest.approx(expected)
    assert result.teacher_usd_per_mtok_served == pytest.approx(7.5 / 1300 * 1000)


def test_month_is_730_hours():
    assert DAYS_PER_MONTH * 24 == 730
