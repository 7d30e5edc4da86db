"""Microbenchmarks of the device: achievable memory bandwidth (large copy) and matmul FLOP/s per dtype.

Imports torch (measuring commands only). These are the "measured peaks" MBU and MFU are computed
against. Each figure is the best of several timed repetitions (a peak, not an average), timed with
CUDA events or synchronize as `profiles.backends.transformers.device` does.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import torch

from profiles.backends.transformers.device import TORCH_DTYPES, device_name, synchronize
from profiles.backends.transformers.memory import total_memory_gib

GB = 1e9  # bandwidth in GB/s = 1e9 bytes/s (DESIGN.md conventions)
MIB = 2**20
# Copy buffer: far larger than any CPU last-level cache (≤ a few hundred MiB) or GPU L2 (≤ ~100 MiB).
COPY_MIB = {"cuda": 1024, "mps": 512, "cpu": 256}
# Square matmul size: large enough to reach a device's peak, small enough to run in well under a second.
MATMUL_N = {"cuda": 8192, "mps": 4096, "cpu": 1024}
# Timed repetitions (best one kept); stopped early once a figure has used its time budget.
REPETITIONS = 10
BUDGET_S = 1.0
# A copy reads every byte once and writes it once.
COPY_BYTES_PER_ELEMENT_FACTOR = 2


@dataclass(frozen=True)
class HardwareMeasurement:
    """What `hw` measured on one device."""

    device: str
    name: str
    memory_gib: float
    bandwidth_gb_per_s: float
    flop_per_s: dict[str, float] = field(default_factory=dict)  # by dtype name


def _best_seconds(device: str, fn) -> float:
    """Shortest time of up to REPETITIONS calls of fn (after one untimed warm-up), within BUDGET_S."""
    fn()
    synchronize(device)
    best = float("inf")
    spent = 0.0
    for _ in range(REPETITIONS):
        if device == "cuda":
            start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
            start.record()
            fn()
            end.record()
            end.synchronize()
            seconds = start.elapsed_time(end) / 1e3
        else:
            t0 = time.perf_counter()
            fn()
            synchronize(device)
            seconds = time.perf_counter() - t0
        best = min(best, seconds)
        spent += seconds
        if spent > BUDGET_S:
            break
    return best


def copy_bandwidth_gb_per_s(device: str) -> float:
    """2 × bytes / time of copying a COPY_MIB buffer (read + write), GB/s."""
    elements = COPY_MIB[device] * MIB // 4
    src = torch.ones(elements, dtype=torch.float32, device=device)
    dst = torch.empty_like(src)
    seconds = _best_seconds(device, lambda: dst.copy_(src))
    return COPY_BYTES_PER_ELEMENT_FACTOR * elements * 4 / seconds / GB


def matmul_flop_per_s(device: str, dtype: str) -> float:
    """2·n³ / time of an n×n matmul at dtype, FLOP/s."""
    n = MATMUL_N[device]
    a = torch.randn(n, n, device=device).to(TORCH_DTYPES[dtype])
    b = torch.randn(n, n, device=device).to(TORCH_DTYPES[dtype])
    seconds = _best_seconds(device, lambda: torch.mm(a, b))
    return 2 * n**3 / seconds


@torch.inference_mode()
def measure_hardware(device: str, dtypes: tuple[str, ...] = tuple(TORCH_DTYPES)) -> HardwareMeasurement:
    """Bandwidth and matmul FLOP/s for each dtype in `dtypes` on `device`."""
    flops = {dtype: matmul_flop_per_s(device, dtype) for dtype in dtypes}
    return HardwareMeasurement(
        device=device, name=device_name(device), memory_gib=total_memory_gib(device),
        bandwidth_gb_per_s=copy_bandwidth_gb_per_s(device), flop_per_s=flops,
    )
