"""The profiler on a real CUDA GPU: event timing, peak memory counters, spec peaks, NVML energy, compile.
Marked `gpu`; skipped without a CUDA device (tests/gpu/conftest.py)."""

import pytest

from econ.model.profile import load_profile

pytestmark = pytest.mark.gpu

FAST = dict(model="llama-100m", device="cuda", dtype="bf16", batch_sizes=[1, 8], input_tokens=128,
            output_tokens=32, repeats=3, min_seconds=1.0)


def test_cuda_profile_has_event_timings_memory_and_spec(tmp_path):
    from profiles.backends.transformers.runner import run_profile
    from profiles.settings import run_settings

    out = tmp_path / "gpu.json"
    result = run_profile(run_settings(**FAST, train=True, out=str(out)))
    profile = load_profile(out)
    assert profile.hardware.device == "cuda" and profile.environment.driver
    for point in profile.points:
        assert not point.oom
        assert point.ttft_ms.p50 > 0 and point.itl_ms.p50 > 0
        # CUDA peak counters: allocated ≤ reserved, and at least the analytic weights + KV cache.
        assert point.peak_memory_gib <= point.peak_memory_reserved_gib
        assert point.peak_memory_gib >= 0.9 * point.analytic_memory_gib
        assert 0 < point.mbu < 1.5
    if profile.hardware.catalog_name:
        assert profile.hardware.bandwidth_gb_per_s_spec and profile.points[0].mbu_spec
    assert profile.training.tokens_per_s > 0
    assert result.profile.points[1].decode_tokens_per_s > result.profile.points[0].decode_tokens_per_s


def test_nvml_energy_per_token_when_available(tmp_path):
    from profiles.backends.transformers.energy import EnergyCounter
    from profiles.backends.transformers.runner import run_profile
    from profiles.settings import run_settings

    if not EnergyCounter(0).available:
        pytest.skip("no NVML energy counter (pynvml missing or unsupported GPU)")
    profile = run_profile(run_settings(**{**FAST, "min_seconds": 1.5}, out=str(tmp_path / "e.json"))).profile
    assert all(p.energy_j_per_token and p.energy_j_per_token > 0 for p in profile.points)


def test_cuda_event_clock_agrees_with_a_synchronized_wall_clock():
    import time

    import torch

    from profiles.backends.transformers.device import StepClock

    a = torch.randn(4096, 4096, device="cuda")
    clock = StepClock("cuda", 3)
    torch.cuda.synchronize()
    wall = time.perf_counter()
    clock.start()
    for _ in range(3):
        for _ in range(10):
            a @ a
        clock.mark()
    marks = clock.finish()
    wall = time.perf_counter() - wall
    assert marks[0] < marks[1] < marks[2] <= wall * 1.05


def test_compiled_decode_runs(tmp_path):
    from profiles.backends.transformers.runner import run_profile
    from profiles.settings import run_settings

    settings = run_settings(**{**FAST, "batch_sizes": [1], "compile": True}, out=str(tmp_path / "c.json"))
    profile = run_profile(settings).profile
    assert profile.environment.compiled and not profile.points[0].oom
