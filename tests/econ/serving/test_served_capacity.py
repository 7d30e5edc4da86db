"""Capacity from a served profile (schema v2): the largest achieved rate meeting the scenario's SLO,
never beyond the measured points; a static-batch profile says continuous batching may serve more;
v1 files still read."""

from __future__ import annotations

import json

import pytest
from builders import scenario

import econ
from econ.model.profile import parse_profile


def pct(v):
    return {"p50": v, "p90": v, "p99": v, "mean": v}


def served_point(rate, achieved, ttft, tpot, attainment):
    return {"batch_size": 1, "load": {"kind": "rate", "value": rate}, "ttft_ms": pct(ttft),
            "tpot_ms": pct(tpot), "e2e_ms": pct(ttft + 31 * tpot), "requests_per_s": achieved,
            "slo_attainment": attainment}


def served_profile(capacity=None):
    return {
        "schema_version": 2, "provenance": "measured",
        "model": {"name": "student-8b", "parameters": 8_000_000_000, "dtype": "bf16"},
        "hardware": {"device": "cuda", "name": "NVIDIA H100", "gpu_count": 1.0},
        "workload": {"input_tokens": 1000, "output_tokens": 300},
        "environment": {"method": "served", "engine": "vllm 0.32.0"},
        "points": [served_point(2, 1.98, 120, 20, 1.0), served_point(4, 3.9, 300, 30, 0.995),
                   served_point(8, 6.1, 2500, 45, 0.42)],
        **({"capacity": capacity} if capacity else {}),
    }


def student_with(tmp_path, profile: dict, slo: dict):
    path = tmp_path / "served.json"
    path.write_text(json.dumps(profile))
    return scenario(
        student={"kind": "self_hosted", "gpu_usd_per_hour": 2.69, "profile": str(path), "slo": slo})


def test_served_capacity_is_the_largest_achieved_rate_meeting_p99_ttft_and_tpot(tmp_path):
    result = econ.evaluate(student_with(tmp_path, served_profile(), {"ttft_ms_p99": 500, "tpot_ms_p99": 50}))
    # Rate 8 breaks TTFT (2,500 ms > 500); rate 4 meets both: its ACHIEVED 3.9 req/s, not the planned 4.
    assert result.student_requests_per_s_per_replica == 3.9
    assert result.student_capacity_source == ("measured served profile student-8b, rate 4 req/s "
                                              "(achieved 3.9 req/s)")
    assert not any("static-batch" in w for w in result.warnings)


def test_served_capacity_never_extrapolates_past_the_measured_loads(tmp_path):
    result = econ.evaluate(
        student_with(tmp_path, served_profile(), {"ttft_ms_p99": 10_000, "tpot_ms_p99": 100}))
    # every load meets it: the largest measured, nothing beyond
    assert result.student_requests_per_s_per_replica == 6.1


def test_the_capacity_searchs_attainment_decides_when_it_ran_at_the_scenarios_slo(tmp_path):
    search = {"kind": "rate", "slo_ttft_ms": 500, "slo_tpot_ms": 50, "attainment": 0.99, "load": 4,
              "requests_per_s": 3.9, "probes": [], "ended": "bracketed: the next load up failed"}
    profile = served_profile(search)
    profile["points"][1]["ttft_ms"]["p99"] = 620  # p99 over the SLO, yet 99.5% of requests met it
    result = econ.evaluate(student_with(tmp_path, profile, {"ttft_ms_p99": 500, "tpot_ms_p99": 50}))
    # attainment 0.995 ≥ 0.99 at rate 4; 0.42 at rate 8
    assert result.student_requests_per_s_per_replica == 3.9
    other = econ.evaluate(student_with(tmp_path, profile, {"ttft_ms_p99": 600, "tpot_ms_p99": 50}))
    # another SLO: back to p99s, and rate 4's 620 ms fails 600
    assert other.student_requests_per_s_per_replica == 1.98


def test_no_served_load_meeting_the_slo_names_the_load(tmp_path):
    with pytest.raises(ValueError, match=r"student\.slo: no load in the measured profile meets the SLO; "
                                           r"load rate 2 has"):
        econ.evaluate(student_with(tmp_path, served_profile(), {"ttft_ms_p99": 50}))


def test_a_measured_static_batch_profile_warns_that_continuous_batching_may_serve_more(tmp_path):
    profile = served_profile()
    profile["points"] = [{"batch_size": 8, "ttft_ms": pct(200), "tpot_ms": pct(20), "requests_per_s": 3.0}]
    profile["environment"] = {"method": "static-batch"}
    result = econ.evaluate(student_with(tmp_path, profile, {"tpot_ms_p99": 50}))
    assert result.student_requests_per_s_per_replica == 3.0
    assert any(
        "static-batch loop, without a serving engine; continuous batching" in w for w in result.warnings)


def test_version_1_files_still_read():
    v1 = served_profile()
    v1.update(schema_version=1, points=[{"batch_size": 4, "ttft_ms": pct(100), "tpot_ms": pct(10),
                                         "requests_per_s": 2.0}])
    v1.pop("environment")
    profile = parse_profile(json.dumps(v1))
    assert profile.schema_version == 1 and not profile.served and profile.points[0].load is None


def test_a_served_point_outside_its_bounds_names_the_field():
    bad = served_profile()
    bad["points"][0]["slo_attainment"] = 1.5
    with pytest.raises(ValueError, match=r"points\.0\.slo_attainment"):
        parse_profile(json.dumps(bad))


def test_the_monte_carlo_spreads_capacity_by_the_chosen_served_point_not_by_its_batch_size(tmp_path):
    # Every served point reports batch_size 1 (its mean in flight), so batch size names none of them.
    # The SLO picks rate 4 (3.9 req/s); its E2E CV is 0.3, the others' 0.05: σ = √ln(1 + 0.3²) = 0.2936.
    from econ.chain.inputs import numeric_inputs
    from econ.risk.simulation import capacity_spread_sigma

    profile = served_profile()
    for point, cv in zip(profile["points"], (0.05, 0.3, 0.05), strict=True):
        point["e2e_ms"]["cv"] = cv
    s = student_with(tmp_path, profile, {"ttft_ms_p99": 500, "tpot_ms_p99": 50})
    _, derivation = numeric_inputs(s)
    assert derivation.student_capacity.requests_per_s_per_replica == 3.9
    assert capacity_spread_sigma(derivation) == pytest.approx(0.2936, abs=1e-4)
