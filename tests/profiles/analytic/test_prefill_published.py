"""The prefill (TTFT) estimate against published measurements at short, middle and long prompts on three GPU
generations: fitted on one source, checked on three others, every case within ±20% but three that
contradict another engine on the same GPU (stated below, and tested to stay so).

The model (profiles/analytic/efficiency.py, roofline.py): TTFT = FLOPs ÷ (peak × mfu) + weight read ÷
data-sheet bandwidth + layers × prefill_layer_ms + overhead + all-reduces (link efficiency 0.6).

FITTED ON (one source): TensorRT-LLM v0.9.0 docs/source/performance.md, "Low Latency" (2024-04), batch 1,
one output token: the 20 rows of FITTED_ON, each within 8% (asserted within 10%).
HELD OUT (not used in the fit): TensorRT-LLM v0.5.0's same tables (2023-10), lmdeploy v0.1 and two NVIDIA
NIM performance pages. Their Llama-2-70B is llama-3.1-70b's layer shapes (80 × 8192, 64/8 heads, 28672
MLP; only the vocabulary, one LM-head token in prefill, differs); "LLaMA 7B" of the TensorRT-LLM docs is
Llama-2-7B (their build config: 32 × 4096, 11008 MLP, 32000 vocab).
"""

from __future__ import annotations

from typing import NamedTuple

import pytest

from profiles.analytic.estimate import EstimateSettings, estimate_profile

TOLERANCE = 0.20
FIT_TOLERANCE = 0.10

TRT_V09 = "TensorRT-LLM v0.9.0 docs/source/performance.md, Low Latency (2024-04), batch 1"
TRT_V05 = "TensorRT-LLM v0.5.0 docs/source/performance.md, Low Latency (2023-10), batch 1"
LMDEPLOY = "lmdeploy v0.1.0a1 docs/en/benchmark/a100_fp16.md, static inference, FTL(ave), batch 1 (2023-11)"
NIM_70B = ("NVIDIA NIM LLM benchmarking 1.0.0, performance page, Llama-3.3-70B-Instruct NIM 1.8.0, "
           "2 × H100 80G fp8 TP2, AIPerf concurrency 1 (2025)")
NIM_GUARD = ("NVIDIA NIM Llama 3.1 Nemotron Safety Guard Multilingual 8B V1 1.10.1 performance page, A100 "
             "80GB SXM BF16, genai-perf 500_10, concurrency 1 (2025; a Llama-3.1-8B fine-tune)")


class Published(NamedTuple):
    source: str
    model: str
    gpu: str
    gpus: int
    dtype: str
    prompt_tokens: int
    ttft_ms: float


FITTED_ON = [
    Published(TRT_V09, "llama-2-7b", "a100-80gb", 1, "fp16", 128, 16.2),
    Published(TRT_V09, "llama-2-7b", "a100-80gb", 1, "fp16", 2048, 132.4),
    Published(TRT_V09, "mistral-7b", "a100-80gb", 1, "fp16", 128, 16.3),
    Published(TRT_V09, "mistral-7b", "a100-80gb", 1, "fp16", 2048, 139.6),
    Published(TRT_V09, "llama-3.1-70b", "a100-80gb", 4, "fp16", 128, 45.6),
    Published(TRT_V09, "llama-3.1-70b", "a100-80gb", 8, "fp16", 2048, 249.2),
    Published(TRT_V09, "llama-2-7b", "h100-sxm", 1, "fp8", 128, 6.3),
    Published(TRT_V09, "llama-2-7b", "h100-sxm", 1, "fp8", 2048, 30.8),
    Published(TRT_V09, "mistral-7b", "h100-sxm", 1, "fp8", 128, 6.5),
    Published(TRT_V09, "mistral-7b", "h100-sxm", 1, "fp8", 2048, 32.4),
    Published(TRT_V09, "llama-3.1-70b", "h100-sxm", 4, "fp8", 128, 19.6),
    Published(TRT_V09, "llama-3.1-70b", "h100-sxm", 8, "fp8", 2048, 85.1),
    Published(TRT_V09, "llama-2-7b", "h200", 1, "fp8", 128, 5.7),
    Published(TRT_V09, "llama-2-7b", "h200", 1, "fp8", 2048, 30.2),
    Published(TRT_V09, "mistral-7b", "h200", 1, "fp8", 128, 5.9),
    Published(TRT_V09, "mistral-7b", "h200", 1, "fp8", 2048, 31.7),
    Published(TRT_V09, "llama-3.1-70b", "h200", 4, "fp8", 128, 17.8),
    Published(TRT_V09, "llama-3.1-70b", "h200", 4, "fp8", 2048, 103.0),
    Published(TRT_V09, "llama-2-7b", "l40s", 1, "fp8", 128, 14.1),
    Published(TRT_V09, "llama-2-7b", "l40s", 1, "fp8", 2048, 80.1),
]

