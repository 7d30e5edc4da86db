"""Serving costs: API pricing, always-on and autoscaled fleets, fractional GPUs, token overrides, traffic."""

from __future__ import annotations

import math

import numpy as np
import pytest
from builders import scenario

import econ
from econ.base.units import SECONDS_PER_MONTH


def test_always_on_gpu_bills_the_same_at_30_and_90_percent_utilization():
    low = econ.evaluate(scenario(student__target_utilization=0.3)).monthly
    high = econ.evaluate(scenario(student__target_utilization=0.9)).monthly
    # traffic stays within one replica either way, so the bill is identical
    assert (low["replicas"] == 1).all() and (high["replicas"] == 1).all()
    assert np.array_equal(low["student_serving_usd"], high["student_serving_usd"])


def test_always_on_replicas_follow_peak_and_round_up():
    # 3,000,000 req/day → 34.72 rps average × 1.7 peak = 59.03 rps; capacity 40 × 0.7 = 28 → ceil(2.108) = 3
    result = econ.evaluate(scenario(traffic__requests_per_day=3_000_000, traffic__monthly_growth=0))
    assert result.monthly.loc[0, "replicas"] == 3
    assert result.monthly.loc[0, "student_serving_usd"] == pytest.approx(3 * 730 * 2.69)


def test_replicas_are_recomputed_every_month_as_traffic_grows():
    table = econ.evaluate(scenario(traffic__requests_per_day=1_000_000, traffic__monthly_growth=0.2)).monthly
    assert table["replicas"].is_monotonic_increasing
    assert table["replicas"].iloc[-1] > table["replicas"].iloc[0]


def test_exact_capacity_multiple_is_not_rounded_up_by_float_noise():
    # peak = 28 rps exactly: one replica at 40 × 0.7, not two
    rpd = 28 / 1.7 * 86_400
    result = econ.evaluate(scenario(traffic__requests_per_day=rpd, traffic__monthly_growth=0))
    assert result.monthly.loc[0, "replicas"] == 1


def test_autoscale_bills_average_load_with_a_floor():
    base = dict(student__billing="autoscale", traffic__monthly_growth=0)
    # 10,000,000 req/day = 115.74 rps average; 115.74 / (40 × 0.7) = 4.134 replica-equivalents
    busy = econ.evaluate(scenario(traffic__requests_per_day=10_000_000, **base)).monthly.loc[0]
    expected = 730 * 1 * 2.69 * (10_000_000 / 86_400 / 28)
    assert busy["student_serving_usd"] == pytest.approx(expected)
    quiet = econ.evaluate(
        scenario(traffic__requests_per_day=1000, student__min_replicas=2, **base)).monthly.loc[0]
    assert quiet["student_serving_usd"] == pytest.approx(2 * 730 * 2.69)


def test_fractional_gpu_share_pays_its_share():
    half = econ.evaluate(scenario(student__gpus_per_replica=0.5)).monthly.loc[0]
    assert half["student_serving_usd"] == pytest.approx(0.5 * 730 * 2.69)


def test_cached_input_and_token_overrides_price_each_side():
    s = scenario(teacher__cached_input_share=0.5, teacher__cached_input_usd_per_mtok=0.3,
                 teacher__input_tokens=2000)
    row = econ.evaluate(s).monthly.loc[0]
    # 2000 × (0.5 × 3 + 0.5 × 0.3) + 300 × 15 = 3300 + 4500 → $0.0078 per request × 912,500
    assert row["teacher_usd"] == pytest.approx(0.0078 * 912_500)


def test_cached_share_without_a_cached_price_is_rejected():
    with pytest.raises(econ.ScenarioError, match="teacher"):
        scenario(teacher__cached_input_share=0.5)


def test_api_student_with_terse_outputs():
    s = scenario(student={"kind": "api", "input_usd_per_mtok": 0.2, "output_usd_per_mtok": 0.2,
                          "input_tokens": 200, "output_tokens": 50})
    row = econ.evaluate(s).monthly.loc[0]
    # (200 + 50) × $0.2 / 1e6 = $0.00005 per request
    assert row["student_serving_usd"] == pytest.approx(912_500 * 0.00005)
    assert math.isnan(row["utilization"])


