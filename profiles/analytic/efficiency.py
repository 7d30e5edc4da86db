"""How close to the roofs a serving stack runs: the estimator's efficiencies and their published defaults.

Torch-free: imports pydantic only. `profiles.analytic.calibrate` replaces the defaults with values fitted
from a measured profile (llm-analysis: "a measured value replaces the assumption").

Prefill matmuls do not reach one fixed share of the peak: a prompt of few tokens gives GEMMs with few
rows, which fill neither the tensor cores nor the waves of thread blocks. The share grows with the
tokens in flight M (batch × prompt tokens) and saturates, the usual Michaelis-Menten form:

    prefill MFU(M) = mfu × M / (M + prefill_half_tokens)

so `mfu` is the large-prompt limit and `prefill_half_tokens` the M at which half of it is reached.
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
# Prefill, 16-bit: fitted to the one source tests/test_estimate.py names as the fitting source, the
# TensorRT-LLM v0.5 performance doc (2023-10), A100-80GB FP16, batch 1, TTFT of Llama-2-7B at 128 and
# 2,048 prompt tokens (16 and 133 ms) and Llama-2-70B on 4 GPUs (47 and 377 ms). A grid search over
# (mfu, half) with the roofline's FLOPs and the weight read as the other roof gives mfu 0.70 and 144
# tokens, every one of the four within 3% (TTFT = max(compute, weight read) + overhead + all-reduces).
DEFAULT_MFU = 0.70
DEFAULT_PREFILL_HALF_TOKENS = 144.0
# Prefill, 8-bit (fp8 weights and activations): the same doc's H100 FP8 rows for Llama-2-7B (7 and 36 ms
# at 128 and 2,048 tokens) give mfu 0.455 of the fp8 peak and 340 tokens, both within 1%. FP8 engines of
# that doc's kind reach about half their fp8 data-sheet peak (attention and normalisation stay 16-bit).
FP8_MFU = 0.455
FP8_PREFILL_HALF_TOKENS = 340.0
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
# Largest half-saturation point a calibration may report, tokens in flight (far above any GEMM tile).
MAX_PREFILL_HALF_TOKENS = 1e6
EIGHT_BIT_DTYPES = ("fp8",)

Share = Annotated[float, Field(gt=0, le=MAX_EFFICIENCY)]


class Efficiency(BaseModel):
    """How close to the roofs the serving stack runs, and its fixed costs per forward pass."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    mbu: Share = Field(DEFAULT_MBU, description="Decode memory-bandwidth utilization vs data-sheet bandwidth.")
    mfu: Share = Field(
        DEFAULT_MFU, description="Prefill FLOP utilization vs data-sheet peak, reached by long prompts."
    )
    prefill_half_tokens: Annotated[float, Field(ge=0, le=MAX_PREFILL_HALF_TOKENS, allow_inf_nan=False)] = Field(
        DEFAULT_PREFILL_HALF_TOKENS,
        description="Tokens in flight (batch × prompt) at which prefill reaches half its MFU.",
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
        "published defaults: MBU from gpt-fast (A100, RTX 4090), prefill MFU and its half-saturation "
        "point from TensorRT-LLM v0.5 A100 TTFTs, overhead assumed",
        description="Where these numbers come from.",
    )

    def prefill_mfu(self, tokens_in_flight: float) -> float:
        """mfu × M / (M + prefill_half_tokens): the share of the peak a prefill of M tokens reaches."""
        return self.mfu * tokens_in_flight / (tokens_in_flight + self.prefill_half_tokens)


DEFAULT_EFFICIENCY = Efficiency()
FP8_EFFICIENCY = Efficiency(
    mfu=FP8_MFU, decode_mfu=FP8_MFU, prefill_half_tokens=FP8_PREFILL_HALF_TOKENS,
    source="published defaults: MBU from gpt-fast (A100, RTX 4090), fp8 prefill MFU and its half-saturation "
           "point from TensorRT-LLM v0.5 H100 FP8 TTFTs, overhead assumed",
)


def default_efficiency(dtype: str) -> Efficiency:
    """The published defaults for a weight dtype: fp8 matmuls have their own (lower) share of their peak."""
    return FP8_EFFICIENCY if dtype in EIGHT_BIT_DTYPES else DEFAULT_EFFICIENCY
