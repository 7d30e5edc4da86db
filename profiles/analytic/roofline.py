"""The one roofline: analytic bytes and FLOPs of prefill, decode and training, the utilizations (MBU, MFU)
they give, and the per-GPU step times the estimator and the calibration use.

Torch-free: imports numpy, `econ.base.units`, the catalogs and `profiles.analytic.efficiency`. A measured
MFU (the profiler), an estimated one and a calibrated one all divide the FLOPs counted here.

FLOPs (DESIGN.md: FLOPs/step ≈ 2·N·batch + attention): a matmul weight costs 2 FLOPs per token forward
and 6 forward + backward (PaLM appendix B, Chowdhery et al. 2022). Attention costs 4·L·d FLOPs per query
per context token it attends to (QKᵀ and AV), counted causally, as FlashAttention and SDPA with a causal
mask compute it: a decode step at context c costs 4·L·d·c, a prefill of T tokens Σ_{t=1..T} 4·L·d·t =
2·L·d·T(T+1), and training 3× the forward. Bytes: a decode step reads every matmul weight (layers + LM
head) once and the KV cache of its context; a prefill reads the weights once and writes its KV cache.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from econ.base import flops
from econ.base.flops import FORWARD_FLOP_PER_PARAM
from econ.base.units import GB, GIB
from profiles.analytic.efficiency import Efficiency
from profiles.analytic.parallel import (
    ALLREDUCES_PER_LAYER,
    activation_bytes,
    allreduce_seconds,
    kv_share_per_gpu,
)
from profiles.catalog import ModelArchitecture
from profiles.gpu_catalog import GpuSpec

MS_PER_S = 1e3
# Prefill activations live for one layer at a time: gate and up projections (2 × intermediate) plus
# residual, normed input, attention output and a spare (4 × hidden) per token, in the activation dtype.
ACTIVATION_INTERMEDIATE_TENSORS = 2
ACTIVATION_HIDDEN_TENSORS = 4
LOGITS_BYTES = 4  # fp32 logits of the last token
# Per GPU: CUDA context, cuBLAS/NCCL workspaces and allocator slack (order of 1 GiB on CUDA); an assumption.
RUNTIME_RESERVE_GIB = 1.0


def layer_matmul_parameters(arch: ModelArchitecture) -> int:
    """Weights of the decoder layers (no embedding, no LM head)."""
    return arch.layers * arch.layer_parameters


def lm_head_parameters(arch: ModelArchitecture) -> int:
    """vocab × hidden: the LM head matmul (shared with the embedding when tied)."""
    return arch.vocab_size * arch.hidden_size


def attention_flops(arch: ModelArchitecture, queries: int | np.ndarray,
                    past: float | np.ndarray = 0) -> np.ndarray:
    """Causal attention of `queries` new tokens after `past` cached ones
    (`econ.base.flops.attention_flops`)."""
    return flops.attention_flops(arch.layers, arch.hidden_size, queries, past)


def prefill_flops(arch: ModelArchitecture, batch: int, input_tokens: int) -> float:
    """batch × [2·N_layers·T + 2·V·d (LM head, last token only) + causal attention 2·L·d·T(T+1)]."""
    layers = FORWARD_FLOP_PER_PARAM * layer_matmul_parameters(arch) * input_tokens
    head = FORWARD_FLOP_PER_PARAM * lm_head_parameters(arch)
    return float(batch * (layers + head + attention_flops(arch, input_tokens)))


def decode_step_flops(arch: ModelArchitecture, batch: int, context: float | np.ndarray) -> np.ndarray:
    """One decode step at `context` tokens (itself included): batch × (2·N + 4·L·d·context), N = layers +
    head."""
    return batch * (
        FORWARD_FLOP_PER_PARAM * arch.non_embedding_parameters + attention_flops(arch, 1,
                                                                                 np.asarray(context) - 1))


def decode_flops(arch: ModelArchitecture, batch: int, input_tokens: int, output_tokens: int) -> float:
    """All output−1 decode steps (contexts input+1 … input+output−1): Σ of decode_step_flops."""
    steps = output_tokens - 1
    matmuls = FORWARD_FLOP_PER_PARAM * arch.non_embedding_parameters * steps
    return float(batch * (matmuls + attention_flops(arch, steps, input_tokens)))


def decode_bytes(arch: ModelArchitecture, dtype: str, batch: int, input_tokens: int,
                 output_tokens: int) -> float:
    """Bytes read by all output−1 decode steps: Σ_k [weights + batch × kv/token × (input + k)], k =
    1..output−1.

    Σ_k (input + k) = (output−1)·input + (output−1)·output/2.
    """
    steps = output_tokens - 1
    context_token_steps = steps * input_tokens + steps * output_tokens / 2
    return steps * arch.decode_weight_bytes(dtype) + batch * arch.kv_cache_bytes_per_token(
        dtype) * context_token_steps


def training_flops_per_token(arch: ModelArchitecture, seq_len: int) -> float:
    """6·N + 6·L·d·(T+1), N = layers + LM head: `econ.base.flops.training_flops_per_token`, econ's rule
    too."""
    return flops.training_flops_per_token(arch.non_embedding_parameters, seq_len, arch.layers,
                                          arch.hidden_size)


def analytic_memory_gib(arch: ModelArchitecture, dtype: str, batch: int, context_tokens: int) -> float:
    """Weights + KV cache at this batch and context, GiB."""
    return (arch.weight_bytes(dtype) + batch * context_tokens * arch.kv_cache_bytes_per_token(dtype)) / GIB


def kv_cache_gib(arch: ModelArchitecture, dtype: str, batch: int, context_tokens: int) -> float:
    """KV cache alone, GiB."""
    return batch * context_tokens * arch.kv_cache_bytes_per_token(dtype) / GIB


def utilization(achieved: float, peak: float | None) -> float | None:
    """achieved / peak, or None when the peak is unknown."""
    if peak is None or peak <= 0:
        return None
    return achieved / peak


@dataclass(frozen=True)
class Utilizations:
    """A measured point's MBU and MFU against the measured (microbenchmark) and the data-sheet peaks."""

    mbu: float | None
    mfu: float | None
    mbu_spec: float | None
    mfu_spec: float | None

    def impossible(self) -> list[str]:
        """The utilizations above 1 of the measured peak: the peak or the timing is wrong."""
        return [name for name in ("mbu", "mfu") if (getattr(self, name) or 0) > 1]


