"""Peak memory of a phase: CUDA's peak counters, MPS and CPU sampled in a background thread.

Imports torch and psutil (measuring commands only). CUDA: `reset_peak_memory_stats` then
`max_memory_allocated` / `max_memory_reserved`. MPS has no peak API: `current_allocated_memory` and
`driver_allocated_memory` are sampled. CPU: the process RSS is sampled (tracemalloc cannot see tensors).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import psutil
import torch

GIB = 2**30
# Sampling period of the MPS/CPU sampler: short enough to catch a prefill's peak, cheap enough not to
# disturb the measured run (one /proc read per period).
SAMPLE_PERIOD_S = 0.005


@dataclass(frozen=True)
class PeakMemory:
    """Peak allocated (CUDA/MPS) or resident (CPU) memory, and CUDA's peak reserved, GiB."""

    allocated_gib: float
    reserved_gib: float | None


class MemoryTracker:
    """Context manager: `with MemoryTracker(device) as tracker: ...` then `tracker.peak`."""

    def __init__(self, device: str):
        self.device = device
        self.peak: PeakMemory | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._max_bytes = 0
        self._max_driver_bytes = 0

    def _sample(self) -> None:
        if self.device == "mps":
            self._max_bytes = max(self._max_bytes, torch.mps.current_allocated_memory())
            self._max_driver_bytes = max(self._max_driver_bytes, torch.mps.driver_allocated_memory())
        else:
            self._max_bytes = max(self._max_bytes, self._process.memory_info().rss)

    def _loop(self) -> None:
        while not self._stop.wait(SAMPLE_PERIOD_S):
            self._sample()

    def __enter__(self) -> MemoryTracker:
        if self.device == "cuda":
            torch.cuda.synchronize()
            torch.cuda.reset_peak_memory_stats()
        else:
            self._process = psutil.Process()
            self._sample()
            self._thread = threading.Thread(target=self._loop, name="memory-sampler", daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        if self.device == "cuda":
            torch.cuda.synchronize()
            self.peak = PeakMemory(torch.cuda.max_memory_allocated() / GIB,
                                   torch.cuda.max_memory_reserved() / GIB)
            return
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        self._sample()
        reserved = self._max_driver_bytes / GIB if self.device == "mps" else None
        self.peak = PeakMemory(self._max_bytes / GIB, reserved)


def total_memory_gib(device: str) -> float:
    """Device memory (CUDA), the recommended working set (MPS) or the machine's RAM (CPU), GiB."""
    if device == "cuda":
        return torch.cuda.get_device_properties(torch.cuda.current_device()).total_memory / GIB
    if device == "mps":
        return torch.mps.recommended_max_memory() / GIB
    return psutil.virtual_memory().total / GIB


def available_memory_gib(device: str) -> float:
    """Memory a new allocation can still get, GiB."""
    if device == "cuda":
        free, _total = torch.cuda.mem_get_info()
        return free / GIB
    if device == "mps":
        return max(0.0, (torch.mps.recommended_max_memory() - torch.mps.driver_allocated_memory()) / GIB)
    return psutil.virtual_memory().available / GIB
