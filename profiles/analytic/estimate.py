"""The roofline estimator: a profile for a model on hardware you don't have, labelled `estimated`.

Torch-free: imports numpy, pydantic, `econ` (profile schema, workload defaults, units), the catalogs and
the analytic roofline, efficiency and tensor-parallel modules. Per GPU of a tensor-parallel group of N
(`profiles.analytic.roofline.Roofline`):

- decode step = max(bytes ÷ (bandwidth × MBU), FLOPs ÷ (peak × decode MFU)) + step overhead + all-reduces;
  every step of the output is computed (context grows).
- prefill = FLOPs ÷ (peak × mfu) + weights read ÷ data-sheet bandwidth + layers × fixed time per layer +
  overhead + all-reduces: short prompts give small GEMMs that hide neither the weight read nor the per-layer
  kernel costs, so they reach a small share of the peak (`profiles.analytic.efficiency`).
- memory = weights + KV cache at the full context + prefill activations + a runtime reserve; a batch
  whose memory exceeds the usable share of the GPU is marked oom.

Default efficiencies come from published measurements (`profiles.analytic.efficiency`, with their
arithmetic); `profiles.analytic.calibrate` fits them from a measured profile instead. No printing.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, field_validator

from econ.base.units import GB, GIB
from econ.model.profile import (
    Environment,
    Hardware,
    ModelInfo,
    Percentiles,
    Point,
    Profile,
    WorkloadShape,
)
from econ.model.scenario import Workload
from profiles.analytic.efficiency import (  # noqa: F401  (re-exported: the estimator's public names)
    DEFAULT_EFFICIENCY,
    MAX_EFFICIENCY,
    Efficiency,
    default_efficiency,
)
from profiles.analytic.parallel import (
    ALLREDUCE_LATENCY_S,
    ALLREDUCE_LINK_EFFICIENCY,
    ALLREDUCES_PER_LAYER,
    LINK_DIRECTIONS,
    tensor_parallel_ok,
)
from profiles.analytic.roofline import MS_PER_S, RUNTIME_RESERVE_GIB, Roofline
from profiles.catalog import BYTES_PER_DTYPE, ModelArchitecture, model_preset
from profiles.gpu_catalog import GpuSpec, gpu_catalog, gpu_spec, gpu_usd_per_hour

# Share of device memory a serving engine plans with: vLLM's default gpu_memory_utilization = 0.9.
USABLE_MEMORY_FRACTION = 0.9
MAX_BATCH_SIZE = 65_536
MAX_TOKENS = 1_000_000
DEFAULT_BATCH_SIZES = (1, 2, 4, 8, 16, 32, 64, 128)
US_PER_S = 1e6
FLOP_PER_TFLOP = 1e12
PERCENTILES = (50, 90, 99)

Dtype = Literal["fp32", "bf16", "fp16", "fp8", "int8", "int4"]
KvDtype = Literal["fp32", "bf16", "fp16", "fp8"]
WEIGHT_ONLY_KV_DTYPE = "bf16"  # int8/int4 weight-only models keep a 16-bit KV cache by default


class EstimateSettings(BaseModel):
    """What to estimate: parallelism, dtypes, batch sizes and the workload's token counts."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    gpus: Annotated[int, Field(gt=0, le=1024)] | None = Field(
        None, description="Tensor-parallel GPUs per replica (default: the fewest that fit)."
    )
    dtype: Dtype = Field("bf16", description="Weight dtype (int8/int4: weight-only, 16-bit matmuls).")
    kv_dtype: KvDtype | None = Field(
        None, description="KV-cache dtype (default: the weight dtype, 16-bit for int8/int4).")
    batch_sizes: tuple[Annotated[int, Field(gt=0, le=MAX_BATCH_SIZE)], ...] = Field(
        DEFAULT_BATCH_SIZES, min_length=1, description="Batch sizes to estimate.")
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
    """Fewest tensor-parallel GPUs (≤ the node's max) holding batch 1 at the full context, else ValueError."""
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


def _memory_assumption(roof: Roofline, settings: EstimateSettings, usable: float | None) -> str:
    gpu = roof.gpu
    limit = (f"{usable:.1f} GiB ({min(USABLE_MEMORY_FRACTION, gpu.gpu_memory_fraction or 1.0):.0%} of "
             f"{gpu.memory_gib:g} GiB)" if usable is not None else "unknown (no OOM check)")
    return (f"Memory per GPU = weights + KV cache at {settings.input_tokens + settings.output_tokens} "
            f"tokens + prefill activations + {RUNTIME_RESERVE_GIB:g} GiB runtime reserve; usable {limit}; "
            "batches above it are oom.")


def _tensor_parallel_assumption(roof: Roofline, auto_gpus: bool) -> str:
    gpu = roof.gpu
    latency_us = ALLREDUCE_LATENCY_S[gpu.interconnect] * US_PER_S
    return (f"Tensor parallel over {roof.gpus} GPUs ({'fewest that fit' if auto_gpus else 'as asked'}): "
            f"weights, FLOPs and KV heads split evenly; {ALLREDUCES_PER_LAYER} ring all-reduces per layer, "
            f"each {latency_us:g} µs + 2(N−1)/N × message ÷ "
            f"({gpu.interconnect_gb_per_s / LINK_DIRECTIONS:g} GB/s × {ALLREDUCE_LINK_EFFICIENCY:g}) "
            f"({gpu.interconnect}); no overlap of communication with compute.")


