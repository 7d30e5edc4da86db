"""How close to the roofs a serving stack runs: the estimator's efficiencies and their published defaults.

Torch-free: imports pydantic only. `profiles.analytic.calibrate` replaces the defaults with values fitted
from a measured profile (llm-analysis: "a measured value replaces the assumption").

Prefill does not reach one fixed share of the peak: a prompt of few tokens gives GEMMs with few rows,
which fill neither the tensor cores nor the waves of thread blocks, and every layer's kernels cost a
fixed time whatever their size. The prefill time is modelled on those grounds (`Roofline.prefill_seconds`):

    TTFT = FLOPs ÷ (peak × mfu) + weight read ÷ data-sheet bandwidth + layers × prefill_layer_ms
           + prefill overhead + all-reduces

so `mfu` is the large-prompt limit of the matmuls and the achieved share of the peak grows with the
tokens in flight M (batch × prompt tokens) as mfu × M/(M + M½). The half-saturation point M½ is not a
free constant: it follows from the GPU's bandwidth-to-FLOP/s ratio (the weight read a short prompt cannot
hide) and the model's layers against its FLOPs per token, so a GPU with fewer FLOP/s per byte (L40S) or a
model split over more GPUs (smaller GEMMs per GPU) saturates at a different M, as published figures show.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

# --- Default efficiencies, from published measurements -----------------------------------------------
# MBU: gpt-fast README (A100-80GB at a 330 W cap, bf16, batch 1, torch.compile) and gpt-fast issue 27
# (RTX 4090, fp16). Achieved bytes/s with the roofline's bytes per step (non-embedding weights + LM head;
# KV is <1% at their short prompts) ÷ data-sheet bandwidth:
#   Llama-2-7B  13.21 GB × 104.9 tok/s ÷ 2039 GB/s = 0.680
#   Llama-3.1-8B 15.01 GB × 93.9 tok/s ÷ 2039 GB/s = 0.691
#   Llama-2-7B  13.21 GB × 65 tok/s   ÷ 1008 GB/s = 0.852 (RTX 4090)
# mean 0.741.
DEFAULT_MBU = 0.74
# Prefill: fitted to ONE source, the TensorRT-LLM v0.9.0 performance doc (docs/source/performance.md,
# "Low Latency", 2024-04; batch 1, one output token), the 20 TTFT rows
# tests/profiles/analytic/test_prefill_published.py
# lists: A100-80GB FP16 (Llama-2-7B, Mistral-7B at 128 and 2,048 prompt tokens; Llama-2-70B TP4 at 128,
# TP8 at 2,048), H100 and H200 FP8 (the same models, 70B TP4/TP8) and L40S FP8 (Llama-2-7B). A grid search
# over (16-bit mfu, fp8 mfu, prefill_layer_ms,
# the all-reduce link efficiency in profiles.analytic.parallel) minimising the largest relative error,
# rounded: 0.70, 0.52, 0.065 ms, 0.6 — every one of the 20 within 8%
# (tests/profiles/analytic/test_prefill_published.py,
# which also checks the held-out sources: TensorRT-LLM v0.5, lmdeploy, NVIDIA NIM).
# A100 FP16, Llama-2-7B, 128 tokens: 1.6625e12 FLOPs ÷ (312 TFLOP/s × 0.70) = 7.61 ms + 13.28 GB (weights
# and the KV written) ÷ 2,039 GB/s = 6.51 ms + 32 layers × 0.065 ms + 0.3 ms overhead = 2.38 ms → 16.5 ms
# (published 16.2).
DEFAULT_MFU = 0.70
# fp8 matmuls (weights and activations) reach a smaller share of their fp8 data-sheet peak: attention,
# normalisation and the quantize steps stay 16-bit.
FP8_MFU = 0.52
# Fixed time per layer of a prefill (its kernels' launches and the tails of small GEMMs), ms.
DEFAULT_PREFILL_LAYER_MS = 0.065
# Decode's compute roof (large batches) uses the prefill MFU unless calibrated: no published batch sweep
# in REFERENCE.md separates the two.
DEFAULT_DECODE_MFU = DEFAULT_MFU
# Per forward pass host work a serving engine with CUDA graphs does not hide (scheduling, sampling).
# An assumption, not a measurement: the published batch-1 figures above already include theirs, and
# `profiles calibrate` replaces it with the measured value.
DEFAULT_STEP_OVERHEAD_MS = 0.3
DEFAULT_PREFILL_OVERHEAD_MS = DEFAULT_STEP_OVERHEAD_MS
# Largest efficiency a calibration may report: MBU/MFU slightly above 1 happen against a low measured peak.
MAX_EFFICIENCY = 1.5
# Largest fixed time per layer a calibration may report, ms (a CPU's python-loop layers reach tens of ms).
MAX_PREFILL_LAYER_MS = 1e3
EIGHT_BIT_DTYPES = ("fp8",)

Share = Annotated[float, Field(gt=0, le=MAX_EFFICIENCY)]


class Efficiency(BaseModel):
    """How close to the roofs the serving stack runs, and its fixed costs per forward pass."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    mbu: Share = Field(DEFAULT_MBU,
                       description="Decode memory-bandwidth utilization vs data-sheet bandwidth.")
    mfu: Share = Field(
        DEFAULT_MFU, description="Prefill FLOP utilization vs data-sheet peak, reached by long prompts."
    )
    prefill_layer_ms: Annotated[float, Field(ge=0, le=MAX_PREFILL_LAYER_MS, allow_inf_nan=False)] = Field(
        DEFAULT_PREFILL_LAYER_MS,
        description="Fixed time per layer of a prefill (kernel launches, small-GEMM tails), ms.",
    )
    decode_mfu: Share = Field(
        DEFAULT_DECODE_MFU, description="FLOP utilization of decode's compute roof (large batches)."
    )
    step_overhead_ms: Annotated[float, Field(ge=0, allow_inf_nan=False)] = Field(
        DEFAULT_STEP_OVERHEAD_MS, description="Fixed time per decode step, ms."
    )
    prefill_overhead_ms: Annotated[float, Field(ge=0, allow_inf_nan=False)] = Field(
        DEFAULT_PREFILL_OVERHEAD_MS, description="Fixed time per prefill, ms."
    )
    source: str = Field(
        "published defaults: MBU from gpt-fast (A100, RTX 4090), prefill MFU and per-layer time from "
        "TensorRT-LLM v0.9 TTFTs (A100, H100, H200, L40S), overhead assumed",
        description="Where these numbers come from.",
    )


DEFAULT_EFFICIENCY = Efficiency()
FP8_EFFICIENCY = Efficiency(
    mfu=FP8_MFU, decode_mfu=FP8_MFU,
    source="published defaults: MBU from gpt-fast (A100, RTX 4090), fp8 prefill MFU and per-layer time from "
           "TensorRT-LLM v0.9 FP8 TTFTs (H100, H200, L40S), overhead assumed",
)


def default_efficiency(dtype: str) -> Efficiency:
    """The published defaults for a weight dtype: fp8 matmuls have their own (lower) share of their peak."""
    return FP8_EFFICIENCY if dtype in EIGHT_BIT_DTYPES else DEFAULT_EFFICIENCY
