"""GPU catalog: memory, bandwidth and dense FLOP/s of the accelerators the estimator can price,
one validated row per GPU in `profiles/catalogs/gpus.json`, each with its source and date.

Torch-free: imports pydantic, pandas, the standard library, `econ.model.prices` (GPU $/h are never
duplicated here: they come from econ's dated price table) and `profiles.catalog`. Loaded on first use.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Annotated, Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, model_validator

from econ.io.files import validated_json
from econ.model.prices import gpu_prices
from profiles.catalog import CATALOG_DIR, CatalogError, by_name, pick

GPU_CATALOG_PATH = CATALOG_DIR / "gpus.json"

PositiveFloat = Annotated[float, Field(gt=0, allow_inf_nan=False)]
Dtype = Literal["fp32", "bf16", "fp16", "fp8", "int8", "int4"]
# Weight-only quantized models (int8/int4) run their matmuls at the 16-bit tensor peak
# (weights are dequantized in the kernel, as in gpt-fast's int8/int4 paths).
WEIGHT_ONLY_COMPUTE_DTYPE = "bf16"
# Offers that are not on-demand rental (ownership amortized, multi-year commitments): the "typical"
# price prefers on-demand rows and falls back to these only when a GPU has nothing else listed.
NOT_ON_DEMAND_MARKERS = ("owned", "year")


class GpuSpec(BaseModel):
    """One accelerator's data-sheet numbers (per GPU)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9.\-]*$", description="Lowercase, hyphens (h100-sxm).")
    vendor: Literal["nvidia", "amd", "apple", "other"]
    description: str = Field(min_length=1)
    memory_gib: PositiveFloat | None = Field(
        description="Device memory per GPU, GiB (None: unknown, no OOM check).")
    bandwidth_gb_per_s: PositiveFloat = Field(description="Data-sheet memory bandwidth, GB/s.")
    bf16_flop_per_s: PositiveFloat = Field(description="Dense BF16 tensor FLOP/s.")
    fp16_flop_per_s: PositiveFloat = Field(description="Dense FP16 tensor FLOP/s (FP32 accumulate).")
    fp32_flop_per_s: PositiveFloat | None = Field(None, description="FP32 FLOP/s (non-tensor), where known.")
    fp8_flop_per_s: PositiveFloat | None = Field(None,
                                                 description="Dense FP8 tensor FLOP/s, where supported.")
    interconnect: Literal["nvlink", "infinity-fabric", "pcie", "none"] = Field(
        description="GPU-to-GPU link used for tensor parallelism."
    )
    interconnect_gb_per_s: PositiveFloat | None = Field(
        None, description="Per-GPU link bandwidth, both directions together, GB/s."
    )
    max_gpus: Annotated[int,
                        Field(gt=0)] = Field(1, description="GPUs one node can hold (tensor-parallel limit).")
    gpu_memory_fraction: Annotated[float, Field(gt=0, le=1)] | None = Field(
        None, description="Share of memory the GPU may use (Apple unified memory: about 0.75 by default)."
    )
    source: str = Field(min_length=1, description="Where the numbers come from.")
    as_of: dt.date = Field(description="Date the source was read.")

    @model_validator(mode="after")
    def _link_for_multi_gpu(self) -> GpuSpec:
        if self.max_gpus > 1 and (self.interconnect == "none" or self.interconnect_gb_per_s is None):
            raise ValueError("max_gpus > 1 needs an interconnect and interconnect_gb_per_s")
        return self

    def flop_per_s(self, dtype: str) -> float:
        """Dense peak FLOP/s for matmuls at `dtype`; ValueError if the data sheet has none."""
        compute = WEIGHT_ONLY_COMPUTE_DTYPE if dtype in ("int8", "int4") else dtype
        value = getattr(self, f"{compute}_flop_per_s", None)
        if value is None:
            raise ValueError(f"GPU {self.name!r} has no {compute} FLOP/s in the catalog; use --dtype bf16")
        return float(value)


class GpuCatalog(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    source: str
    gpus: list[GpuSpec] = Field(min_length=1)

    @model_validator(mode="after")
    def _complete_rows(self) -> GpuCatalog:
        names = [g.name for g in self.gpus]
        if len(set(names)) != len(names):
            raise ValueError("duplicate GPU names")
        missing = [g.name for g in self.gpus if g.memory_gib is None]
        if missing:
            raise ValueError(f"catalog GPUs need memory_gib: {', '.join(missing)}")
        return self


@lru_cache(maxsize=1)
def gpu_catalog() -> dict[str, GpuSpec]:
    """Every catalog GPU by name (validated on first use)."""
    return by_name(validated_json(GPU_CATALOG_PATH, GpuCatalog, CatalogError).gpus, GPU_CATALOG_PATH, "GPU")


def gpu_spec(name: str) -> GpuSpec:
    """The catalog GPU called `name`, or a CatalogError listing the known ones."""
    return pick(gpu_catalog(), name, "GPU")


def gpu_usd_per_hour(name: str, offer: str | None = None) -> tuple[float, str] | None:
    """($/GPU-hour, offer) from econ's price table: the named offer, else the cheapest on-demand one
    (the cheapest of any kind when no on-demand offer is listed); None if the GPU has no price."""
    rows = [r for r in gpu_prices() if r.gpu == name]
    if offer is not None:
        rows = [r for r in rows if r.offer == offer]
        if not rows:
            known = ", ".join(r.offer for r in gpu_prices() if r.gpu == name) or "none"
            raise ValueError(f"no offer {offer!r} for GPU {name!r}; offers: {known}")
    on_demand = [r for r in rows if not any(m in r.offer.lower() for m in NOT_ON_DEMAND_MARKERS)]
    rows = on_demand or rows
    if not rows:
        return None
    row = min(rows, key=lambda r: r.usd_per_gpu_hour)
    return row.usd_per_gpu_hour, f"{row.offer} ({row.as_of})"


def gpu_frame() -> pd.DataFrame:
    """The catalog as a table, one row per GPU, with the cheapest listed $/h."""
    rows = []
    for spec in gpu_catalog().values():
        price = gpu_usd_per_hour(spec.name)
        rows.append({
            **spec.model_dump(exclude={"source", "as_of", "description"}),
            "usd_per_gpu_hour": price[0] if price else None,
            "price_offer": price[1] if price else None,
            "source": spec.source,
        })
    return pd.DataFrame(rows)
