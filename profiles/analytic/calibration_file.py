"""The calibration file: efficiencies fitted from one measured profile, where they came from, how well they
reproduce it; written atomically, read back bounded and validated.

Torch-free: imports pydantic, the profile schema, the GPU catalog, the store and the efficiency model.
`profiles.analytic.calibrate` makes these; `profiles estimate --calibration FILE` applies them.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from econ.io.files import read_bounded_json, slug
from econ.model.profile import describe_validation_error
from profiles.analytic.efficiency import Efficiency
from profiles.gpu_catalog import GpuSpec
from profiles.store import write_text_atomically

# Version 2: prefill's fixed time per layer (prefill_layer_ms) replaced version 1's half-saturation point.
CALIBRATION_VERSION = 2
MAX_CALIBRATION_BYTES = 2**20
Reference = Literal["spec", "catalog", "measured"]


class CalibrationSource(BaseModel):
    """What the calibration was fitted from."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    profile: str | None = Field(None, description="Path of the measured profile, when read from a file.")
    profile_created_at: str | None = None
    model: str
    dtype: str
    kv_dtype: str
    hardware_name: str
    device: str
    catalog_name: str | None = None
    memory_gib: float | None = None
    bandwidth_gb_per_s: float = Field(gt=0, description="Bandwidth the MBU is relative to, GB/s.")
    bandwidth_reference: Reference = Field(
        description="spec: data sheet; catalog: GPU catalog; measured: microbenchmark.")
    flop_per_s: float = Field(gt=0, description="Peak FLOP/s the MFUs are relative to.")
    flop_reference: Reference
    batch_sizes: list[int]
    input_tokens: int
    output_tokens: int


class Calibration(BaseModel):
    """Efficiencies fitted from one measured profile; `estimate --calibration FILE` applies them."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: Literal["calibration"] = "calibration"
    version: Literal[2] = CALIBRATION_VERSION
    created_at: str
    efficiency: Efficiency
    fitted: list[str] = Field(description="Efficiency fields the profile constrained; the rest are defaults.")
    source: CalibrationSource
    decode_max_relative_error: float = Field(
        ge=0, description="Largest |estimated − measured| / measured decode tokens/s (batch ÷ median TPOT)."
    )
    ttft_max_relative_error: float = Field(ge=0, description="Same for TTFT (vs the median).")
    notes: list[str] = Field(default_factory=list)

    def hardware_spec(self) -> GpuSpec:
        """The measured machine as a GpuSpec (peaks the efficiencies are relative to), for same-hardware
        estimates."""
        src = self.source
        peak = src.flop_per_s
        return GpuSpec(
            name=slug(src.catalog_name or src.hardware_name, "device", lowercase=True), vendor="other",
            description=f"{src.hardware_name} ({src.device}), peaks from its measured profile",
            memory_gib=src.memory_gib, bandwidth_gb_per_s=src.bandwidth_gb_per_s,
            bf16_flop_per_s=peak, fp16_flop_per_s=peak, fp32_flop_per_s=peak, fp8_flop_per_s=peak,
            interconnect="none", max_gpus=1,
            source=f"calibration from {src.profile or 'a measured profile'} "
                   f"(bandwidth: {src.bandwidth_reference}, FLOP/s: {src.flop_reference})",
            as_of=dt.date.fromisoformat((src.profile_created_at or self.created_at)[:10]),
        )


def write_calibration(calibration: Calibration, path: str | Path) -> Path:
    """Write atomically (temp file in the same folder, renamed over the target)."""
    return write_text_atomically(calibration.model_dump_json(indent=2, exclude_none=True) + "\n", path)


def load_calibration(path: str | Path, field: str = "calibration") -> Calibration:
    """Read (a regular file, bounded) and validate a calibration file; ValueError naming `field` and the
    file."""
    data = read_bounded_json(path, MAX_CALIBRATION_BYTES, field)
    if isinstance(data, dict) and data.get("kind") == "calibration" and data.get("version") == 1:
        raise ValueError(f"{field}: {path}: version 1 was fitted for the earlier prefill model "
                         "(half-saturation point); run `python -m profiles calibrate` again on its measured "
                         "profile")
    try:
        return Calibration.model_validate(data)
    except ValidationError as exc:
        raise ValueError(f"{field}: {path}: {describe_validation_error(exc)}") from None
