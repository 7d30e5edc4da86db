"""The limit that binds: the sentence naming which SLO the next load up would break, every SLO limit
in one table, and the teacher's fallback fleet in the monthly table."""

from __future__ import annotations

import json

from builders import scenario

import econ
from econ.model.scenario import LatencySlo
from econ.serving.slo_binding import SLO_LIMITS, binding_sentence, set_limits


def pct(v):
    return {"p50": v, "p90": v, "p99": v, "mean": v}


def static_profile(oom_at: int | None = None) -> dict:
    points = [{"batch_size": b, "ttft_ms": pct(ttft), "tpot_ms": pct(tpot), "e2e_ms": pct(ttft + 299 * tpot),
               "requests_per_s": b / ((ttft + 299 * tpot) / 1000)}
              for b, ttft, tpot in ((1, 40, 10), (8, 400, 20), (16, 900, 60), (32, 1800, 70))]
    if oom_at:
        points = [p for p in points if p["batch_size"] < oom_at] + [{"batch_size": oom_at, "oom": True}]
    return {"provenance": "measured", "model": {"name": "m", "parameters": 8_000_000_000, "dtype": "bf16"},
            "hardware": {"device": "cuda", "name": "H100"},
            "workload": {"input_tokens": 1000, "output_tokens": 300}, "points": points}


def student_with(tmp_path, profile: dict, slo: dict):
    path = tmp_path / "p.json"
    path.write_text(json.dumps(profile))
    return scenario(student={"kind": "self_hosted", "gpu_usd_per_hour": 2.69, "profile": str(path),
                             "slo": slo})


def test_slo_limits_cover_every_field_of_latency_slo():
    assert [limit.field for limit in SLO_LIMITS] == list(LatencySlo.model_fields)
    assert [(limit.name, ms) for limit, ms in set_limits(LatencySlo(ttft_ms_p99=1000))] == [("TTFT", 1000)]


def test_the_default_scenario_names_the_ttft_limit_that_picks_each_fleet():
    result = econ.evaluate(econ.default_scenario())
    # teacher: batch 8 meets p99 TTFT 533 ms ≤ 1,000; batch 16 has 1,048.8 ms > 1,000 (TPOT 16.4 ≤ 50 holds)
    assert result.teacher_capacity.binding == "batch 16 would break the 1,000 ms TTFT SLO (p99 TTFT 1,049 ms)"
    # student: batch 32 has 665 ms; batch 64 has 1,323.7 ms
    assert result.student_capacity.binding == "batch 64 would break the 1,000 ms TTFT SLO (p99 TTFT 1,324 ms)"


def test_both_limits_are_named_when_the_next_batch_breaks_both(tmp_path):
    result = econ.evaluate(student_with(tmp_path, static_profile(), {"ttft_ms_p99": 500, "tpot_ms_p99": 50}))
    # batch 8 meets both (400 ≤ 500, 20 ≤ 50); batch 16 breaks TTFT (900) and TPOT (60)
    assert result.student_capacity.point.batch_size == 8
    assert result.student_capacity.binding == (
        "batch 16 would break the 500 ms TTFT SLO (p99 TTFT 900 ms) and the 50 ms TPOT SLO (p99 TPOT 60 ms)")


def test_memory_binds_when_every_batch_that_fits_meets_the_slo(tmp_path):
    result = econ.evaluate(student_with(tmp_path, static_profile(oom_at=16), {"ttft_ms_p99": 5000}))
    assert result.student_capacity.binding.startswith("batch 16 does not fit in memory")


def test_no_limit_binds_inside_the_measured_range(tmp_path):
    result = econ.evaluate(student_with(tmp_path, static_profile(), {"ttft_ms_p99": 5000}))
    assert result.student_capacity.binding.startswith("batch 32 is the largest measured batch; no SLO limit")


def test_a_served_profile_names_the_next_achieved_rate_and_its_attainment():
    served = econ.parse_profile(json.dumps({
        "schema_version": 2, "provenance": "measured",
        "model": {"name": "m", "parameters": 8_000_000_000, "dtype": "bf16"},
        "hardware": {"device": "cuda", "name": "H100"},
        "workload": {"input_tokens": 1000, "output_tokens": 300},
        "points": [{"batch_size": 1, "load": {"kind": "rate", "value": r}, "ttft_ms": pct(t),
                    "tpot_ms": pct(20), "requests_per_s": a, "slo_attainment": s}
                   for r, a, t, s in ((2, 1.98, 120, 1.0), (8, 6.1, 2500, 0.42))]}))
    slo = LatencySlo(ttft_ms_p99=500)
    chosen = served.points[0]
    assert binding_sentence(served, slo, chosen) == (
        "rate 8 req/s (achieved 6.1 req/s) would break the 500 ms TTFT SLO (p99 TTFT 2,500 ms)")
    assert binding_sentence(served, slo, chosen, attainment_target=0.99) == (
        "rate 8 req/s (achieved 6.1 req/s) would meet the SLO for only 42% of requests (target 99%); "
        "its p99s break the 500 ms TTFT SLO (p99 TTFT 2,500 ms)")


def test_the_monthly_table_carries_the_teachers_fallback_fleet():
    result = econ.evaluate(econ.default_scenario())
    month1 = result.monthly.iloc[0]
    # 5% fallback of month 1's traffic needs far less than one 4-GPU teacher replica: one is kept (min 1);
    # its bill is that replica: 1 × 4 GPUs × $2.69 × 730 h = $7,854.80
    assert month1["fallback_replicas"] == 1
    assert month1["student_fallback_usd"] == round(1 * 4 * 2.69 * 730, 2)
    assert month1["teacher_replicas"] >= month1["fallback_replicas"]
