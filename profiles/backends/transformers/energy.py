"""Energy on NVIDIA GPUs from NVML's total-energy counter (millijoules since driver load).

Imports pynvml lazily; when it is missing, or the GPU has no energy counter, every reading is None
and nothing fails. Read it before and after a synchronized window of at least a second: sampling
power instead misses most of a run on recent GPUs (DESIGN.md).
"""

from __future__ import annotations

MJ_PER_J = 1000.0
# The energy counter updates every few tens of ms; below a second the difference is mostly noise.
MIN_WINDOW_S = 1.0


class EnergyCounter:
    """`EnergyCounter(index).read_j()` → joules since driver load, or None without NVML."""

    def __init__(self, device_index: int = 0):
        self._handle = None
        try:
            import pynvml

            pynvml.nvmlInit()
            handle = pynvml.nvmlDeviceGetHandleByIndex(device_index)
            pynvml.nvmlDeviceGetTotalEnergyConsumption(handle)
            self._nvml, self._handle = pynvml, handle
        except Exception:  # no pynvml, no NVIDIA driver, or a GPU without the counter: no energy, no failure
            self._handle = None

    @property
    def available(self) -> bool:
        return self._handle is not None

    def read_j(self) -> float | None:
        if self._handle is None:
            return None
        try:
            return self._nvml.nvmlDeviceGetTotalEnergyConsumption(self._handle) / MJ_PER_J
        except Exception:  # the counter vanished mid-run (driver reset): report no energy
            return None


def driver_version() -> str | None:
    """NVIDIA driver version via NVML, or None."""
    try:
        import pynvml

        pynvml.nvmlInit()
        version = pynvml.nvmlSystemGetDriverVersion()
        return version.decode() if isinstance(version, bytes) else str(version)
    except Exception:  # no NVML: the environment block just lacks the driver
        return None


def joules_per_token(start_j: float | None, end_j: float | None, window_s: float,
                     tokens: int) -> float | None:
    """(end − start) / tokens when both readings exist and the window is at least MIN_WINDOW_S."""
    if start_j is None or end_j is None or window_s < MIN_WINDOW_S or tokens <= 0 or end_j < start_j:
        return None
    return (end_j - start_j) / tokens
