"""Calibration: fitted efficiencies reproduce the profile they came from, transfer to other GPUs, and only
measured profiles are accepted. The CPU test measures a tiny preset for real (marked slow)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from econ.model.profile import Hardware, Profile, load_profile
from profiles.analytic.calibrate import Calibration, calibrate, load_calibration, write_calibration
from profiles.analytic.efficiency import MAX_EFFICIENCY
from profiles.analytic.estimate import Efficiency, EstimateSettings, estimate_profile
from profiles.cli import main
from profiles.store import write_profile

TRUTH = Efficiency(mbu=0.6, mfu=0.5, decode_mfu=0.3, step_overhead_ms=2.0, prefill_overhead_ms=5.0,
                   source="synthetic truth")


def as_measured(profile):
    """An estimate relabelled as a measurement: a synthetic profile whose true efficiencies are known."""
    return profile.model_copy(update={"provenance": "measured"})


@pytest.fixture(scope="module")
def synthetic():
    est = estimate_profile("llama-3.1-8b", "a100-80gb", EstimateSettings(
        batch_sizes=(1, 4, 16, 64, 256), input_tokens=128, output_tokens=32), efficiency=TRUTH,
        created_at="2026-11-01T00:00:00+00:00")
    return as_measured(est)


def test_calibration_reproduces_its_profile(synthetic):
    cal = calibrate(synthetic)
    assert cal.decode_max_relative_error < 0.01
    assert cal.ttft_max_relative_error < 0.01
    # The compute roofs are pinned by the large batches: MFU within 5% of the truth.
    assert cal.efficiency.mfu == pytest.approx(TRUTH.mfu, rel=0.05)
    assert cal.efficiency.decode_mfu == pytest.approx(TRUTH.decode_mfu, rel=0.05)
    assert set(cal.fitted) >= {"mbu", "mfu", "decode_mfu", "step_overhead_ms"}
    assert cal.source.bandwidth_reference == "spec" and cal.source.batch_sizes == [1, 4, 16, 64, 256]


def test_calibration_projects_onto_another_gpu(synthetic):
    cal = calibrate(synthetic)
    settings = EstimateSettings(batch_sizes=(1,), input_tokens=128, output_tokens=32)
    calibrated = estimate_profile("llama-3.1-8b", "h100-sxm", settings, efficiency=cal.efficiency)
    truth = estimate_profile("llama-3.1-8b", "h100-sxm", settings, efficiency=TRUTH)
    default = estimate_profile("llama-3.1-8b", "h100-sxm", settings)
    got, want = calibrated.points[0].decode_tokens_per_s, truth.points[0].decode_tokens_per_s
    # The calibrated estimate is far closer to the truth than the published defaults are.
    assert got == pytest.approx(want, rel=0.05)
    assert abs(default.points[0].decode_tokens_per_s / want - 1) > 0.3
    assert "calibrated from a measured profile" in " ".join(calibrated.assumptions)
    assert calibrated.provenance == "estimated"


def test_one_batch_size_keeps_unconstrained_parameters_at_defaults(synthetic):
    one = synthetic.model_copy(update={"points": synthetic.points[:1]})
    cal = calibrate(one)
    assert "decode_mfu" not in cal.fitted
    assert cal.efficiency.decode_mfu == Efficiency().decode_mfu
    assert cal.decode_max_relative_error < 0.01
    assert any("not separable" in n for n in cal.notes)


def test_only_measured_single_device_profiles_with_peaks(synthetic):
    with pytest.raises(ValueError, match="needs a measured profile"):
        calibrate(synthetic.model_copy(update={"provenance": "estimated"}))
    with pytest.raises(ValueError, match="single-device"):
        calibrate(
            synthetic.model_copy(update={"hardware": synthetic.hardware.model_copy(update={"gpu_count": 2})}))
    bare = Hardware(device="cpu", name="some cpu")
    with pytest.raises(ValueError, match="no bandwidth peak"):
        calibrate(synthetic.model_copy(update={"hardware": bare}))


def test_calibration_file_round_trip_and_bad_file(tmp_path, synthetic):
    cal = calibrate(synthetic, origin="synthetic.json")
    path = write_calibration(cal, tmp_path / "cal.json")
    assert load_calibration(path) == cal
    assert Calibration.model_json_schema()["title"] == "Calibration"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({**json.loads(path.read_text()), "efficiency": {"mbu": -1}}))
    with pytest.raises(ValueError, match="efficiency.mbu"):
        load_calibration(bad)
    # A version-1 file (the earlier prefill model's half-saturation point) is refused with what to do.
    old = tmp_path / "v1.json"
    efficiency = {
        k: v for k, v in json.loads(path.read_text())["efficiency"].items() if k != "prefill_layer_ms"}
    old.write_text(json.dumps({**json.loads(path.read_text()), "version": 1,
                               "efficiency": {**efficiency, "prefill_half_tokens": 144.0}}))
    with pytest.raises(ValueError, match=r"version 1 .* calibrate"):
        load_calibration(old)


def test_calibrate_and_estimate_commands(tmp_path, synthetic, capsys):
    measured = write_profile(synthetic, tmp_path / "measured.json")
    cal_path = tmp_path / "cal.json"
    assert main(["calibrate", str(measured), "--out", str(cal_path)]) == 0
    assert "MBU" in capsys.readouterr().out
    # Without --gpu: the calibrated machine itself (here the A100 the synthetic profile claims).
    assert main(["estimate", "--model", "llama-3.1-8b", "--calibration", str(cal_path), "--batch-sizes",
                 "1,4", "--input-tokens", "128", "--output-tokens", "32", "--format", "json"]) == 0
    same = json.loads(capsys.readouterr().out)
    assert same["provenance"] == "estimated"
    assert same["points"][1]["decode_tokens_per_s"] == pytest.approx(synthetic.points[1].decode_tokens_per_s,
                                                                     rel=0.02)
    assert main(
        ["estimate", "--model", "llama-3.1-70b", "--gpu", "h100-sxm", "--calibration", str(cal_path)]) == 0
    capsys.readouterr()
    assert main(
        ["estimate", "--model", "llama-3.1-8b", "--calibration", str(cal_path), "--dtype", "fp16"]) == 2
    estimated = write_profile(synthetic.model_copy(update={"provenance": "estimated"}), tmp_path / "est.json")
    assert main(["calibrate", str(estimated)]) == 2
    assert "needs a measured profile" in capsys.readouterr().err


# --- Against our own CPU measurement of a tiny preset ---------------------------------------------------
# A calibration reports how well its estimate reproduces the measurement it was fitted on; the test checks
# that report on a real measurement. How close the estimate comes (the ±15% target) depends on how steady
# the machine was during the run, so bench/calibration_bench.py measures and prints it; no test sleeps
# and measures again.
CPU_MODEL = "tiny-llama-4l"
CPU_BATCHES = "1,2,4"
# One intra-op thread: with two threads on two busy cores, one descheduled thread stalls every matmul.
CPU_ENV = {"OMP_NUM_THREADS": "1"}


@dataclass(frozen=True)
class CpuCalibration:
    measured: Profile
    calibration: Calibration
    estimate: Profile


def median_decode_tokens_per_s(point) -> float:
    """batch ÷ median TPOT: the measured decode rate the calibration fits (robust to a stall)."""
    return point.batch_size / (point.tpot_ms.p50 / 1e3)


def calibrate_on_this_cpu(out: Path) -> CpuCalibration:
    """Measure the tiny preset on this CPU with the profiler, calibrate on it, estimate it back."""
    subprocess.run([
        sys.executable, "-m", "profiles", "run", "--model", CPU_MODEL, "--device", "cpu",
        "--batch-sizes", CPU_BATCHES, "--input-tokens", "32", "--output-tokens", "16",
        "--repeats", "10", "--min-seconds", "1", "--out", str(out),
    ], check=True, capture_output=True, timeout=600, env={**os.environ, **CPU_ENV})
    measured = load_profile(out)
    cal = calibrate(measured, origin=str(out))
    settings = EstimateSettings(dtype=measured.model.dtype,
                                batch_sizes=tuple(p.batch_size for p in measured.points),
                                input_tokens=measured.workload.input_tokens,
                                output_tokens=measured.workload.output_tokens)
    return CpuCalibration(measured, cal, estimate_profile(CPU_MODEL, cal.hardware_spec(), settings,
                                                          efficiency=cal.efficiency))


@pytest.mark.slow
def test_a_calibration_of_a_real_cpu_measurement_reports_the_error_its_estimate_makes(tmp_path):
    run = calibrate_on_this_cpu(tmp_path / "cpu.json")
    measured, cal, estimate = run.measured, run.calibration, run.estimate
    assert measured.provenance == "measured" and len(measured.fitting_points()) == len(CPU_BATCHES.split(","))
    assert estimate.provenance == "estimated"
    assert "calibrated from a measured profile" in " ".join(estimate.assumptions)
    pairs = list(zip(estimate.points, measured.points, strict=True))
    # The error the calibration file states is the error of the estimate a user then gets from it.
    decode_errors = [abs(est.decode_tokens_per_s / median_decode_tokens_per_s(got) - 1) for est, got in pairs]
    ttft_errors = [abs(est.ttft_ms.mean / got.ttft_ms.p50 - 1) for est, got in pairs]
    assert max(decode_errors) == pytest.approx(cal.decode_max_relative_error, rel=1e-9, abs=1e-12)
    assert max(ttft_errors) == pytest.approx(cal.ttft_max_relative_error, rel=1e-9, abs=1e-12)
    # Every fitted efficiency stays within the fit's bounds, relative to this CPU's own measured peaks.
    e = cal.efficiency
    assert all(0 < v <= MAX_EFFICIENCY for v in (e.mbu, e.mfu, e.decode_mfu)) and e.step_overhead_ms >= 0
    assert cal.source.bandwidth_reference == "measured" and cal.source.batch_sizes == [1, 2, 4]


def test_calibration_recovers_the_prefill_time_per_layer():
    # Batch sizes 1…256 at 128 prompt tokens: the FLOPs grow with the batch while the weight read and the
    # per-layer time do not, so the TTFTs pin both the large-prompt MFU and the fixed time per layer.
    # Prefill's fixed cost per pass is the decode step's (one host cost per forward pass).
    truth = TRUTH.model_copy(update={"prefill_layer_ms": 0.4, "prefill_overhead_ms": TRUTH.step_overhead_ms})
    est = estimate_profile("llama-3.1-8b", "a100-80gb", EstimateSettings(
        batch_sizes=(1, 2, 4, 16, 64, 256), input_tokens=128, output_tokens=32), efficiency=truth,
        created_at="2026-11-01T00:00:00+00:00")
    cal = calibrate(as_measured(est))
    assert cal.efficiency.mfu == pytest.approx(0.5, rel=0.05)
    assert cal.efficiency.prefill_layer_ms == pytest.approx(0.4, rel=0.05)
    assert "prefill_layer_ms" in cal.fitted and cal.ttft_max_relative_error < 0.01