def _assumptions(roof: Roofline, settings: EstimateSettings, usable: float | None,
                 auto_gpus: bool) -> list[str]:
    eff, gpu = roof.efficiency, roof.gpu
    quantized = settings.dtype in ("int8", "int4")
    weight_only = " (weight-only quantization: matmuls at the 16-bit peak)" if quantized else ""
    out = [
        "ESTIMATE from a roofline model, not a measurement.",
        f"Efficiencies: MBU {eff.mbu:.3g}, prefill MFU {eff.mfu:.3g} + {eff.prefill_layer_ms:.3g} ms per "
        f"layer, decode MFU {eff.decode_mfu:.3g}, overhead {eff.step_overhead_ms:.3g} ms "
        f"per decode step and {eff.prefill_overhead_ms:.3g} ms per prefill (source: {eff.source}).",
        f"Peaks from the GPU catalog ({gpu.source}, {gpu.as_of}): {gpu.bandwidth_gb_per_s:g} GB/s, "
        f"{roof.peak_flop_per_s / FLOP_PER_TFLOP:g} TFLOP/s dense at {settings.dtype}.",
        "Decode step = max(bytes ÷ (bandwidth × MBU), FLOPs ÷ (peak × decode MFU)) + overhead; bytes = "
        "non-embedding weights + LM head + KV cache read at the step's context; every output step computed.",
        "Prefill = FLOPs ÷ (peak × MFU) + weights read ÷ data-sheet bandwidth + layers × fixed time per "
        "layer + overhead; FLOPs = 2·N·tokens + causal attention + LM head for the last token only.",
        "Static batches: every sequence of a batch starts together (TTFT = the whole batch's prefill), "
        "as the profiler measures; no continuous batching, prefix caching or speculative decoding.",
        f"Weights {settings.dtype}, KV cache {roof.kv_dtype}{weight_only}.",
        _memory_assumption(roof, settings, usable),
        "No distribution: p50 = p90 = p99 = mean for TTFT, TPOT and E2E; ITL percentiles only reflect the "
        "growing context.",
    ]
    if roof.gpus > 1:
        out.append(_tensor_parallel_assumption(roof, auto_gpus))
    return out


def resolve_gpus(arch: ModelArchitecture, spec: GpuSpec, settings: EstimateSettings) -> tuple[int, int]:
    """(GPUs to estimate on, the fewest that fit); a ValueError naming --gpus if the asked number fails."""
    kv_dtype = settings.resolved_kv_dtype
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
    return gpus, needed


def _notes(arch: ModelArchitecture, spec: GpuSpec, settings: EstimateSettings, needed: int,
           points: list[Point], in_catalog: bool) -> list[str]:
    notes = [f"Minimum GPUs for {arch.name} at {settings.dtype} on {spec.name}: {needed}."]
    oom = [p.batch_size for p in points if p.oom]
    if oom:
        notes.append(f"Batch sizes that do not fit: {', '.join(map(str, oom))} (oom).")
    price = gpu_usd_per_hour(spec.name) if in_catalog else None
    if price is not None:
        notes.append(f"Typical price: ${price[0]:.2f} per GPU-hour ({price[1]}, econ price table).")
    return notes


def _model_info(arch: ModelArchitecture, dtype: str, kv_dtype: str) -> ModelInfo:
    return ModelInfo(
        name=arch.name, parameters=arch.parameters, dtype=dtype, source="catalog",
        layers=arch.layers, hidden_size=arch.hidden_size, attention_heads=arch.attention_heads,
        kv_heads=arch.kv_heads, head_dim=arch.head_dim, intermediate_size=arch.intermediate_size,
        vocab_size=arch.vocab_size, tied_embeddings=arch.tied_embeddings,
        weights_bytes=arch.weight_bytes(dtype),
        kv_cache_bytes_per_token=arch.kv_cache_bytes_per_token(kv_dtype),
    )


def estimate_profile(
    model: ModelArchitecture | str,
    gpu: GpuSpec | str,
    settings: EstimateSettings | None = None,
    efficiency: Efficiency | None = None,
    command: str | None = None,
    created_at: str | None = None,
) -> Profile:
    """A Profile with provenance 'estimated' for `model` on `gpu` at every batch size of `settings`.

    Without `efficiency`, the published defaults for the weight dtype (`default_efficiency`).
    """
    settings = settings or EstimateSettings()
    arch = model_preset(model) if isinstance(model, str) else model
    spec = gpu_spec(gpu) if isinstance(gpu, str) else gpu
    kv_dtype = settings.resolved_kv_dtype
    _check_dtypes(spec, settings.dtype, kv_dtype)
    gpus, needed = resolve_gpus(arch, spec, settings)
    roof = Roofline(arch, spec, gpus, settings.dtype, kv_dtype,
                    efficiency or default_efficiency(settings.dtype))
    points = [
        estimate_point(roof, b, settings.input_tokens, settings.output_tokens) for b in settings.batch_sizes]
    in_catalog = gpu_catalog().get(spec.name) == spec
    return Profile(
        provenance="estimated",
        created_at=created_at or dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        model=_model_info(arch, settings.dtype, kv_dtype),
        hardware=Hardware(
            device="estimate", name=spec.name, gpu_count=float(gpus), memory_gib=spec.memory_gib,
            bandwidth_gb_per_s_spec=spec.bandwidth_gb_per_s, flop_per_s_spec=roof.peak_flop_per_s,
            catalog_name=spec.name if in_catalog else None,
        ),
        workload=WorkloadShape(input_tokens=settings.input_tokens, output_tokens=settings.output_tokens),
        points=points,
        environment=Environment(command=command) if command else None,
        assumptions=_assumptions(roof, settings, usable_memory_gib(spec), settings.gpus is None),
        notes=_notes(arch, spec, settings, needed, points, in_catalog),
    )
