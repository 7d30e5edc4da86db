"""The environment block of a profile: device, driver, library versions, dtype, threads, project commit.

Imports torch and transformers (measuring commands only), the standard library, and NVML through
`profiles.backends.transformers.energy` when it is there.
"""

from __future__ import annotations

import platform
import subprocess
from pathlib import Path

import torch
import transformers

from econ.profile import Environment
from profiles.backends.transformers.device import cpu_name
from profiles.backends.transformers.energy import driver_version

PROJECT_ROOT = Path(__file__).resolve().parents[3]
# git must answer quickly; a hung git (network filesystem) must not hold up a measurement.
GIT_TIMEOUT_S = 5


def git_commit(root: Path = PROJECT_ROOT) -> str | None:
    """HEAD of the project checkout, with '-dirty' when tracked files differ from it; None outside git."""
    try:
        head = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True,
                              timeout=GIT_TIMEOUT_S, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(root), "diff", "--quiet", "HEAD", "--"], capture_output=True,
                               timeout=GIT_TIMEOUT_S).returncode != 0
    except (OSError, subprocess.SubprocessError):
        return None
    return f"{head}-dirty" if dirty else head or None


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
    )