@dataclass(frozen=True)
class PointShape:
    """The model and workload a point was measured with."""

    arch: ModelArchitecture
    dtype: str
    input_tokens: int
    output_tokens: int


def measured_utilizations(shape: PointShape, batch: int, seconds: tuple[float, float],
                          measured: tuple[float | None, float | None],
                          spec: tuple[float | None, float | None]) -> Utilizations:
    """MBU = decode bytes ÷ decode seconds ÷ bandwidth (bytes/s); MFU = prefill FLOPs ÷ TTFT ÷ FLOP/s.

    `seconds` = (mean TTFT, mean decode time); `measured` and `spec` = (bandwidth bytes/s, FLOP/s). The same
    prefill_flops the estimator divides, so a measured and an estimated MFU are one quantity.
    """
    ttft_s, decode_s = seconds
    bytes_per_s = decode_bytes(shape.arch, shape.dtype, batch, shape.input_tokens,
                               shape.output_tokens) / decode_s
    flop_per_s = prefill_flops(shape.arch, batch, shape.input_tokens) / ttft_s
    return Utilizations(
        mbu=utilization(bytes_per_s, measured[0]), mfu=utilization(flop_per_s, measured[1]),
        mbu_spec=utilization(bytes_per_s, spec[0]), mfu_spec=utilization(flop_per_s, spec[1]),
    )


