"""Tensor parallelism in the roofline: how a model splits over N GPUs and what its all-reduces cost.

Torch-free: imports numpy, `econ.base.units`, the model and GPU catalogs. Megatron-style tensor parallelism:
heads and MLP columns split evenly, KV heads split or replicate, two all-reduces per layer.
"""

from __future__ import annotations

import math

import numpy as np

from econ.base.units import GB
from profiles.catalog import ModelArchitecture
from profiles.gpu_catalog import GpuSpec

# Megatron-style tensor parallelism: two all-reduces per layer (after attention, after the MLP).
ALLREDUCES_PER_LAYER = 2
# Small-message all-reduce latency by link, seconds: the order of NCCL's latency in nccl-tests and of
# vLLM's custom all-reduce within one node; an assumption (calibration does not fit it).
ALLREDUCE_LATENCY_S = {"nvlink": 8e-6, "infinity-fabric": 10e-6, "pcie": 25e-6, "none": 0.0}
# The data sheet's per-GPU link bandwidth counts both directions; a ring all-reduce uses one per step.
LINK_DIRECTIONS = 2
# Share of that one-direction bandwidth an inference engine's all-reduce reaches at the 2–35 MB messages
# of a prefill: fitted with the prefill defaults on TensorRT-LLM v0.9's TP4/TP8 rows
# (profiles/analytic/efficiency.py); a single-device calibration cannot fit it.
ALLREDUCE_LINK_EFFICIENCY = 0.6
# Activations and all-reduce messages are 16-bit unless the whole model runs in fp32.
ACTIVATION_BYTES = {"fp32": 4}
DEFAULT_ACTIVATION_BYTES = 2


def tensor_parallel_ok(arch: ModelArchitecture, gpus: int) -> bool:
    """Heads and MLP split evenly over `gpus`; KV heads split evenly or are replicated."""
    if arch.attention_heads % gpus or arch.intermediate_size % gpus:
        return False
    return arch.kv_heads % gpus == 0 or gpus % arch.kv_heads == 0


def kv_share_per_gpu(arch: ModelArchitecture, gpus: int) -> float:
    """Share of the KV cache each GPU holds: ceil(kv_heads / N) / kv_heads (heads replicate when N >
    kv_heads)."""
    return math.ceil(arch.kv_heads / gpus) / arch.kv_heads


def activation_bytes(dtype: str) -> int:
    return ACTIVATION_BYTES.get(dtype, DEFAULT_ACTIVATION_BYTES)


def allreduce_seconds(message_bytes: np.ndarray | float, gpus: int, gpu: GpuSpec) -> np.ndarray:
    """Ring all-reduce: latency + 2(N−1)/N × bytes ÷ (one-direction link bandwidth × link efficiency); 0 on
    one GPU."""
    if gpus == 1:
        return np.zeros_like(np.asarray(message_bytes, float))
    if gpu.interconnect_gb_per_s is None:
        raise ValueError(
            f"GPU {gpu.name!r} has no interconnect in the catalog: it cannot run tensor parallel")
    per_direction = gpu.interconnect_gb_per_s * GB / LINK_DIRECTIONS * ALLREDUCE_LINK_EFFICIENCY
    transfer = 2 * (gpus - 1) / gpus * np.asarray(message_bytes, float) / per_direction
    return ALLREDUCE_LATENCY_S[gpu.interconnect] + transfer
