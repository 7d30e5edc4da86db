"""Distillation spend derived from its drivers, and capacity derived from a profile at a latency SLO."""

from __future__ import annotations

import json

import pytest
from builders import scenario, scenario_dict

import econ
from econ.model.profile import Profile
from econ.serving.capacity import operating_point


def test_data_generation_priced_at_the_teachers_batch_api():
    s = scenario(distillation__data_generation_usd={"examples": 50_000, "prompt_tokens": 1000,
                                                    "completion_tokens": 500})
    # 50,000 × (1000 × $3 + 500 × $15) / 1e6 = $525 × (1 − 0.5 batch discount) = $262.50
    assert econ.evaluate(s).upfront_lines_usd["data_generation_usd"] == pytest.approx(262.50)


def test_data_generation_on_a_self_hosted_teacher_uses_gpu_hours():
    teacher = {"kind": "self_hosted", "gpu_usd_per_hour": 2.0, "gpus_per_replica": 4,
               "requests_per_s_per_replica": 10}
    s = scenario(teacher=teacher,
                 distillation__data_generation_usd={"examples": 36_000, "prompt_tokens": 1000,
                                                    "completion_tokens": 300})
    # 36,000 examples at 10 req/s = 1 h on 4 GPUs × $2 = $8
    assert econ.evaluate(s).upfront_lines_usd["data_generation_usd"] == pytest.approx(8.0)


def test_training_from_measured_tokens_per_second():
    s = scenario(distillation__training_usd={"examples": 100_000, "tokens_per_example": 1_000, "epochs": 3,
                                             "gpu_usd_per_hour": 2.5, "gpus": 8,
                                             "training_tokens_per_s": 50_000})
    # 3e8 tokens ÷ 50,000 tok/s = 6,000 s = 1.667 h × 8 GPUs × $2.50 = $33.33
    assert econ.evaluate(s).upfront_lines_usd["training_usd"] == pytest.approx(100 / 3)


def test_training_from_six_n_d_when_only_an_estimate_exists():
    s = scenario(distillation__training_usd={"examples": 1_000_000, "tokens_per_example": 1_000,
                                             "gpu_usd_per_hour": 3.0, "gpus": 8, "parameters": 8e9,
                                             "peak_flop_per_s": 989e12, "mfu": 0.4})
    # 6 × 8e9 × 1e9 = 4.8e19 FLOP ÷ (989e12 × 0.4) = 121,334 GPU-seconds = 33.70 GPU-h × $3 = $101.11
    assert econ.evaluate(s).upfront_lines_usd["training_usd"] == pytest.approx(101.11, abs=0.01)


def test_training_needs_exactly_one_throughput_source():
    with pytest.raises(econ.ScenarioError, match="training_usd"):
        scenario(distillation__training_usd={"examples": 1, "tokens_per_example": 1, "gpu_usd_per_hour": 1})


def test_engineering_hours_and_redistill_fraction():
    s = scenario(distillation__engineering_usd={"hours": 160, "usd_per_hour": 125},
                 distillation__redistill_usd=None, distillation__redistill_fraction_of_upfront=0.5)
    result = econ.evaluate(s)
    assert result.upfront_lines_usd["engineering_usd"] == 20_000
    # half of data + training = 0.5 × (750 + 3000)
    assert result.monthly.loc[5, "student_redistill_usd"] == pytest.approx(1875)


def _point(batch, rps, ttft_p99, tpot_p99):
    pct = lambda v: {"p50": v, "p90": v, "p99": v, "mean": v}  # noqa: E731
    return {"batch_size": batch, "ttft_ms": pct(ttft_p99), "tpot_ms": pct(tpot_p99), "requests_per_s": rps}


def _profile(tokens=(1000, 300), gpus=1.0, provenance="measured", oom_at=None):
    points = [_point(1, 0.5, 50, 10), _point(8, 3.0, 200, 20), _point(32, 8.0, 700, 40)]
    if oom_at:
        points.append({"batch_size": oom_at, "oom": True})
    return {
        "provenance": provenance,
        "model": {"name": "student-8b", "parameters": 8_000_000_000, "dtype": "bf16"},
        "hardware": {"device": "cuda", "name": "NVIDIA H100", "gpu_count": gpus},
        "workload": {"input_tokens": tokens[0], "output_tokens": tokens[1]},
        "points": points,
    }