HELD_OUT = [
    # Ampere, 16-bit: short, middle and long (tests/profiles/analytic/test_estimate.py checks the v0.5 A100
    # rows too).
    Published(TRT_V05, "llama-2-7b", "a100-80gb", 1, "fp16", 128, 16.0),
    Published(TRT_V05, "llama-2-7b", "a100-80gb", 1, "fp16", 2048, 133.0),
    Published(TRT_V05, "llama-3.1-70b", "a100-80gb", 4, "fp16", 128, 47.0),
    Published(TRT_V05, "llama-3.1-70b", "a100-80gb", 4, "fp16", 2048, 377.0),
    Published(NIM_GUARD, "llama-3.1-8b", "a100-80gb", 1, "bf16", 500, 48.3),
    Published(LMDEPLOY, "llama-2-7b", "a100-80gb", 1, "fp16", 2048, 139.0),
    Published(LMDEPLOY, "llama-2-13b", "a100-80gb", 1, "fp16", 2048, 242.0),
    Published(LMDEPLOY, "llama-3.1-70b", "a100-80gb", 4, "fp16", 2048, 402.0),
    # Hopper, fp8: short, middle, long and very long.
    Published(TRT_V05, "llama-2-7b", "h100-sxm", 1, "fp8", 128, 7.0),
    Published(TRT_V05, "llama-2-7b", "h100-sxm", 1, "fp8", 2048, 36.0),
    Published(NIM_70B, "llama-3.1-70b", "h100-sxm", 2, "fp8", 500, 47.77),
    Published(NIM_70B, "llama-3.1-70b", "h100-sxm", 2, "fp8", 5000, 406.77),
]

# Published cases the estimate does NOT hold within ±20% (estimate ÷ measured − 1: −25%, −24%, −37%), kept
# here so the limit is stated, not hidden. lmdeploy v0.1's context phase at short prompts is slower than
# TensorRT-LLM's on the same A100 and model (74 vs 45.6 ms for the 70B on 4 GPUs at 128 tokens; its
# 2,048-token rows agree with TensorRT-LLM and are held, above). No estimate that knows only the model, the
# GPUs and the prompt can be within ±20% of both engines; the test below checks that contradiction and that
# the cases stay outside, so the list stays true. `profiles calibrate` on a profile of your own engine
# replaces the defaults.
OUTSIDE = [
    Published(LMDEPLOY, "llama-2-7b", "a100-80gb", 1, "fp16", 128, 22.0),
    Published(LMDEPLOY, "llama-2-13b", "a100-80gb", 1, "fp16", 128, 40.0),
    Published(LMDEPLOY, "llama-3.1-70b", "a100-80gb", 4, "fp16", 128, 74.0),
]


def estimated_ttft_ms(case: Published) -> float:
    settings = EstimateSettings(gpus=case.gpus, dtype=case.dtype, batch_sizes=(1,),
                                input_tokens=case.prompt_tokens, output_tokens=2)
    return estimate_profile(case.model, case.gpu, settings).points[0].ttft_ms.mean