@dataclass(frozen=True)
class Roofline:
    """One model at one dtype on N GPUs of one kind: per-GPU bytes, FLOPs and step times."""

    arch: ModelArchitecture
    gpu: GpuSpec
    gpus: int
    dtype: str
    kv_dtype: str
    efficiency: Efficiency

    @property
    def bandwidth(self) -> float:
        """Effective bytes/s per GPU: data-sheet bandwidth × MBU."""
        return self.gpu.bandwidth_gb_per_s * GB * self.efficiency.mbu

    @property
    def peak_flop_per_s(self) -> float:
        return self.gpu.flop_per_s(self.dtype)

    @property
    def decode_weight_bytes(self) -> float:
        """Weight bytes each GPU reads per forward pass."""
        return self.arch.decode_weight_bytes(self.dtype) / self.gpus

    @property
    def kv_bytes_per_token(self) -> float:
        """KV-cache bytes per token held (and read) by each GPU."""
        return self.arch.kv_cache_bytes_per_token(self.kv_dtype) * kv_share_per_gpu(self.arch, self.gpus)

    def decode_bytes(self, batch: int, context: np.ndarray | float) -> np.ndarray:
        """Weights + batch × context × KV bytes per token, per GPU per step."""
        return self.decode_weight_bytes + batch * np.asarray(context, float) * self.kv_bytes_per_token

    def decode_flops(self, batch: int, context: np.ndarray | float) -> np.ndarray:
        """decode_step_flops ÷ N, per GPU per step."""
        return decode_step_flops(self.arch, batch, context) / self.gpus

    def _allreduces_s(self, message_bytes: np.ndarray | float) -> np.ndarray:
        return ALLREDUCES_PER_LAYER * self.arch.layers * allreduce_seconds(message_bytes, self.gpus, self.gpu)

    def decode_step_seconds(self, batch: int, context: np.ndarray | float) -> np.ndarray:
        """max(bytes ÷ (BW·MBU), FLOPs ÷ (peak·decode MFU)) + step overhead + 2·layers all-reduces."""
        memory = self.decode_bytes(batch, context) / self.bandwidth
        compute = self.decode_flops(batch, context) / (self.peak_flop_per_s * self.efficiency.decode_mfu)
        comm = self._allreduces_s(batch * self.arch.hidden_size * activation_bytes(self.dtype))
        return np.maximum(memory, compute) + self.efficiency.step_overhead_ms / MS_PER_S + comm

    def prefill_flops(self, batch: int, tokens: int) -> float:
        """prefill_flops ÷ N, per GPU."""
        return prefill_flops(self.arch, batch, tokens) / self.gpus

    def prefill_bytes(self, batch: int, tokens: int) -> float:
        """Weights read once + the KV cache written, per GPU."""
        return self.decode_weight_bytes + batch * tokens * self.kv_bytes_per_token

    def prefill_compute_seconds(self, batch: int, tokens: int) -> float:
        """FLOPs ÷ (peak × mfu): the matmuls at their large-prompt share of the peak."""
        return self.prefill_flops(batch, tokens) / (self.peak_flop_per_s * self.efficiency.mfu)

    def prefill_read_seconds(self, batch: int, tokens: int) -> float:
        """Weights read once + the KV cache written, at data-sheet bandwidth: the part compute does not
        hide."""
        return self.prefill_bytes(batch, tokens) / (self.gpu.bandwidth_gb_per_s * GB)

    def prefill_fixed_seconds(self) -> float:
        """layers × fixed time per layer + fixed time per prefill: what a prompt of any length costs."""
        eff = self.efficiency
        return (self.arch.layers * eff.prefill_layer_ms + eff.prefill_overhead_ms) / MS_PER_S

    def prefill_seconds(self, batch: int, tokens: int) -> float:
        """compute + weight read + fixed per-layer and per-prefill time + 2·layers all-reduces.

        The terms add: a short prompt's GEMMs are too small to hide the weight read behind compute, and each
        layer's kernels cost a fixed time whatever their size, so the achieved share of the peak grows with
        the tokens in flight (profiles.analytic.efficiency).
        """
        comm = float(
            self._allreduces_s(batch * tokens * self.arch.hidden_size * activation_bytes(self.dtype)))
        return (self.prefill_compute_seconds(batch, tokens) + self.prefill_read_seconds(batch, tokens)
                + self.prefill_fixed_seconds() + comm)

    def memory_gib(self, batch: int, input_tokens: int, output_tokens: int) -> float:
        """Per GPU: weights + KV at the full context + prefill activations + runtime reserve, GiB."""
        weights = self.arch.weight_bytes(self.dtype) / self.gpus
        kv = batch * (input_tokens + output_tokens) * self.kv_bytes_per_token
        per_token = (ACTIVATION_INTERMEDIATE_TENSORS * self.arch.intermediate_size
                     + ACTIVATION_HIDDEN_TENSORS * self.arch.hidden_size) * activation_bytes(self.dtype)
        activations = (
            batch * input_tokens * per_token + batch * self.arch.vocab_size * LOGITS_BYTES) / self.gpus
        return (weights + kv + activations) / GIB + RUNTIME_RESERVE_GIB
