"""The prefill (TTFT) estimate against published measurements at short, middle and long prompts on two GPU
generations: fitted on one source, checked on three others, every checked case within ±20%.

The model (profiles/analytic/efficiency.py, roofline.py): TTFT = max(FLOPs ÷ (peak × MFU(M)), weights read ÷
(bandwidth × MBU)) + overhead + all-reduces, MFU(M) = mfu × M/(M + half), M = batch × prompt tokens.

FITTED ON (one source): TensorRT-LLM v0.5.0 docs/source/performance.md, "Low Latency" tables (2023-10),
batch 1, gptSessionBenchmark with one output token:
  - 16-bit defaults (mfu 0.70, half 144): A100-80GB FP16, Llama-2-7B 128 → 16 ms, 2,048 → 133 ms;
    Llama-2-70B TP4 128 → 47 ms, 2,048 → 377 ms (tests/test_estimate.py checks these four too).
  - fp8 defaults (mfu 0.455, half 340): H100 FP8, Llama-2-7B 128 → 7 ms, 2,048 → 36 ms.
HELD OUT (not used in any fit), the cases below. Their Llama-2-70B is llama-3.1-70b's layer shapes (80 ×
8192, 64/8 heads, 28672 MLP; only the vocabulary, one LM-head token in prefill, differs); "LLaMA 7B" of
the TensorRT-LLM docs is Llama-2-7B (their build config: 32 × 4096, 11008 MLP, 32000 vocab).
"""

from __future__ import annotations

from typing import NamedTuple

import pytest

from profiles.analytic.estimate import EstimateSettings, estimate_profile

TOLERANCE = 0.20

TRT_V09 = "TensorRT-LLM v0.9.0 docs/source/performance.md, Low Latency (2024-04), batch 1"
LMDEPLOY = "lmdeploy v0.1.0a1 docs/en/benchmark/a100_fp16.md, static inference, FTL(ave), batch 1 (2023-11)"
NIM_70B = ("NVIDIA NIM LLM benchmarking 1.0.0, performance page, Llama-3.3-70B-Instruct NIM 1.8.0, "
           "2 × H100 80G fp8 TP2, AIPerf concurrency 1 (2025)")
NIM_GUARD = ("NVIDIA NIM Llama 3.1 Nemotron Safety Guard Multilingual 8B V1 1.10.1 performance page, A100 80GB "
             "SXM BF16, genai-perf 500_10, concurrency 1 (2025; a Llama-3.1-8B fine-tune)")


class Published(NamedTuple):
    source: str
    model: str
    gpu: str
    gpus: int
    dtype: str
    prompt_tokens: int
    ttft_ms: float


HELD_OUT = [
    # Ampere, 16-bit: short and long.
    Published(TRT_V09, "llama-2-7b", "a100-80gb", 1, "fp16", 128, 16.2),
    Published(TRT_V09, "llama-2-7b", "a100-80gb", 1, "fp16", 2048, 132.4),
    Published(TRT_V09, "mistral-7b", "a100-80gb", 1, "fp16", 128, 16.3),
    Published(TRT_V09, "mistral-7b", "a100-80gb", 1, "fp16", 2048, 139.6),
    Published(TRT_V09, "llama-3.1-70b", "a100-80gb", 4, "fp16", 128, 45.6),
    Published(TRT_V09, "llama-3.1-70b", "a100-80gb", 8, "fp16", 2048, 249.2),
    Published(LMDEPLOY, "llama-2-7b", "a100-80gb", 1, "fp16", 2048, 139.0),
    Published(LMDEPLOY, "llama-2-13b", "a100-80gb", 1, "fp16", 2048, 242.0),
    Published(LMDEPLOY, "llama-3.1-70b", "a100-80gb", 4, "fp16", 2048, 402.0),
    # Ampere, 16-bit: middle.
    Published(NIM_GUARD, "llama-3.1-8b", "a100-80gb", 1, "bf16", 500, 48.3),
    # Hopper, fp8: short, long and very long.
    Published(TRT_V09, "llama-2-7b", "h100-sxm", 1, "fp8", 128, 6.3),
    Published(TRT_V09, "llama-2-7b", "h100-sxm", 1, "fp8", 2048, 30.8),
    Published(TRT_V09, "mistral-7b", "h100-sxm", 1, "fp8", 128, 6.5),
    Published(TRT_V09, "mistral-7b", "h100-sxm", 1, "fp8", 2048, 32.4),
    Published(TRT_V09, "llama-3.1-70b", "h100-sxm", 4, "fp8", 128, 19.6),
    Published(TRT_V09, "llama-3.1-70b", "h100-sxm", 8, "fp8", 2048, 85.1),
    Published(TRT_V09, "llama-2-7b", "h200", 1, "fp8", 2048, 30.2),
    Published(TRT_V09, "llama-3.1-70b", "h200", 4, "fp8", 128, 17.8),
    Published(TRT_V09, "llama-3.1-70b", "h200", 4, "fp8", 2048, 103.0),
    Published(NIM_70B, "llama-3.1-70b", "h100-sxm", 2, "fp8", 5000, 406.77),
]