def _profile_student(tmp_path, slo, **profile_kwargs):
    path = tmp_path / "student.json"
    path.write_text(json.dumps(_profile(**profile_kwargs)))
    student = {"kind": "self_hosted", "gpu_usd_per_hour": 2.69, "profile": str(path), "slo": slo}
    return scenario(student=student)


def test_capacity_is_the_largest_batch_meeting_the_slo(tmp_path):
    s = _profile_student(tmp_path, {"ttft_ms_p99": 500, "tpot_ms_p99": 25}, oom_at=64)
    result = econ.evaluate(s)
    # batch 8; batch 32 breaks TTFT, batch 64 ran out of memory
    assert result.student_requests_per_s_per_replica == 3.0
    assert "batch 8" in result.student_capacity_source


def test_profile_capacity_scales_to_the_replicas_gpu_share(tmp_path):
    s = _profile_student(tmp_path, {"tpot_ms_p99": 50}, gpus=2.0)
    student = s.student.model_copy(update={"gpus_per_replica": 1.0})
    result = econ.evaluate(s.model_copy(update={"student": student}))
    assert result.student_requests_per_s_per_replica == pytest.approx(8.0 / 2)


def test_profile_measured_at_other_token_counts_warns(tmp_path):
    s = _profile_student(tmp_path, {"tpot_ms_p99": 50}, tokens=(512, 128))
    assert any("512 in / 128 out" in w for w in econ.evaluate(s).warnings)


def test_estimated_profile_says_so(tmp_path):
    s = _profile_student(tmp_path, {"tpot_ms_p99": 50}, provenance="estimated")
    assert any("estimated profile" in w for w in econ.evaluate(s).warnings)


def test_unmeetable_slo_names_the_field(tmp_path):
    s = _profile_student(tmp_path, {"tpot_ms_p99": 5})
    with pytest.raises(ValueError, match=r"student\.slo"):
        econ.evaluate(s)


def test_missing_profile_file_names_the_field(tmp_path):
    s = scenario(
        student={"kind": "self_hosted", "gpu_usd_per_hour": 1, "profile": str(tmp_path / "none.json")})
    with pytest.raises(ValueError, match=r"student\.profile.*not found"):
        econ.evaluate(s)


def test_embedded_profile_and_relative_path_in_a_scenario_file(tmp_path):
    (tmp_path / "profiles").mkdir()
    (tmp_path / "profiles" / "s.json").write_text(json.dumps(_profile()))
    data = scenario_dict(student={"kind": "self_hosted", "gpu_usd_per_hour": 2.69,
                                  "profile": "profiles/s.json", "slo": {"tpot_ms_p99": 25}})
    (tmp_path / "scenario.json").write_text(json.dumps(data))
    from_file = econ.evaluate(econ.load_scenario(tmp_path / "scenario.json"))
    data["student"]["profile"] = _profile()
    embedded = econ.evaluate(econ.parse_scenario(data))
    assert from_file.student_requests_per_s_per_replica == embedded.student_requests_per_s_per_replica == 3.0


def test_operating_point_without_slo_is_the_largest_fitting_batch():
    profile = Profile.model_validate(_profile(oom_at=64))
    assert operating_point(profile, None, "student").batch_size == 32


def test_training_priced_from_a_profiles_training_block(tmp_path):
    data = _profile(gpus=1.0)
    data["training"] = {"tokens_per_s": 10_000, "seq_len": 1024, "batch_size": 8}
    path = tmp_path / "p.json"
    path.write_text(json.dumps(data))
    s = scenario(distillation__training_usd={"examples": 36_000, "tokens_per_example": 1000,
                                             "gpu_usd_per_hour": 2.0, "gpus": 2, "profile": str(path)})
    # 3.6e7 tokens at 10,000 tok/s per GPU × 2 GPUs = 1,800 s = 0.5 h × 2 GPUs × $2 = $2
    assert econ.evaluate(s).upfront_lines_usd["training_usd"] == pytest.approx(2.0)
