"""The environment block of a profile: device, driver, library versions, dtype, threads, project commit.

Imports torch and transformers (measuring commands only), the standard library, and NVML through
`profiles.backends.transformers.energy` when it is there.
"""

from __future__ import annotations

import platform

import torch
import transformers

from econ.model.profile import Environment
from profiles.backends.transformers.energy import driver_version
from profiles.host import cpu_name, git_commit


def device_driver(device: str) -> str | None:
    """CUDA runtime and NVIDIA driver, or the macOS version under MPS; None on CPU."""
    if device == "cuda":
        driver = driver_version()
        runtime = f"CUDA {torch.version.cuda}" if torch.version.cuda else f"HIP {torch.version.hip}"
        return f"{runtime}, driver {driver}" if driver else runtime
    if device == "mps":
        return f"macOS {platform.mac_ver()[0]}"
    return None


def collect_environment(device: str, compiled: bool, command: str | None) -> Environment:
    """Everything a reader needs to reproduce or distrust the numbers."""
    return Environment(
        driver=device_driver(device),
        torch_version=torch.__version__,
        transformers_version=transformers.__version__,
        python_version=platform.python_version(),
        platform=platform.platform(),
        cpu=cpu_name(),
        threads=torch.get_num_threads(),
        git_commit=git_commit(),
        compiled=compiled,
        command=command,
        method="static-batch",
        engine=f"transformers {transformers.__version__}",
    )
