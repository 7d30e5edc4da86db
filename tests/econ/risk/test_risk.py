"""Risk: the tornado ranks what decides the answer; the Monte Carlo says how likely payback is.

Promises: with no spread the Monte Carlo is `econ.chain.evaluate` exactly; a seed reproduces the draws;
moving an input's mean moves P(NPV > 0) the right way; probabilities come out in words.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from builders import scenario, scenario_dict
from hypothesis import given, settings
from hypothesis import strategies as st

import econ
from econ.model.uncertainty import (
    INPUTS,
    Beta,
    LogNormal,
    Normal,
    Triangular,
    UncertainInput,
    Uncertainty,
    Uniform,
    default_distribution,
)
from econ.risk import chance_words, monte_carlo, payback_chance_words, period_words, simulation, tornado

# Near break-even: 17,000 requests/day, flat traffic → NPV ≈ +$362 (see econ.evaluate).
NEAR_BREAKEVEN = {"traffic__requests_per_day": 17000, "traffic__monthly_growth": 0.0}


def gpu_price_uncertainty(median: float, sigma: float = 0.5) -> Uncertainty:
    """Only the student's GPU price is uncertain; everything else is held at the scenario's value."""
    return Uncertainty(
        inputs=[UncertainInput(input="gpu_usd_per_hour", distribution=LogNormal(median=median, sigma=sigma))],
        default_spread=0.0, draws=4000, seed=7,
    )


def measured_profile(cv: float) -> dict:
    """A measured profile whose operating point has E2E latency with the given CV."""
    lat = {"p50": 10, "p90": 12, "p99": 14, "mean": 10}
    return {
        "provenance": "measured", "model": {"name": "m", "parameters": 10, "dtype": "bf16"},
        "hardware": {"device": "cuda", "name": "h100"},
        "workload": {"input_tokens": 1000, "output_tokens": 300},
        "points": [{"batch_size": 8, "requests_per_s": 40, "ttft_ms": lat, "tpot_ms": lat,
                    "e2e_ms": {**lat, "cv": cv}}],
    }


# --- tornado ---

def test_a_dominant_upfront_spend_ranks_first():
    s = scenario(distillation__engineering_usd=3_000_000)
    t = tornado(s)
    assert t.rows.loc[0, "input"] == "upfront_usd"
    assert t.rows["npv_swing_usd"].is_monotonic_decreasing


def test_an_explicit_wide_range_ranks_its_input_first():
    u = Uncertainty(inputs=[UncertainInput(input="fallback_rate", low=0.0, high=0.9)])
    assert tornado(scenario(), u).rows.loc[0, "input"] == "fallback_rate"


def test_tornado_base_is_the_deterministic_answer_and_ends_move_npv_the_right_way():
    s = scenario()
    result = econ.evaluate(s)
    t = tornado(s)
    assert t.base_npv_usd == result.npv_usd
    assert t.base_payback_months == result.payback_months
    rows = t.rows.set_index("input")
    # Pricier GPUs and bigger upfront spend lower NPV; more traffic and a pricier teacher raise it.
    assert rows.loc["gpu_usd_per_hour", "npv_high_usd"] < rows.loc["gpu_usd_per_hour", "npv_low_usd"]
    assert rows.loc["upfront_usd", "npv_high_usd"] < rows.loc["upfront_usd", "npv_low_usd"]
    assert rows.loc["traffic_scale", "npv_high_usd"] > rows.loc["traffic_scale", "npv_low_usd"]
    assert rows.loc["teacher_price_scale", "npv_high_usd"] > rows.loc["teacher_price_scale", "npv_low_usd"]
    # ±20% by default: upfront 23,750 → 19,000 and 28,500; NPV moves by exactly the difference (t = 0).
    assert rows.loc["upfront_usd", ["low_value", "high_value"]].tolist() == pytest.approx([19_000, 28_500])
    assert rows.loc["upfront_usd", "npv_swing_usd"] == pytest.approx(9_500)


def test_tornado_covers_the_issue_inputs_and_drift():
    s = scenario(quality__usd_per_error=1.0, quality__student_error_rate=0.02)
    names = set(tornado(s).rows["input"])
    assert {"traffic_scale", "monthly_growth", "peak_to_average", "gpu_usd_per_hour", "teacher_price_scale",
            "student_requests_per_s_per_replica", "fallback_rate", "student_error_rate", "upfront_usd",
            "redistill_every_months", "teacher_annual_price_decline"} <= names


def test_teacher_price_drift_hurts_npv():
    rows = tornado(scenario()).rows.set_index("input")
    assert rows.loc["teacher_annual_price_decline", "high_value"] == pytest.approx(0.20)
    assert rows.loc["teacher_annual_price_decline", "npv_high_usd"] < econ.evaluate(scenario()).npv_usd


def test_tornado_uses_a_distributions_p10_and_p90():
    gpu = UncertainInput(input="gpu_usd_per_hour", distribution=Uniform(low=2.0, high=4.0))
    u = Uncertainty(inputs=[gpu])
    row = tornado(scenario(), u).rows.set_index("input").loc["gpu_usd_per_hour"]
    assert (row.low_value, row.high_value) == pytest.approx((2.2, 3.8))


def test_an_input_that_does_not_apply_is_an_error_naming_it():
    s = scenario(student={"kind": "api", "input_usd_per_mtok": 0.1, "output_usd_per_mtok": 0.4})
    u = Uncertainty(inputs=[UncertainInput(input="gpu_usd_per_hour", low=1, high=2)])
    with pytest.raises(ValueError, match="gpu_usd_per_hour does not apply"):
        tornado(s, u)
    assert "gpu_usd_per_hour" not in set(tornado(s).rows["input"])  # unlisted: quietly left out


def test_an_out_of_range_low_high_is_an_error():
    u = Uncertainty(inputs=[UncertainInput(input="fallback_rate", low=0.0, high=1.5)])
    with pytest.raises(ValueError, match="fallback_rate high 1.5 is outside"):
        tornado(scenario(), u)


# --- Monte Carlo ---

def test_zero_spread_equals_the_deterministic_result_exactly():
    s = scenario(quality__p_student_fails=0.0)  # a student sure to reach the bar: only spreads move the draws
    result = econ.evaluate(s)
    mc = monte_carlo(s, Uncertainty(default_spread=0.0, draws=50))
    assert (mc.draws["npv_usd"] == result.npv_usd).all()
    assert (mc.draws["payback_months"] == result.payback_months).all()
    assert mc.npv_usd.p10 == mc.npv_usd.p50 == mc.npv_usd.p90 == result.npv_usd
    assert mc.payback_months.p50 == result.payback_months
    assert mc.p_npv_positive == 1.0 and mc.p_payback_within_horizon == 1.0


def test_listed_distributions_with_no_spread_also_equal_the_deterministic_result():
    s = scenario(quality__student_error_rate=0.03, quality__usd_per_error=0.5, quality__p_student_fails=0.0)
    inputs = [
        UncertainInput(input="gpu_usd_per_hour", distribution=Normal(mean=2.69, sd=0)),
        UncertainInput(input="student_requests_per_s_per_replica",
                       distribution=LogNormal(median=40, sigma=0)),
        UncertainInput(input="fallback_rate", distribution=Beta(mean=0.05, sd=0)),
        UncertainInput(input="student_error_rate", distribution=Beta(mean=0.03, sd=0)),
        UncertainInput(input="redistill_every_months", distribution=Triangular(low=6, mode=6, high=6)),
        UncertainInput(input="upfront_usd", distribution=Uniform(low=23_750, high=23_750)),
        UncertainInput(input="teacher_price_scale", distribution=Normal(mean=1, sd=0)),
    ]
    mc = monte_carlo(s, Uncertainty(inputs=inputs, default_spread=0.0, draws=20))
    assert (mc.draws["npv_usd"] == econ.evaluate(s).npv_usd).all()


def test_a_scenario_whose_payback_is_beyond_the_horizon_reports_none():
    s = scenario(traffic__requests_per_day=1000, traffic__monthly_growth=0.0)
    mc = monte_carlo(s, Uncertainty(default_spread=0.0, draws=10))
    assert mc.payback_months.p50 is None and mc.p_payback_within_horizon == 0.0
    assert mc.to_dict()["payback_months"] == {"p10": None, "p50": None, "p90": None}


def test_the_same_seed_reproduces_the_draws_and_another_seed_does_not():
    s = scenario()
    a = monte_carlo(s, draws=500, seed=3)
    b = monte_carlo(s, draws=500, seed=3)
    c = monte_carlo(s, draws=500, seed=4)
    assert a.draws.equals(b.draws)
    assert not a.draws.equals(c.draws)


def test_cheaper_gpus_raise_the_chance_of_a_positive_npv():
    s = scenario(**NEAR_BREAKEVEN)
    cheap = monte_carlo(s, gpu_price_uncertainty(median=2.0)).p_npv_positive
    dear = monte_carlo(s, gpu_price_uncertainty(median=3.5)).p_npv_positive
    assert 0 < dear < cheap < 1


@settings(max_examples=15, deadline=None)
@given(st.floats(0.5, 6.0), st.floats(0.5, 6.0))
def test_p_npv_positive_never_rises_with_the_gpu_price(m1, m2):
    # The same seed draws the same standard normals, so each draw's GPU price scales with the median.
    s = scenario(**NEAR_BREAKEVEN)
    low, high = sorted((m1, m2))
    assert monte_carlo(s, gpu_price_uncertainty(low)).p_npv_positive >= \
        monte_carlo(s, gpu_price_uncertainty(high)).p_npv_positive


def test_more_traffic_raises_the_chance_of_paying_back():
    s = scenario(**NEAR_BREAKEVEN)

    def p(median):
        traffic = UncertainInput(input="traffic_scale", distribution=LogNormal(median=median, sigma=0.3))
        u = Uncertainty(inputs=[traffic], default_spread=0.0, draws=3000)
        return monte_carlo(s, u).p_payback_within_horizon
    assert p(0.8) < p(1.0) < p(1.3)


def test_payback_probability_by_month_climbs_to_the_horizon_share():
    mc = monte_carlo(scenario(**NEAR_BREAKEVEN), draws=2000)
    curve = mc.payback_by_month["p_paid_back"].to_numpy()
    assert len(curve) == 24 and np.all(np.diff(curve) >= 0)
    assert curve[-1] == mc.p_payback_within_horizon
    assert mc.p_payback_within(12) == curve[11]


def test_profile_spread_varies_capacity_around_the_measured_value():
    student = {"kind": "self_hosted", "gpu_usd_per_hour": 2.69, "profile": measured_profile(cv=0.2)}
    s = scenario(student=student,
                 traffic__requests_per_day=3_000_000,  # several replicas, so capacity matters
                 quality__p_student_fails=0.0)
    held = monte_carlo(s, Uncertainty(default_spread=0.0, profile_spread=False, draws=400))
    assert (held.draws["npv_usd"] == econ.evaluate(s).npv_usd).all()
    spread = monte_carlo(s, Uncertainty(default_spread=0.0, draws=4000))
    capacity = spread.draws["student_requests_per_s_per_replica"].to_numpy()
    # σ = √ln(1 + 0.2²) = 0.198; the median stays the measured 40 requests/s.
    assert np.std(np.log(capacity)) == pytest.approx(math.sqrt(math.log1p(0.04)), rel=0.05)
    assert np.median(capacity) == pytest.approx(40, rel=0.02)
    assert spread.draws["npv_usd"].std() > 0


def test_chunked_evaluation_gives_the_same_draws(monkeypatch):
    s = scenario()
    whole = monte_carlo(s, draws=300, seed=1)
    monkeypatch.setattr(simulation, "CHUNK_VARIANT_MONTHS", 24 * 7)  # 7 draws per chunk
    assert monte_carlo(s, draws=300, seed=1).draws.equals(whole.draws)


def test_results_are_json_ready_with_the_issue_keys():
    s = scenario()
    data = json.loads(json.dumps(monte_carlo(s, draws=200).to_dict()))
    assert {"p_npv_positive", "npv_usd", "payback_months", "p_payback_within_horizon",
            "payback_probability_by_month", "summary"} <= set(data)
    assert set(data["npv_usd"]) == set(data["payback_months"]) == {"p10", "p50", "p90"}
    json.dumps(tornado(s).to_dict())
    assert list(monte_carlo(s, draws=50).to_frame()["outcome"]) == ["npv_usd", "payback_months"]


def test_the_scenario_file_can_carry_its_risk_settings():
    triangle = {"kind": "triangular", "low": 2, "mode": 2.69, "high": 5}
    data = scenario_dict(risk={"inputs": [{"input": "gpu_usd_per_hour", "distribution": triangle}],
                               "draws": 300, "seed": 9})
    s = econ.parse_scenario(data)
    mc = monte_carlo(s)
    assert mc.n_draws == 300 and mc.seed == 9
    assert "triangular" in mc.assumptions.set_index("input").loc["gpu_usd_per_hour", "distribution"]


# --- distributions ---

@pytest.mark.parametrize("dist", [
    Normal(mean=3, sd=1), LogNormal(median=3, sigma=0.4), Triangular(low=1, mode=2, high=6),
    Uniform(low=1, high=5), Beta(mean=0.2, sd=0.1),
])
def test_quantiles_match_the_samples(dist):
    sample = dist.sample(np.random.default_rng(0), 200_000)
    for q in (0.1, 0.5, 0.9):
        assert dist.quantile(q) == pytest.approx(np.quantile(sample, q), rel=0.02, abs=1e-3)


def test_default_distributions_put_p90_at_plus_twenty_percent():
    for name, base in [("gpu_usd_per_hour", 2.5), ("monthly_growth", 0.08), ("fallback_rate", 0.05),
                       ("redistill_every_months", 6.0), ("upfront_usd", 10_000)]:
        dist = default_distribution(name, base, 0.2)
        assert dist.quantile(0.9) == pytest.approx(base * 1.2, rel=0.01), name
    assert default_distribution("gpu_usd_per_hour", 2.5, 0.0) is None
    assert default_distribution("fallback_rate", 0.0, 0.2) is None  # ±20% of 0 says nothing
    drift = default_distribution("teacher_annual_price_decline", 0.0, 0.2)
    assert drift.quantile(0.9) == pytest.approx(INPUTS["teacher_annual_price_decline"].zero_base_range[1])


@pytest.mark.parametrize("bad", [
    {"inputs": [{"input": "fallback_rate", "low": 0.1}]},
    {"inputs": [{"input": "fallback_rate", "low": 0.2, "high": 0.1}]},
    {"inputs": [{"input": "fallback_rate"}, {"input": "fallback_rate"}]},
    {"inputs": [{"input": "no_such_input"}]},
    {"inputs": [{"input": "fallback_rate", "distribution": {"kind": "beta", "mean": 0.1, "sd": 0.5}}]},
    {"inputs": [{"input": "gpu_usd_per_hour",
                 "distribution": {"kind": "triangular", "low": 3, "mode": 2, "high": 4}}]},
    {"draws": 0},
])
def test_bad_risk_settings_name_the_field(bad):
    with pytest.raises(econ.ScenarioError, match="risk"):
        econ.parse_scenario(scenario_dict(risk=bad))


# --- words ---

@pytest.mark.parametrize("p, words", [
    (0.7, "7 in 10 chance"), (0.66, "7 in 10 chance"), (0.04, "less than 1 in 10 chance"),
    (0.97, "more than 9 in 10 chance"), (1.0, "more than 99 in 100 chance"),
    (0.0, "less than 1 in 100 chance"),
])
def test_probabilities_in_words(p, words):
    assert chance_words(p) == words


def test_a_payback_sentence_a_manager_reads():
    assert payback_chance_words(0.7, 12) == "7 in 10 chance of paying back within a year"
    assert period_words(24) == "2 years" and period_words(18) == "18 months"
    summary = monte_carlo(scenario(**NEAR_BREAKEVEN), draws=500).summary()
    assert summary[0].endswith(".") and "within a year" in summary[0]
    assert "P10–P90" in summary[1]