def case_id(c: Published) -> str:
    return f"{c.model}-{c.gpu}-tp{c.gpus}-{c.dtype}-{c.prompt_tokens}"


@pytest.mark.parametrize("case", FITTED_ON, ids=case_id)
def test_the_fitting_source_within_10_percent(case):
    assert estimated_ttft_ms(case) == pytest.approx(case.ttft_ms, rel=FIT_TOLERANCE)


@pytest.mark.parametrize("case", HELD_OUT, ids=case_id)
def test_held_out_prefill_within_20_percent(case):
    assert estimated_ttft_ms(case) == pytest.approx(case.ttft_ms, rel=TOLERANCE)


def test_fitted_on_one_source_and_held_out_cover_short_middle_and_long_prompts_on_two_generations():
    assert {c.source for c in FITTED_ON} == {TRT_V09}
    assert TRT_V09 not in {c.source for c in HELD_OUT + OUTSIDE}
    lengths = {c.prompt_tokens for c in HELD_OUT}
    assert min(lengths) <= 128 and any(400 <= n <= 640 for n in lengths) and max(lengths) >= 2048
    for generation in ("a100", "h100"):
        held = {c.prompt_tokens for c in HELD_OUT if c.gpu.startswith(generation)}
        assert min(held) <= 128 and any(400 <= n <= 640 for n in held) and max(held) >= 2048, generation
    assert len({c.source for c in HELD_OUT}) >= 3


def test_the_stated_limits_are_still_outside_and_contradict_tensorrt_llm():
    errors = {case_id(c): estimated_ttft_ms(c) / c.ttft_ms - 1 for c in OUTSIDE}
    assert all(abs(e) > TOLERANCE for e in errors.values()), errors
    # The same model, GPUs and prompt: no one estimate is within ±20% of both, 45.6 × 1.2 = 54.7 < 74 × 0.8 =
    # 59.2.
    trt = next(
        c for c in FITTED_ON if (c.model, c.gpu, c.gpus,
                                 c.prompt_tokens) == ("llama-3.1-70b", "a100-80gb", 4, 128))
    lmdeploy = next(c for c in OUTSIDE if c.model == "llama-3.1-70b")
    assert trt.ttft_ms * (1 + TOLERANCE) < lmdeploy.ttft_ms * (1 - TOLERANCE)


def _prefill_mfu(model: str, gpu: str, gpus: int, prompt_tokens: int) -> float:
    profile = estimate_profile(model, gpu,
                               EstimateSettings(gpus=gpus, batch_sizes=(1,), input_tokens=prompt_tokens,
                                                            output_tokens=2))
    return profile.points[0].mfu_spec


def test_short_prompts_reach_a_smaller_share_of_the_peak():
    # The weight read and the per-layer time do not shrink with the prompt: llama-3.1-8b bf16 on an H100
    # reaches 0.19 of the peak at 128 tokens and 0.60 at 2,048 (one MFU for all would give 0.70 at both).
    short, long = _prefill_mfu("llama-3.1-8b", "h100-sxm", 1,
                               128), _prefill_mfu("llama-3.1-8b", "h100-sxm", 1, 2048)
    assert short < 0.5 * long < 0.70


def test_more_bandwidth_for_the_same_flops_saturates_sooner():
    # The H200 has the H100's FLOP/s and 4.8 instead of 3.35 TB/s: its short-prompt weight read is shorter, so
    # it reaches a larger share of the same peak (published: 5.7 vs 6.3 ms for Llama-2-7B fp8 at 128 tokens);
    # the half-saturation point follows the GPU, not one constant. At long prompts the two converge.
    h100, h200 = (_prefill_mfu("llama-3.1-8b", gpu, 1, 128) for gpu in ("h100-sxm", "h200"))
    assert h200 > 1.1 * h100
    h100, h200 = (_prefill_mfu("llama-3.1-8b", gpu, 1, 8192) for gpu in ("h100-sxm", "h200"))
    assert h200 == pytest.approx(h100, rel=0.05)
