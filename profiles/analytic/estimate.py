"""The roofline estimator: a profile for a model on hardware you don't have, labelled `estimated`.

Torch-free: imports numpy, pydantic, `econ` (profile schema, workload defaults, units) and the model
and GPU catalogs. Per GPU of a tensor-parallel group of N:

- decode step = max(bytes ÷ (bandwidth × MBU), FLOPs ÷ (peak × decode MFU)) + step overhead + all-reduces;
  bytes = weights read (non-embedding + LM head) + KV cache read at the step's context, FLOPs ≈
  2·N_matmul·batch + 4·layers·hidden·context·batch. Every step of the output is computed (context grows).
- prefill = FLOPs ÷ (peak × MFU) + weights read ÷ (bandwidth × MBU) + overhead + all-reduces, FLOPs =
  2·N_layers·tokens + causal attention 2·layers·hidden·s(s+1) + the LM head for the last token. The two
  terms are added, not maxed: with a max, TensorRT-LLM's 128-token A100 TTFT is underestimated by ~45%
  (prompts that short sit at the roofline's ridge, where neither roof is reached); added, both its
  128- and 2048-token TTFTs come out within 10%.
- memory = weights + KV cache at the full context + prefill activations + a runtime reserve; a batch
  whose memory exceeds the usable share of the GPU is marked oom.

Default efficiencies come from published measurements (constants below, with their arithmetic);
`profiles.analytic.calibrate` fits them from a measured profile instead. Library code: no printing.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Annotated, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, field_validator

from econ.profile import (
    Environment,
    Hardware,
    ModelInfo,
    Percentiles,
    Point,
    Profile,
    WorkloadShape,
)
from econ.scenario import Workload
from econ.units import GB, GIB
from profiles.catalog import BYTES_PER_DTYPE, ModelArchitecture, model_preset
from profiles.gpu_catalog import GpuSpec, gpu_catalog, gpu_spec, gpu_usd_per_hour

# --- Default efficiencies, from published measurements -----------------------------------------------
# MBU: gpt-fast README (A100-80GB at a 330 W cap, bf16, batch 1, torch.compile) and gpt-fast issue 27
# (RTX 4090, fp16). Achieved bytes/s with this module's bytes per step (non-embedding weights + LM head;
# KV is <1% at their short prompts) ÷ data-sheet bandwidth:
#   Llama-2-7B  13.21 GB × 104.9 tok/s ÷ 2039 GB/s = 0.680
#   Llama-3.1-8B 15.01 GB × 93.9 tok/s ÷ 2039 GB/s = 0.691
#   Llama-2-7B  13.21 GB × 65 tok/s   ÷ 1008 GB/s = 0.852 (RTX 4090)
# mean 0.741.
DEFAULT_MBU = 0.74
# MFU: TensorRT-LLM v0.5 performance doc, A100 FP16, Llama-2-7B, batch 1, 2048-token prompt: TTFT 133 ms.
# Prefill FLOPs 27.63e12; weights read 13.21 GB ÷ (2039 GB/s × 0.74) = 8.76 ms; overhead 0.3 ms;
# 27.63e12 ÷ ((133 − 9.06) ms × 312e12) = 0.714, rounded down to 0.70. (The same doc's 128-token TTFT and
# its Llama-70B TP4 TTFTs are independent checks; tests/test_estimate.py.)
DEFAULT_MFU = 0.70
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

# --- Memory ------------------------------------------------------------------------------------------
# Share of device memory a serving engine plans with: vLLM's default gpu_memory_utilization = 0.9.
USABLE_MEMORY_FRACTION = 0.9
# Per GPU: CUDA context, cuBLAS/NCCL workspaces and allocator slack (order of 1 GiB on CUDA); an assumption.
RUNTIME_RESERVE_GIB = 1.0
# Prefill activations live for one layer at a time: gate and up projections (2 × intermediate) plus
# residual, normed input, attention output and a spare (4 × hidden) per token, in the activation dtype.
ACTIVATION_INTERMEDIATE_TENSORS = 2
ACTIVATION_HIDDEN_TENSORS = 4
LOGITS_BYTES = 4  # fp32 logits of the last token
# Activations and all-reduce messages are 16-bit unless the whole model runs in fp32.
ACTIVATION_BYTES = {"fp32": 4}
DEFAULT_ACTIVATION_BYTES = 2

# --- Tensor parallel ---------------------------------------------------------------------------------
# Megatron-style tensor parallelism: two all-reduces per layer (after attention, after the MLP).
ALLREDUCES_PER_LAYER = 2
# Small-message all-reduce latency by link, seconds: the order of NCCL's latency in nccl-tests and of
# vLLM's custom all-reduce within one node; an assumption (calibration does not fit it).
ALLREDUCE_LATENCY_S = {"nvlink": 8e-6, "infinity-fabric": 10e-6, "pcie": 25e-6, "none": 0.0}
# The data sheet's per-GPU link bandwidth counts both directions; a ring all-reduce uses one per step.
LINK_DIRECTIONS = 2

# --- Matmul FLOPs ------------------------------------------------------------------------------------
FLOPS_PER_MAC = 2  # one multiply-accumulate = 2 FLOPs
# Attention per token per layer: QKᵀ and AV, each 2 × hidden × context FLOPs.
ATTENTION_FLOPS_PER_HIDDEN_CONTEXT = 4

MAX_BATCH_SIZE = 65_536
MAX_TOKENS = 1_000_000
DEFAULT_BATCH_SIZES = (1, 2, 4, 8, 16, 32, 64, 128)
MS_PER_S = 1e3
US_PER_S = 1e6
FLOP_PER_TFLOP = 1e12
PERCENTILES = (50, 90, 99)

Dtype = Literal["fp32", "bf16", "fp16", "fp8", "int8", "int4"]
KvDtype = Literal["fp32", "bf16", "fp16", "fp8"]
WEIGHT_ONLY_KV_DTYPE = "bf16"  # int8/int4 weight-only models keep a 16-bit KV cache by default


class Efficiency(BaseModel):
    """How close to the roofs the serving stack runs, and its fixed costs per forward pass."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    mbu: Annotated[float, Field(gt=0, le=MAX_EFFICIENCY)] = Field(
        DEFAULT_MBU, description="Decode memory-bandwidth utilization vs data-sheet bandwidth."
    )
    mfu: Annotated[float, Field(gt=0, le=MAX_EFFICIENCY)] = Field(
        DEFAULT_MFU, description="Prefill FLOP utilization vs data-sheet peak."
    )
    decode_mfu: Annotated[float, Field(gt=0, le=MAX_EFFICIENCY)] = Field(
        DEFAULT_DECODE_MFU, description="FLOP utilization of decode's compute roof (large batches)."
    )
    step_overhead_ms: Annotated[float, Field(ge=0, allow_inf_nan=False)] = Field(
        DEFAULT_STEP_OVERHEAD_MS, description="Fixed time per decode step, ms."
    )
    prefill_overhead_ms: Annotated[float, Field(ge=0, allow_inf_nan=False)] = Field(
        DEFAULT_PREFILL_OVERHEAD_MS, description="Fixed time per prefill, ms."
    )
    source: str = Field(
        "published defaults: MBU from gpt-fast (A100, RTX 4090), MFU from TensorRT-LLM A100 TTFT, "
        "overhead assumed",
        description="Where these numbers come from.",
    )


