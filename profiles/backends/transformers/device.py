"""The device a measurement runs on: picking it, its dtypes, waiting for it, and timing steps on it.

Imports torch (only ever imported by the measuring commands). Timing waits for the device: CUDA
events read after one synchronize, `torch.mps.synchronize()` before each MPS timestamp, plain
`perf_counter` on CPU (CPU ops return when done).
"""

from __future__ import annotations

import gc
import platform
import subprocess
import time

import torch

from profiles.host import cpu_name

TORCH_DTYPES = {"fp32": torch.float32, "bf16": torch.bfloat16, "fp16": torch.float16}
# A GPU runs in bf16 by default (what serving uses); a CPU in fp32 (its bf16/fp16 kernels are slower on most
# CPUs).
DEFAULT_GPU_DTYPE = "bf16"
DEFAULT_CPU_DTYPE = "fp32"
S_PER_MS = 1e-3
# sysctl answers at once; never let it hold a measurement up.
SYSCTL_TIMEOUT_S = 5
# Out-of-memory errors that are not torch.OutOfMemoryError: MPS and the CPU allocator raise RuntimeError.
OOM_MESSAGES = ("out of memory", "can't allocate memory", "cannot allocate memory")


def mps_available() -> bool:
    return bool(getattr(torch.backends, "mps", None) and torch.backends.mps.is_available())


def resolve_device(requested: str) -> str:
    """auto → cuda, mps or cpu (first available); a device that is not there → ValueError naming --device."""
    if requested == "auto":
        if torch.cuda.is_available():
            return "cuda"
        return "mps" if mps_available() else "cpu"
    if requested == "cuda" and not torch.cuda.is_available():
        build = f"CUDA {torch.version.cuda}" if torch.version.cuda else "without CUDA"
        raise ValueError(
            f"--device cuda: no CUDA device is available (torch {torch.__version__} built {build})")
    if requested == "mps" and not mps_available():
        raise ValueError("--device mps: Apple MPS is not available on this machine")
    return requested


def resolve_dtype(requested: str | None, device: str) -> str:
    """The dtype name to run at: the requested one, or the device's default."""
    if requested is not None:
        return requested
    return DEFAULT_CPU_DTYPE if device == "cpu" else DEFAULT_GPU_DTYPE


def synchronize(device: str) -> None:
    """Wait until every queued operation on the device has finished."""
    if device == "cuda":
        torch.cuda.synchronize()
    elif device == "mps":
        torch.mps.synchronize()


def device_name(device: str) -> str:
    """Name of the device as the driver reports it."""
    if device == "cuda":
        return torch.cuda.get_device_name()
    if device == "mps":
        return f"{mac_chip_name()} GPU (MPS)"
    return cpu_name()


def mac_chip_name() -> str:
    """The Apple chip (e.g. 'Apple M2 Max') from sysctl, else the machine architecture."""
    try:
        result = subprocess.run(["sysctl", "-n", "machdep.cpu.brand_string"], capture_output=True, text=True,
                                timeout=SYSCTL_TIMEOUT_S, check=True)
        return result.stdout.strip() or platform.machine()
    except (OSError, subprocess.SubprocessError):
        return platform.machine()


def is_oom(exc: BaseException) -> bool:
    """Whether an exception means the device ran out of memory."""
    if isinstance(exc, torch.OutOfMemoryError):
        return True
    return isinstance(exc, RuntimeError) and any(m in str(exc).lower() for m in OOM_MESSAGES)


def free_memory(device: str) -> None:
    """Release cached allocations after a batch (an OOM in particular)."""
    gc.collect()
    if device == "cuda":
        torch.cuda.empty_cache()
    elif device == "mps":
        torch.mps.empty_cache()


class StepClock:
    """Timestamps of consecutive steps, in seconds from `start()`, measured the way the device needs."""

    def __init__(self, device: str, marks: int):
        self.device = device
        self.marks = marks
        self._times: list[float] = []
        if device == "cuda":
            self._events = [torch.cuda.Event(enable_timing=True) for _ in range(marks + 1)]
        self._index = 0

    def start(self) -> None:
        self._index = 0
        if self.device == "cuda":
            self._events[0].record()
        else:
            synchronize(self.device)
            self._times = [time.perf_counter()]

    def mark(self) -> None:
        """Call right after a step is queued; CUDA records an event, MPS waits, CPU reads the clock."""
        if self.device == "cuda":
            self._index += 1
            self._events[self._index].record()
        else:
            if self.device == "mps":
                torch.mps.synchronize()
            self._times.append(time.perf_counter())

    def finish(self) -> list[float]:
        """Seconds from start to each mark."""
        if self.device == "cuda":
            torch.cuda.synchronize()
            first = self._events[0]
            return [first.elapsed_time(e) * S_PER_MS for e in self._events[1:self._index + 1]]
        t0 = self._times[0]
        return [t - t0 for t in self._times[1:]]