# Published cases the estimate does NOT hold within ±20% (estimate ÷ measured − 1 today), kept here so the
# limits are stated, not hidden; the test below fails when one of them moves inside, so the list stays true.
# - lmdeploy v0.1's context phase at short prompts is slower than TensorRT-LLM's on the same A100 (22 vs 16
#   ms for Llama-2-7B at 128 tokens); the estimate follows TensorRT-LLM: −25%, −20%, −38%.
# - NIM 1.8 (2025) reaches 36% of the fp8 peak at a 500-token prompt where TensorRT-LLM v0.5 reached 27%:
#   +44%. Its 5,000-token TTFT is held (+12%, above).
# - TensorRT-LLM v0.9 on H200 at short prompts and on L40S (Ada, FP8): +24% to +32%; the fit source's own
#   L40S and 70B-fp8-at-128 rows are outside too (+32%, −21%).
# Calibrating on a profile of the user's own engine (`profiles calibrate`) replaces these defaults.
OUTSIDE = [
    Published(LMDEPLOY, "llama-2-7b", "a100-80gb", 1, "fp16", 128, 22.0),
    Published(LMDEPLOY, "llama-2-13b", "a100-80gb", 1, "fp16", 128, 40.0),
    Published(LMDEPLOY, "llama-3.1-70b", "a100-80gb", 4, "fp16", 128, 74.0),
    Published(NIM_70B, "llama-3.1-70b", "h100-sxm", 2, "fp8", 500, 47.77),
    Published(TRT_V09, "llama-2-7b", "h200", 1, "fp8", 128, 5.7),
    Published(TRT_V09, "mistral-7b", "h200", 1, "fp8", 128, 5.9),
    Published(TRT_V09, "mistral-7b", "h200", 1, "fp8", 2048, 31.7),
    Published(TRT_V09, "llama-2-7b", "l40s", 1, "fp8", 128, 14.1),
    Published(TRT_V09, "llama-2-7b", "l40s", 1, "fp8", 2048, 80.1),
]


def estimated_ttft_ms(case: Published) -> float:
    settings = EstimateSettings(gpus=case.gpus, dtype=case.dtype, batch_sizes=(1,),
                                input_tokens=case.prompt_tokens, output_tokens=2)
    return estimate_profile(case.model, case.gpu, settings).points[0].ttft_ms.mean


@pytest.mark.parametrize("case", HELD_OUT, ids=lambda c: f"{c.model}-{c.gpu}-tp{c.gpus}-{c.dtype}-{c.prompt_tokens}")
def test_held_out_prefill_within_20_percent(case):
    assert estimated_ttft_ms(case) == pytest.approx(case.ttft_ms, rel=TOLERANCE)


def test_the_held_out_cases_cover_short_middle_and_long_prompts_on_two_generations():
    lengths = {c.prompt_tokens for c in HELD_OUT}
    assert min(lengths) <= 128 and any(400 <= n <= 640 for n in lengths) and max(lengths) >= 2048
    generations = {"ampere" if c.gpu.startswith("a100") else "hopper" for c in HELD_OUT}
    assert generations == {"ampere", "hopper"}
    assert len({c.source for c in HELD_OUT}) >= 3


def test_the_stated_limits_are_still_outside():
    errors = {c: estimated_ttft_ms(c) / c.ttft_ms - 1 for c in OUTSIDE}
    assert all(abs(e) > TOLERANCE for e in errors.values()), errors


def test_short_prompts_reach_a_smaller_share_of_the_peak():
    # MFU(M) = 0.70 × M/(M + 144): 128 tokens 0.33, 2,048 tokens 0.65 (the additive rule had one MFU for all).
    short = estimate_profile("llama-3.1-8b", "h100-sxm", EstimateSettings(batch_sizes=(1,), input_tokens=128,
                                                                           output_tokens=2))
    long = estimate_profile("llama-3.1-8b", "h100-sxm", EstimateSettings(batch_sizes=(1,), input_tokens=2048,
                                                                          output_tokens=2))
    assert short.points[0].mfu_spec < 0.5 * long.points[0].mfu_spec
    assert long.points[0].mfu_spec == pytest.approx(0.70 * 2048 / (2048 + 144), rel=0.02)
