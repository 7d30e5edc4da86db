"""One roofline for measured, estimated and calibrated MFU; a measured point above its measured peak is
re-measured and then flagged; a run on a busy machine says so. Torch-free except the load test's import."""

from __future__ import annotations

import pytest

from econ.model.profile import Percentiles, Point
from profiles.analytic.estimate import (
    DEFAULT_EFFICIENCY,
    EstimateSettings,
    Roofline,
    estimate_profile,
)
from profiles.analytic.roofline import PointShape, measured_utilizations, prefill_flops
from profiles.backends.transformers.peaks import Peaks, check_peaks, with_utilizations
from profiles.catalog import model_preset
from profiles.gpu_catalog import gpu_spec


def flat(ms: float) -> Percentiles:
    return Percentiles(p50=ms, p90=ms, p99=ms, mean=ms)


def test_measured_and_estimated_mfu_divide_the_same_flop_count():
    # An estimated point, fed back as if measured: the profiler's MFU formula returns the estimate's own MFU,
    # because both divide roofline.prefill_flops (2·N·T + LM head + causal attention) by the TTFT.
    arch, gpu = model_preset("llama-3.1-8b"), gpu_spec("h100-sxm")
    est = estimate_profile(arch, gpu,
                           EstimateSettings(batch_sizes=(4,), input_tokens=1000, output_tokens=300))
    p = est.points[0]
    u = measured_utilizations(PointShape(arch, "bf16", 1000, 300), 4,
                              (p.ttft_ms.mean / 1e3, p.e2e_ms.mean / 1e3 - p.ttft_ms.mean / 1e3),
                              (None, None), (gpu.bandwidth_gb_per_s * 1e9, gpu.flop_per_s("bf16")))
    assert u.mfu_spec == pytest.approx(p.mfu_spec, rel=1e-9)
    assert u.mbu_spec == pytest.approx(p.mbu_spec, rel=1e-9)
    # The estimator's (and so the calibration's) per-GPU FLOPs are the same function split over N GPUs.
    roof = Roofline(arch, gpu, 2, "bf16", "bf16", DEFAULT_EFFICIENCY)
    assert roof.prefill_flops(4, 1000) * 2 == prefill_flops(arch, 4, 1000)


SHAPE = PointShape(model_preset("tiny-llama"), "fp32", 16, 4)


def measured_point(batch: int, ttft_ms: float, e2e_ms: float) -> Point:
    return Point(batch_size=batch, ttft_ms=flat(ttft_ms), tpot_ms=flat((e2e_ms - ttft_ms) / 3),
                 itl_ms=flat((e2e_ms - ttft_ms) / 3), e2e_ms=flat(e2e_ms))


def test_a_point_above_the_measured_peak_triggers_a_second_microbenchmark():
    # tiny-llama batch 1, 16 tokens: prefill 2·73,984·16 + 2·32,768 + 4·2·64·(16·17/2) = 2,367,488 + 65,536
    # + 69,632 = 2,502,656 FLOPs in 1 ms = 2.50 GFLOP/s; against a measured 1.3 GFLOP/s, MFU 1.93: impossible.
    low = Peaks(bandwidth_gb_per_s=100.0, flop_per_s={"fp32": 1.3e9}, bandwidth_spec_gb_per_s=None,
                flop_per_s_spec=None)
    quiet = Peaks(bandwidth_gb_per_s=100.0, flop_per_s={"fp32": 30e9}, bandwidth_spec_gb_per_s=None,
                  flop_per_s_spec=None)
    point = with_utilizations(measured_point(1, 1.0, 4.0), SHAPE, low)
    assert point.mfu == pytest.approx(2_502_656 / 1e-3 / 1.3e9)
    calls = []
    points, peaks, notes = check_peaks([point], SHAPE, low, lambda: calls.append(1) or quiet)
    assert calls == [1] and peaks == quiet
    assert points[0].mfu == pytest.approx(2_502_656 / 1e-3 / 30e9)
    assert "run again" in notes[0] and not any(n.startswith("UNRELIABLE") for n in notes)


def test_a_point_still_above_the_peak_after_remeasuring_is_marked_unreliable():
    low = Peaks(bandwidth_gb_per_s=100.0, flop_per_s={"fp32": 1.3e9}, bandwidth_spec_gb_per_s=None,
                flop_per_s_spec=None)
    fine = with_utilizations(measured_point(2, 100.0, 400.0), SHAPE, low)
    bad = with_utilizations(measured_point(1, 1.0, 4.0), SHAPE, low)
    points, _, notes = check_peaks([fine, bad], SHAPE, low, lambda: low)
    assert points[0].mfu <= 1
    unreliable = [n for n in notes if n.startswith("UNRELIABLE")]
    assert len(unreliable) == 1 and "batch 1: MBU" in unreliable[0] and "MFU 1.93" in unreliable[0]


def test_points_within_the_peak_are_left_alone():
    quiet = Peaks(bandwidth_gb_per_s=100.0, flop_per_s={"fp32": 30e9}, bandwidth_spec_gb_per_s=None,
                  flop_per_s_spec=None)
    point = with_utilizations(measured_point(1, 1.0, 4.0), SHAPE, quiet)
    assert check_peaks([point], SHAPE, quiet,
                       lambda: pytest.fail("no second microbenchmark")) == ([point], quiet, [])


@pytest.mark.parametrize(("load", "cpus", "warns"),
                         [(1.0, 2, False), (1.01, 2, True), (8.5, 16, True), (7.9, 16, False)])
def test_a_run_on_a_busy_machine_warns(monkeypatch, load, cpus, warns):
    from profiles.backends.transformers import preflight

    monkeypatch.setattr(preflight.os, "getloadavg", lambda: (load, 0.0, 0.0))
    monkeypatch.setattr(preflight.os, "cpu_count", lambda: cpus)
    note, warning = preflight.machine_load()
    assert f"{load:.2f}" in note
    assert (warning is not None) == warns
    if warns:
        assert warning.startswith("WARNING: the machine was busy") and "above half the cores" in warning