def test_self_hosted_teacher_keeps_a_fallback_fleet_only_with_fallback():
    teacher = {"kind": "self_hosted", "gpu_usd_per_hour": 3.0, "gpus_per_replica": 4,
               "requests_per_s_per_replica": 5, "min_replicas": 1}
    with_fallback = econ.evaluate(scenario(teacher=teacher)).monthly.loc[0]
    assert with_fallback["teacher_usd"] == pytest.approx(1 * 4 * 730 * 3.0)
    assert with_fallback["student_fallback_usd"] == pytest.approx(1 * 4 * 730 * 3.0)
    none = econ.evaluate(scenario(teacher=teacher, quality__fallback_rate=0)).monthly.loc[0]
    assert none["student_fallback_usd"] == 0


def test_seasonality_and_explicit_series():
    season = [1.0] * 12
    season[2] = 2.0  # March doubles
    table = econ.evaluate(scenario(traffic__seasonality=season, traffic__start_month=2,
                                   traffic__monthly_growth=0)).monthly
    assert table.loc[1, "requests"] == pytest.approx(2 * 912_500)  # month 2 is March
    assert table.loc[13, "requests"] == pytest.approx(2 * 912_500)
    series = [float(i * 1000) for i in range(1, 25)]
    table = econ.evaluate(scenario(traffic__monthly_requests=series)).monthly
    assert table["requests"].tolist() == series


def test_short_explicit_series_is_rejected_naming_the_field():
    with pytest.raises(econ.ScenarioError, match="monthly_requests"):
        scenario(traffic__monthly_requests=[1.0, 2.0])


def test_teacher_price_decline_erodes_savings():
    flat = econ.evaluate(scenario())
    falling = econ.evaluate(scenario(teacher__annual_price_decline=0.3))
    # month 13 is one year on: the price is 70% of month 1's
    assert falling.monthly.loc[12, "teacher_usd"] == pytest.approx(0.7 * flat.monthly.loc[12, "teacher_usd"])
    assert falling.npv_usd < flat.npv_usd


def test_error_and_router_costs():
    s = scenario(quality__usd_per_error=2.0, quality__teacher_error_rate=0.01,
                 quality__student_error_rate=0.03, quality__router_usd_per_request=0.0001)
    row = econ.evaluate(s).monthly.loc[0]
    assert row["teacher_errors_usd"] == pytest.approx(912_500 * 0.01 * 2)
    assert row["student_errors_usd"] == pytest.approx(912_500 * 0.03 * 2)
    assert row["student_router_usd"] == pytest.approx(91.25)


def test_utilization_is_average_load_over_fleet_capacity():
    row = econ.evaluate(econ.example_scenario()).monthly.loc[0]
    assert row["utilization"] == pytest.approx(912_500 / SECONDS_PER_MONTH / 40)


def test_a_self_hosted_teachers_fallback_fleet_counts_at_every_volume():
    # stay: one 4-GPU teacher replica; distil: one student GPU + one 4-GPU teacher replica kept for the 5%
    # fallback, so at low volume distilling costs one GPU more and break-even needs the teacher's second
    # replica
    teacher = {"kind": "self_hosted", "gpu_usd_per_hour": 2.0, "gpus_per_replica": 4,
               "requests_per_s_per_replica": 2.0, "min_replicas": 1}
    s = scenario(teacher=teacher, distillation__redistill_every_months=0,
                 student__requests_per_s_per_replica=1000)
    be = econ.evaluate(s).breakeven_requests_per_day
    # the teacher's second replica starts above peak 2 × 0.7 = 1.4 rps → 1.4 / 1.7 × 86,400 = 71,153 req/day
    assert be == pytest.approx(1.4 / 1.7 * 86_400, rel=1e-9)


def test_zero_breakeven_is_explained():
    teacher = {"kind": "self_hosted", "gpu_usd_per_hour": 2.0, "gpus_per_replica": 8,
               "requests_per_s_per_replica": 2.0, "min_replicas": 1}
    result = econ.evaluate(scenario(teacher=teacher, quality__fallback_rate=0))
    assert result.breakeven_requests_per_day == 0.0
    assert any("at any volume" in w for w in result.warnings)
