"""The machine and checkout a profile is measured on: the CPU's name and the project commit
(`git rev-parse HEAD`, '-dirty' when tracked files differ).

Torch-free: imports platform, subprocess and pathlib only, so every backend records them.
"""

from __future__ import annotations

import platform
import subprocess
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
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


def cpu_name() -> str:
    """CPU model from /proc/cpuinfo on Linux, else platform.processor()."""
    try:
        with open("/proc/cpuinfo") as handle:
            for line in handle:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "cpu"
