"""Invariants of the cost model (hypothesis), and the vectorized path agreeing with the scalar one."""

from __future__ import annotations

import math

import numpy as np
import pytest
from builders import scenario
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import econ
from econ.base.units import DAYS_PER_MONTH
from econ.chain.breakeven import steady_month_savings_usd

SETTINGS = settings(max_examples=40, deadline=None)
volumes = st.floats(min_value=100, max_value=5e6)
prices = st.floats(min_value=0.1, max_value=20)


def _payback(result):
    return math.inf if result.payback_months is None else result.payback_months


@SETTINGS
@given(rpd=volumes, extra=st.floats(min_value=1.0, max_value=10.0),
       billing=st.sampled_from(["always_on", "autoscale"]))
def test_more_traffic_never_delays_payback_when_the_student_is_cheaper_per_request(rpd, extra, billing):
    # the student's marginal cost (fallback 5% of the teacher) is below the teacher's; GPUs are near-free per
    # request at these capacities, so payback can only come sooner with more traffic
    base = dict(student__billing=billing, traffic__monthly_growth=0.0,
                student__requests_per_s_per_replica=1000)
    low = econ.evaluate(scenario(traffic__requests_per_day=rpd, **base))
    high = econ.evaluate(scenario(traffic__requests_per_day=rpd * extra, **base))
    assert _payback(high) <= _payback(low) + 1e-9


@SETTINGS
@given(upfront=st.floats(min_value=0, max_value=1e6), more=st.floats(min_value=0, max_value=1e6))
def test_higher_upfront_never_advances_payback(upfront, more):
    low = econ.evaluate(scenario(distillation__engineering_usd=upfront))
    high = econ.evaluate(scenario(distillation__engineering_usd=upfront + more))
    assert _payback(high) >= _payback(low) - 1e-9
    assert high.npv_usd <= low.npv_usd + 1e-6


@SETTINGS
@given(price=prices, more=st.floats(min_value=0, max_value=20), rpd=volumes,
       billing=st.sampled_from(["always_on", "autoscale"]))
def test_higher_gpu_price_never_lowers_student_cost(price, more, rpd, billing):
    kw = dict(traffic__requests_per_day=rpd, student__billing=billing)
    cheap = econ.evaluate(scenario(student__gpu_usd_per_hour=price, **kw)).monthly["student_usd"]
    dear = econ.evaluate(scenario(student__gpu_usd_per_hour=price + more, **kw)).monthly["student_usd"]
    assert (dear.to_numpy() >= cheap.to_numpy() - 1e-9).all()


@SETTINGS
@given(u1=st.floats(min_value=0.05, max_value=1.0), u2=st.floats(min_value=0.05, max_value=1.0), rpd=volumes)
def test_always_on_cost_does_not_move_with_utilization_while_replicas_stay_equal(u1, u2, rpd):
    a = econ.evaluate(scenario(student__target_utilization=u1, traffic__requests_per_day=rpd)).monthly
    b = econ.evaluate(scenario(student__target_utilization=u2, traffic__requests_per_day=rpd)).monthly
    same = a["replicas"].to_numpy() == b["replicas"].to_numpy()
    assert np.array_equal(a["student_serving_usd"].to_numpy()[same],
                          b["student_serving_usd"].to_numpy()[same])


@SETTINGS
@given(rpd=st.floats(min_value=0, max_value=1e7), growth=st.floats(min_value=-0.5, max_value=0.5))
def test_cumulative_is_upfront_plus_running_savings(rpd, growth):
    r = econ.evaluate(scenario(traffic__requests_per_day=rpd, traffic__monthly_growth=growth))
    t = r.monthly
    assert t["cumulative_usd"].iloc[-1] == pytest.approx(-r.upfront_usd + t["savings_usd"].sum(), rel=1e-9,
                                                         abs=1e-6)
    assert r.total_savings_usd == pytest.approx(t["cumulative_usd"].iloc[-1], rel=1e-9, abs=1e-6)
    assert np.allclose(t["teacher_cumulative_usd"] - t["student_cumulative_usd"], t["cumulative_usd"])