DEFAULT_EFFICIENCY = Efficiency()


class EstimateSettings(BaseModel):
    """What to estimate: parallelism, dtypes, batch sizes and the workload's token counts."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    gpus: Annotated[int, Field(gt=0, le=1024)] | None = Field(
        None, description="Tensor-parallel GPUs per replica (default: the fewest that fit)."
    )
    dtype: Dtype = Field("bf16", description="Weight dtype (int8/int4: weight-only, 16-bit matmuls).")
    kv_dtype: KvDtype | None = Field(None, description="KV-cache dtype (default: the weight dtype, 16-bit for int8/int4).")
    batch_sizes: tuple[Annotated[int, Field(gt=0, le=MAX_BATCH_SIZE)], ...] = Field(
        DEFAULT_BATCH_SIZES, min_length=1, description="Batch sizes to estimate."
    )
    input_tokens: Annotated[int, Field(gt=0, le=MAX_TOKENS)] = Field(
        Workload.model_fields["input_tokens"].default, description="Prompt tokens per request."
    )
    output_tokens: Annotated[int, Field(ge=2, le=MAX_TOKENS)] = Field(
        Workload.model_fields["output_tokens"].default,
        description="Generated tokens per request (≥ 2: TPOT needs a second token).",
    )

    @field_validator("batch_sizes")
    @classmethod
    def _ascending_unique(cls, value: tuple[int, ...]) -> tuple[int, ...]:
        return tuple(sorted(set(value)))

    @property
    def resolved_kv_dtype(self) -> str:
        if self.kv_dtype is not None:
            return self.kv_dtype
        return WEIGHT_ONLY_KV_DTYPE if self.dtype in ("int8", "int4") else self.dtype


# --- Formulas ----------------------------------------------------------------------------------------

def matmul_parameters(arch: ModelArchitecture) -> int:
    """Weights multiplied per generated token: every layer + the LM head (the embedding is a gather)."""
    return arch.non_embedding_parameters


def decode_flops_per_token(arch: ModelArchitecture, context: np.ndarray | float) -> np.ndarray:
    """2·N_matmul + 4·layers·hidden·context FLOPs per sequence per decode step."""
    attention = ATTENTION_FLOPS_PER_HIDDEN_CONTEXT * arch.layers * arch.hidden_size * np.asarray(context, float)
    return FLOPS_PER_MAC * matmul_parameters(arch) + attention


def prefill_flops_per_sequence(arch: ModelArchitecture, tokens: int) -> float:
    """2·N_layers·s + LM head for the last token + causal attention 2·layers·hidden·s(s+1) FLOPs."""
    layers = FLOPS_PER_MAC * arch.layers * arch.layer_parameters * tokens
    head = FLOPS_PER_MAC * arch.vocab_size * arch.hidden_size
    # Σ_{t=1..s} 4·hidden·t per layer = 2·hidden·s(s+1)
    attention = ATTENTION_FLOPS_PER_HIDDEN_CONTEXT / 2 * arch.layers * arch.hidden_size * tokens * (tokens + 1)
    return float(layers + head + attention)


def tensor_parallel_ok(arch: ModelArchitecture, gpus: int) -> bool:
    """Heads and MLP split evenly over `gpus`; KV heads split evenly or are replicated."""
    if arch.attention_heads % gpus or arch.intermediate_size % gpus:
        return False
    return arch.kv_heads % gpus == 0 or gpus % arch.kv_heads == 0


def kv_share_per_gpu(arch: ModelArchitecture, gpus: int) -> float:
    """Share of the KV cache each GPU holds: ceil(kv_heads / N) / kv_heads (heads replicate when N > kv_heads)."""
    return math.ceil(arch.kv_heads / gpus) / arch.kv_heads


def activation_bytes(dtype: str) -> int:
    return ACTIVATION_BYTES.get(dtype, DEFAULT_ACTIVATION_BYTES)


def allreduce_seconds(message_bytes: np.ndarray | float, gpus: int, gpu: GpuSpec) -> np.ndarray:
    """Ring all-reduce: latency + 2(N−1)/N × bytes ÷ one-direction link bandwidth; 0 on one GPU."""
    if gpus == 1:
        return np.zeros_like(np.asarray(message_bytes, float))
    if gpu.interconnect_gb_per_s is None:
        raise ValueError(f"GPU {gpu.name!r} has no interconnect in the catalog: it cannot run tensor parallel")
    per_direction = gpu.interconnect_gb_per_s * GB / LINK_DIRECTIONS
    transfer = 2 * (gpus - 1) / gpus * np.asarray(message_bytes, float) / per_direction
    return ALLREDUCE_LATENCY_S[gpu.interconnect] + transfer


@dataclass(frozen=True)
class Roofline:
    """One model at one dtype on N GPUs of one kind: the per-GPU quantities every formula needs."""

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
        """batch × (2·N_matmul + attention) ÷ N, per GPU per step."""
        return batch * decode_flops_per_token(self.arch, context) / self.gpus

    def decode_step_seconds(self, batch: int, context: np.ndarray | float) -> np.ndarray:
        """max(bytes ÷ (BW·MBU), FLOPs ÷ (peak·decode MFU)) + step overhead + 2·layers all-reduces."""
        memory = self.decode_bytes(batch, context) / self.bandwidth
        compute = self.decode_flops(batch, context) / (self.peak_flop_per_s * self.efficiency.decode_mfu)
        message = batch * self.arch.hidden_size * activation_bytes(self.dtype)
        comm = ALLREDUCES_PER_LAYER * self.arch.layers * allreduce_seconds(message, self.gpus, self.gpu)
        return np.maximum(memory, compute) + self.efficiency.step_overhead_ms / MS_PER_S + comm

    def prefill_flops(self, batch: int, tokens: int) -> float:
        """batch × prefill FLOPs per sequence ÷ N, per GPU."""
        return batch * prefill_flops_per_sequence(self.arch, tokens) / self.gpus

    def prefill_bytes(self, batch: int, tokens: int) -> float:
        """Weights read once + the KV cache written, per GPU."""
        return self.decode_weight_bytes + batch * tokens * self.kv_bytes_per_token

    def prefill_seconds(self, batch: int, tokens: int) -> float:
        """FLOPs ÷ (peak·MFU) + bytes ÷ (BW·MBU) + prefill overhead + 2·layers all-reduces."""
        compute = self.prefill_flops(batch, tokens) / (self.peak_flop_per_s * self.efficiency.mfu)
        memory = self.prefill_bytes(batch, tokens) / self.bandwidth
        message = batch * tokens * self.arch.hidden_size * activation_bytes(self.dtype)
        comm = ALLREDUCES_PER_LAYER * self.arch.layers * float(allreduce_seconds(message, self.gpus, self.gpu))
        return compute + memory + self.efficiency.prefill_overhead_ms / MS_PER_S + comm

    def memory_gib(self, batch: int, input_tokens: int, output_tokens: int) -> float:
        """Per GPU: weights + KV at the full context + prefill activations + runtime reserve, GiB."""
        weights = self.arch.weight_bytes(self.dtype) / self.gpus
        kv = batch * (input_tokens + output_tokens) * self.kv_bytes_per_token
        per_token = (ACTIVATION_INTERMEDIATE_TENSORS * self.arch.intermediate_size
                     + ACTIVATION_HIDDEN_TENSORS * self.arch.hidden_size) * activation_bytes(self.dtype)
        activations = (batch * input_tokens * per_token + batch * self.arch.vocab_size * LOGITS_BYTES) / self.gpus
        return (weights + kv + activations) / GIB + RUNTIME_RESERVE_GIB


def usable_memory_gib(gpu: GpuSpec) -> float | None:
    """Memory a serving engine plans with: memory × min(0.9, the GPU's own limit); None when unknown."""
    if gpu.memory_gib is None:
        return None
    return gpu.memory_gib * min(USABLE_MEMORY_FRACTION, gpu.gpu_memory_fraction or 1.0)


def _check_dtypes(gpu: GpuSpec, dtype: str, kv_dtype: str) -> None:
    gpu.flop_per_s(dtype)  # raises when the GPU has no peak at this dtype
    if kv_dtype not in BYTES_PER_DTYPE:
        raise ValueError(f"unknown KV-cache dtype {kv_dtype!r}")


def minimum_gpus(arch: ModelArchitecture, gpu: GpuSpec, dtype: str, kv_dtype: str,
                 input_tokens: int, output_tokens: int) -> int:
    """Fewest tensor-parallel GPUs (≤ the node's max) that hold batch 1 at the full context; ValueError if none."""
    usable = usable_memory_gib(gpu)
    for n in range(1, gpu.max_gpus + 1):
        if not tensor_parallel_ok(arch, n):
            continue
        roof = Roofline(arch, gpu, n, dtype, kv_dtype, DEFAULT_EFFICIENCY)
        if usable is None or roof.memory_gib(1, input_tokens, output_tokens) <= usable:
            return n
    raise ValueError(
        f"{arch.name} at {dtype} does not fit on {gpu.max_gpus} {gpu.name} GPU(s) "
        f"(weights {arch.weight_bytes(dtype) / GIB:.1f} GiB, usable {usable:.1f} GiB per GPU)"
    )


def _flat(seconds: float) -> Percentiles:
    ms = float(seconds) * MS_PER_S
    return Percentiles(p50=ms, p90=ms, p99=ms, mean=ms)


def _spread(seconds: np.ndarray) -> Percentiles:
    ms = np.asarray(seconds, float) * MS_PER_S
    p50, p90, p99 = (float(v) for v in np.percentile(ms, PERCENTILES))
    return Percentiles(p50=p50, p90=p90, p99=p99, mean=float(ms.mean()))


def estimate_point(roof: Roofline, batch: int, input_tokens: int, output_tokens: int) -> Point:
    """One batch size: TTFT, every decode step (context input+1 … input+output−1), E2E, throughput, memory."""
    memory = roof.memory_gib(batch, input_tokens, output_tokens)
    usable = usable_memory_gib(roof.gpu)
    if usable is not None and memory > usable:
        return Point(batch_size=batch, oom=True, analytic_memory_gib=memory)
    ttft = roof.prefill_seconds(batch, input_tokens)
    contexts = input_tokens + np.arange(1, output_tokens)
    steps = roof.decode_step_seconds(batch, contexts)
    decode = float(steps.sum())
    e2e = ttft + decode
    decode_steps = output_tokens - 1
    bytes_per_s = float(roof.decode_bytes(batch, contexts).sum()) / decode
    prefill_flop_per_s = roof.prefill_flops(batch, input_tokens) / ttft
    return Point(
        batch_size=batch,
        ttft_ms=_flat(ttft),
        tpot_ms=_flat(decode / decode_steps),
        itl_ms=_spread(steps),
        e2e_ms=_flat(e2e),
        prefill_tokens_per_s=batch * input_tokens / ttft,
        decode_tokens_per_s=batch * decode_steps / decode,
        decode_tokens_per_s_per_sequence=decode_steps / decode,
        requests_per_s=batch / e2e,
        analytic_memory_gib=memory,
        mbu_spec=bytes_per_s / (roof.gpu.bandwidth_gb_per_s * GB),
        mfu_spec=prefill_flop_per_s / roof.peak_flop_per_s,
    )


def _assumptions(roof: Roofline, settings: EstimateSettings, usable: float | None, auto_gpus: bool) -> list[str]:
    eff, gpu = roof.efficiency, roof.gpu
    out = [
        "ESTIMATE from a roofline model, not a measurement.",
        f"Efficiencies: MBU {eff.mbu:.3g}, prefill MFU {eff.mfu:.3g}, decode MFU {eff.decode_mfu:.3g}, "
        f"overhead {eff.step_overhead_ms:.3g} ms per decode step and {eff.prefill_overhead_ms:.3g} ms per prefill "
        f"(source: {eff.source}).",
        f"Peaks from the GPU catalog ({gpu.source}, {gpu.as_of}): {gpu.bandwidth_gb_per_s:g} GB/s, "
        f"{roof.peak_flop_per_s / FLOP_PER_TFLOP:g} TFLOP/s dense at {settings.dtype}.",
        "Decode step = max(bytes ÷ (bandwidth × MBU), FLOPs ÷ (peak × decode MFU)) + overhead; bytes = "
        "non-embedding weights + LM head + KV cache read at the step's context; every output step computed.",
        "Prefill = FLOPs ÷ (peak × MFU) + weights read ÷ (bandwidth × MBU) + overhead; FLOPs = 2·N·tokens + "
        "causal attention + LM head for the last token only.",
        "Static batches: every sequence of a batch starts together (TTFT = the whole batch's prefill), "
        "as the profiler measures; no continuous batching, prefix caching or speculative decoding.",
        f"Weights {settings.dtype}, KV cache {roof.kv_dtype}"
        + (" (weight-only quantization: matmuls at the 16-bit peak)" if settings.dtype in ("int8", "int4") else "")
        + ".",
        f"Memory per GPU = weights + KV cache at {settings.input_tokens + settings.output_tokens} tokens + prefill "
        f"activations + {RUNTIME_RESERVE_GIB:g} GiB runtime reserve; usable "
        + (f"{usable:.1f} GiB ({min(USABLE_MEMORY_FRACTION, gpu.gpu_memory_fraction or 1.0):.0%} of "
           f"{gpu.memory_gib:g} GiB)" if usable is not None else "unknown (no OOM check)")
        + "; batches above it are oom.",
        "No distribution: p50 = p90 = p99 = mean for TTFT, TPOT and E2E; ITL percentiles only reflect the "
        "growing context.",
    ]
    if roof.gpus > 1:
        latency_us = ALLREDUCE_LATENCY_S[gpu.interconnect] * US_PER_S
        out.append(
            f"Tensor parallel over {roof.gpus} GPUs ({'fewest that fit' if auto_gpus else 'as asked'}): weights, "
            f"FLOPs and KV heads split evenly; {ALLREDUCES_PER_LAYER} ring all-reduces per layer, each "
            f"{latency_us:g} µs + 2(N−1)/N × message ÷ {gpu.interconnect_gb_per_s / LINK_DIRECTIONS:g} GB/s "
            f"({gpu.interconnect}); no overlap of communication with compute."
        )
    return out


def estimate_profile(
    model: ModelArchitecture | str,
    gpu: GpuSpec | str,
    settings: EstimateSettings | None = None,
    efficiency: Efficiency = DEFAULT_EFFICIENCY,
    command: str | None = None,
    created_at: str | None = None,
) -> Profile:
    """A Profile with provenance 'estimated' for `model` on `gpu` at every batch size of `settings`."""
    settings = settings or EstimateSettings()
    arch = model_preset(model) if isinstance(model, str) else model
    spec = gpu_spec(gpu) if isinstance(gpu, str) else gpu
    kv_dtype = settings.resolved_kv_dtype
    _check_dtypes(spec, settings.dtype, kv_dtype)
    needed = minimum_gpus(arch, spec, settings.dtype, kv_dtype, settings.input_tokens, settings.output_tokens)
    gpus = settings.gpus if settings.gpus is not None else needed
    if gpus > spec.max_gpus:
        raise ValueError(f"--gpus {gpus}: a {spec.name} node holds at most {spec.max_gpus}")
    if not tensor_parallel_ok(arch, gpus):
        raise ValueError(
            f"--gpus {gpus} does not divide {arch.name}'s {arch.attention_heads} heads / "
            f"{arch.kv_heads} KV heads / {arch.intermediate_size} MLP width evenly"
        )
    if gpus < needed:
        raise ValueError(
            f"{arch.name} at {settings.dtype} needs at least {needed} {spec.name} GPU(s) "
            f"(weights {arch.weight_bytes(settings.dtype) / GIB:.1f} GiB, usable "
            f"{usable_memory_gib(spec):.1f} GiB per GPU); got --gpus {gpus}"
        )
    roof = Roofline(arch, spec, gpus, settings.dtype, kv_dtype, efficiency)
    points = [estimate_point(roof, b, settings.input_tokens, settings.output_tokens) for b in settings.batch_sizes]
    usable = usable_memory_gib(spec)
    notes = [f"Minimum GPUs for {arch.name} at {settings.dtype} on {spec.name}: {needed}."]
    oom = [p.batch_size for p in points if p.oom]
    if oom:
        notes.append(f"Batch sizes that do not fit: {', '.join(map(str, oom))} (oom).")
    in_catalog = gpu_catalog().get(spec.name) == spec
    price = gpu_usd_per_hour(spec.name) if in_catalog else None
    if price is not None:
        notes.append(f"Typical price: ${price[0]:.2f} per GPU-hour ({price[1]}, econ price table).")
    return Profile(
        provenance="estimated",
        created_at=created_at or dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        model=ModelInfo(
            name=arch.name, parameters=arch.parameters, dtype=settings.dtype, source="catalog",
            layers=arch.layers, hidden_size=arch.hidden_size, attention_heads=arch.attention_heads,
            kv_heads=arch.kv_heads, head_dim=arch.head_dim, intermediate_size=arch.intermediate_size,
            vocab_size=arch.vocab_size, tied_embeddings=arch.tied_embeddings,
            weights_bytes=arch.weight_bytes(settings.dtype),
            kv_cache_bytes_per_token=arch.kv_cache_bytes_per_token(kv_dtype),
        ),
        hardware=Hardware(
            device="estimate", name=spec.name, gpu_count=float(gpus), memory_gib=spec.memory_gib,
            bandwidth_gb_per_s_spec=spec.bandwidth_gb_per_s, flop_per_s_spec=roof.peak_flop_per_s,
            catalog_name=spec.name if in_catalog else None,
        ),
        workload=WorkloadShape(input_tokens=settings.input_tokens, output_tokens=settings.output_tokens),
        points=points,
        environment=Environment(command=command) if command else None,
        assumptions=_assumptions(roof, settings, usable, settings.gpus is None),
        notes=notes,
    )
