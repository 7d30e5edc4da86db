"""The profiler's arithmetic, torch-free: TTFT/TPOT/ITL and throughput formulas on synthetic timings,
statistics, the roofline bytes and FLOPs, spec-peak lookup, energy per token, and flag validation."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from profiles.analytic.roofline import (
    decode_bytes,
    decode_flops,
    prefill_flops,
    training_flops_per_token,
)
from profiles.backends.transformers.energy import joules_per_token
from profiles.backends.transformers.metrics import RunTiming, point_metrics
from profiles.catalog import model_preset
from profiles.settings import parse_batch_sizes, run_settings
from profiles.spec import catalog_name_for, spec_peaks
from profiles.stats import ci95_half_width, coefficient_of_variation, percentiles_ms, t_critical_95


def run(*times_s):
    return RunTiming(np.array(times_s, dtype=float))


def test_tpot_and_throughputs_follow_the_design_formulas():
    # Batch 4, 512 input tokens, 5 output tokens; first token at 100 ms, then one every 20 ms.
    timing = run(0.100, 0.120, 0.140, 0.160, 0.180)
    m = point_metrics([timing, timing], batch=4, input_tokens=512, output_tokens=5)
    assert m.ttft_ms.p50 == pytest.approx(100.0)
    # TPOT = (E2E − TTFT)/(output − 1) = (180 − 100)/4 = 20 ms.
    assert m.tpot_ms.mean == pytest.approx(20.0)
    # Decode aggregate = batch × (output − 1)/(E2E − TTFT) = 4 × 4 / 0.08 s = 200 tokens/s; per sequence 50.
    assert m.decode_tokens_per_s == pytest.approx(200.0)
    assert m.decode_tokens_per_s_per_sequence == pytest.approx(50.0)
    # Prefill = batch × input / TTFT = 4 × 512 / 0.1 s = 20,480 tokens/s.
    assert m.prefill_tokens_per_s == pytest.approx(20480.0)
    # Requests/s = batch / E2E = 4 / 0.18 s = 22.22.
    assert m.requests_per_s == pytest.approx(4 / 0.18)
    assert m.e2e_ms.p99 == pytest.approx(180.0)
    assert m.repeats == 2


def test_itl_pools_every_step_of_every_run():
    # Run 1 gaps: 10, 30 ms; run 2 gaps: 20, 20 ms → pooled [10, 20, 20, 30], mean 20, median 20.
    m = point_metrics([run(0.05, 0.06, 0.09), run(0.05, 0.07, 0.09)], batch=1, input_tokens=8,
                      output_tokens=3)
    assert m.itl_ms.mean == pytest.approx(20.0)
    assert m.itl_ms.p50 == pytest.approx(20.0)
    # Both runs have the same TPOT (40 ms / 2 = 20 ms) although their ITLs differ.
    assert m.tpot_ms.cv == pytest.approx(0.0)


def test_a_run_with_the_wrong_number_of_tokens_is_refused():
    with pytest.raises(ValueError, match="expected 4"):
        point_metrics([run(0.1, 0.2, 0.3)], batch=1, input_tokens=8, output_tokens=4)


def test_percentiles_of_one_to_a_hundred():
    # numpy's linear interpolation: p50 of 1..100 = 50.5, p90 = 90.1, p99 = 99.01; mean 50.5.
    p = percentiles_ms(np.arange(1, 101) / 1000.0)
    assert (p.p50, p.p90, p.p99, p.mean) == pytest.approx((50.5, 90.1, 99.01, 50.5))


def test_t_interval_of_three_samples():
    # mean 2, s = 1, t(0.975, 2) = 4.303 → half-width 4.303 / √3 = 2.4843.
    assert ci95_half_width([1.0, 2.0, 3.0]) == pytest.approx(4.303 / math.sqrt(3))
    assert ci95_half_width([1.0]) is None
    assert coefficient_of_variation([5.0, 5.0, 5.0]) == 0.0
    assert coefficient_of_variation([5.0]) is None


def test_t_critical_values_match_scipy():
    stats = pytest.importorskip("scipy.stats")
    for df in [*range(1, 40), 50, 100, 1000]:
        assert t_critical_95(df) == pytest.approx(stats.t.ppf(0.975, df), abs=1e-3)


def test_tiny_llama_roofline_by_hand():
    # 2 layers, hidden 64, 4 heads, 2 kv heads (head dim 16), MLP 128, vocab 512
    arch = model_preset("tiny-llama")
    # Layer: q,o 64·64 each + k,v 64·32 each = 12,288; MLP 3·64·128 = 24,576; norms 128 → 36,992; ×2 = 73,984.
    # LM head 512·64 = 32,768 → N = 106,752; fp32 weights read per decode step = 427,008 bytes.
    # KV per token: 2 · 2 layers · 2 kv heads · 16 · 4 bytes = 512 bytes.
    # Batch 2, input 10, output 5 → 4 steps reading contexts 11..14 (Σ = 50 token-steps):
    # 4 · 427,008 + 2 · 512 · 50 = 1,708,032 + 51,200 = 1,759,232 bytes.
    assert decode_bytes(arch, "fp32", 2, 10, 5) == 1_759_232
    # Prefill of 10 tokens, batch 1: 2·73,984·10 + 2·32,768 (last token's logits) + causal attention
    # 4·2·64·(1 + … + 10) = 4·2·64·55 = 28,160 → 1,479,680 + 65,536 + 28,160 = 1,573,376 FLOPs. (Before the
    # one
    # roofline, the profiler counted the full matrix 4·2·64·10² = 51,200, i.e. 1,596,416, and the estimator
    # the causal half: two different MFUs. Now both count queries × the context each attends to.)
    assert prefill_flops(arch, 1, 10) == 1_573_376
    # Decode FLOPs, batch 1, input 10, output 5: 2·106,752·4 + 4·2·64·50 = 854,016 + 25,600 = 879,616.
    assert decode_flops(arch, 1, 10, 5) == 879_616
    # Training per token at T = 10: 6·106,752 + 3 × the causal forward attention per token,
    # 3 · 28,160 / 10 = 8,448 → 640,512 + 8,448 = 648,960 (PaLM's full-matrix 12·2·64·10 = 15,360 before).
    assert training_flops_per_token(arch, 10) == 648_960


@given(batch=st.integers(1, 64), input_tokens=st.integers(1, 4096), output_tokens=st.integers(2, 512))
def test_decode_bytes_closed_form_equals_the_step_by_step_sum(batch, input_tokens, output_tokens):
    arch = model_preset("llama-100m")
    weights, kv = arch.decode_weight_bytes("bf16"), arch.kv_cache_bytes_per_token("bf16")
    explicit = sum(weights + batch * kv * (input_tokens + k) for k in range(1, output_tokens))
    assert decode_bytes(arch, "bf16", batch, input_tokens,
                        output_tokens) == pytest.approx(explicit, rel=1e-12)


@pytest.mark.parametrize(("reported", "catalog"), [
    ("NVIDIA H100 80GB HBM3", "h100-sxm"),
    ("NVIDIA H100 PCIe", "h100-pcie"),
    ("NVIDIA A100-SXM4-40GB", "a100-40gb"),
    ("NVIDIA A100-SXM4-80GB", "a100-80gb"),
    ("NVIDIA A10", "a10"),
    ("NVIDIA L4", "l4"),
    ("NVIDIA GeForce RTX 4090", "rtx-4090"),
    ("Apple M2 Ultra GPU (MPS)", "m2-ultra"),
    ("NVIDIA A100 80GB PCIe", None),
    ("AMD EPYC", None),
])
def test_device_names_map_to_catalog_names(reported, catalog):
    assert catalog_name_for(reported) == catalog


def test_spec_peaks_unknown_device_are_none():
    assert spec_peaks(None, "bf16") == (None, None)
    assert spec_peaks("no-such-gpu", "bf16") == (None, None)


def test_energy_per_token_needs_a_second_long_window():
    # 100 J over 50 tokens = 2 J/token when the window is ≥ 1 s.
    assert joules_per_token(1000.0, 1100.0, 2.0, 50) == pytest.approx(2.0)
    assert joules_per_token(1000.0, 1100.0, 0.5, 50) is None
    assert joules_per_token(None, 1100.0, 2.0, 50) is None


@pytest.mark.parametrize(("values", "flag"), [
    ({"batch_sizes": [0, 1]}, "--batch-sizes"),
    ({"batch_sizes": [4, 4]}, "--batch-sizes"),
    ({"input_tokens": 0}, "--input-tokens"),
    ({"output_tokens": 1}, "--output-tokens"),
    ({"repeats": 0}, "--repeats"),
    ({"min_seconds": -1}, "--min-seconds"),
])
def test_bad_settings_name_their_flag(values, flag):
    with pytest.raises(ValueError, match=flag):
        run_settings(model="tiny-llama", **values)


def test_batch_sizes_parse_and_sort():
    assert parse_batch_sizes("16, 1,4") == [16, 1, 4]
    assert run_settings(model="tiny-llama", batch_sizes=[16, 1, 4]).batch_sizes == [1, 4, 16]
    for bad in ("1,,4", "a", "1,-2", "0"):
        with pytest.raises(ValueError, match="--batch-sizes"):
            parse_batch_sizes(bad)