@SETTINGS
@given(capacity=st.floats(min_value=0.05, max_value=200), p2a=st.floats(min_value=1, max_value=5),
       price=st.floats(min_value=0.5, max_value=10), fallback=st.floats(min_value=0, max_value=0.5),
       teacher_hosted=st.booleans())
def test_breakeven_is_the_lowest_volume_that_saves(capacity, p2a, price, fallback, teacher_hosted):
    changes = dict(student__requests_per_s_per_replica=capacity, traffic__peak_to_average=p2a,
                   student__gpu_usd_per_hour=price, quality__fallback_rate=fallback)
    if teacher_hosted:
        changes["teacher"] = {"kind": "self_hosted", "gpu_usd_per_hour": 3.0, "gpus_per_replica": 8,
                              "requests_per_s_per_replica": 2.0, "min_replicas": 1}
    s = scenario(**changes)
    x, _ = econ.numeric_inputs(s)
    be = econ.evaluate(s).breakeven_requests_per_day
    scan = np.geomspace(1, 1e9, 4001) * DAYS_PER_MONTH
    saving = steady_month_savings_usd(x, scan) >= 0
    if be is None:
        assert not saving.any()
        return
    assume(be > 1)
    # saves (up to rounding) just above the break-even volume: it is the infimum when a fleet step decides
    # 1e-7: past the replica rounding tolerance
    at = steady_month_savings_usd(x, [be * DAYS_PER_MONTH * (1 + 1e-7)])[0]
    assert at >= -1e-6 * max(1.0, abs(at))
    below = scan[scan < be * DAYS_PER_MONTH * (1 - 1e-9)]
    assert not (steady_month_savings_usd(x, below) >= 1e-6).any()  # and at no lower scanned volume


def test_vectorized_variants_equal_scalar_evaluations():
    base = econ.example_scenario()
    x, _ = econ.numeric_inputs(base)
    gpu = np.array([1.0, 2.69, 6.88, 12.0])
    rpd = np.array([5_000, 30_000, 300_000, 3_000_000])
    many = econ.evaluate_many(econ.vary(x, student__gpu_usd_per_hour=gpu, requests_per_day=rpd))
    for i in range(4):
        one = econ.evaluate(
            scenario(student__gpu_usd_per_hour=float(gpu[i]), traffic__requests_per_day=float(rpd[i])))
        assert many.npv_usd[i] == pytest.approx(one.npv_usd, rel=1e-12)
        expected = np.nan if one.payback_months is None else one.payback_months
        np.testing.assert_allclose(many.payback_months[i], expected, rtol=1e-12)


def test_vary_rejects_unknown_inputs():
    x, _ = econ.numeric_inputs(econ.example_scenario())
    with pytest.raises(ValueError, match="unknown input"):
        econ.vary(x, student__bogus=[1.0])
    with pytest.raises(ValueError, match="unknown input"):
        econ.vary(x, teacher=[1.0])


def test_no_volume_pays_when_the_student_costs_more_per_request():
    s = scenario(student={"kind": "api", "input_usd_per_mtok": 5, "output_usd_per_mtok": 20})
    result = econ.evaluate(s)
    assert result.breakeven_requests_per_day is None
    assert result.payback_months is None
    assert any("marginal cost" in w for w in result.warnings)
    assert any("beyond the 24-month horizon" in w for w in result.warnings)


def test_breakeven_refuses_many_variants():
    x, _ = econ.numeric_inputs(econ.example_scenario())
    many = econ.vary(x, student__gpu_usd_per_hour=[1.0, 2.0])
    assert many.variants == 2
    from econ.chain.breakeven import breakeven_requests_per_day
    with pytest.raises(ValueError, match="one variant"):
        breakeven_requests_per_day(many)
