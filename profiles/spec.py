"""Data-sheet peaks of the device a profile was measured on: its GPU-catalog name and spec bandwidth/FLOP/s.

Torch-free: imports re and, lazily, `profiles.gpu_catalog`; when the catalog (or the GPU, or its dtype)
is not there, the spec peaks are None and MBU/MFU are reported against the measured peaks only.
"""

from __future__ import annotations

import re

# Driver-reported device names (lowercased) → GPU catalog names; first match wins, so the more
# specific patterns come first. Names as `torch.cuda.get_device_name()` and `sysctl` report them.
DEVICE_NAME_PATTERNS = (
    (r"h100.*pcie", "h100-pcie"),
    (r"h100.*(sxm|hbm3)", "h100-sxm"),
    (r"h200", "h200"),
    (r"b200", "b200"),
    (r"a100-sxm4?-80gb", "a100-80gb"),
    (r"a100-sxm4?-40gb", "a100-40gb"),
    (r"l40s", "l40s"),
    (r"\bl4\b", "l4"),
    (r"\ba10\b", "a10"),
    (r"rtx 4090", "rtx-4090"),
    (r"mi300x", "mi300x"),
    (r"apple (m\d) (max|ultra)", None),  # → m2-max, m3-ultra, ... from the match groups
)
GB = 1e9


def catalog_name_for(device_name: str) -> str | None:
    """The GPU catalog name of a driver-reported device name, or None when it is not recognised."""
    lowered = device_name.lower()
    for pattern, name in DEVICE_NAME_PATTERNS:
        match = re.search(pattern, lowered)
        if match:
            return name or f"{match.group(1)}-{match.group(2)}"
    return None


def spec_peaks(catalog_name: str | None, dtype: str) -> tuple[float | None, float | None]:
    """(bandwidth GB/s, FLOP/s at dtype) from the GPU catalog; None for whatever is unknown."""
    if catalog_name is None:
        return None, None
    try:
        from profiles.gpu_catalog import gpu_catalog
    except ImportError:
        return None, None
    try:
        spec = gpu_catalog().get(catalog_name)
    except ValueError:  # an invalid catalog file: measured peaks only
        return None, None
    if spec is None:
        return None, None
    try:
        flops = spec.flop_per_s(dtype)
    except ValueError:
        flops = None
    return float(spec.bandwidth_gb_per_s), flops
