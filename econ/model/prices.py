"""Dated, sourced price tables (GPU $/h, API $/M tokens) from `econ/data/`, validated when loaded.

Imports pydantic, pandas and the standard library. Loaded only when asked (never at import time).
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path
from typing import Annotated

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from econ.base.types import NonNegativeFloat
from econ.io.files import validated_json

DATA_DIR = Path(__file__).resolve().parents[1] / "data"


class _Row(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    as_of: dt.date = Field(description="Date the price was read.")
    source: str = Field(min_length=1, description="Where the price comes from.")


class GpuPrice(_Row):
    gpu: str = Field(pattern=r"^[a-z0-9][a-z0-9.\-]*$", description="GPU catalog name (h100-sxm).")
    offer: str = Field(min_length=1, description="Provider and offer.")
    usd_per_gpu_hour: NonNegativeFloat = Field(description="USD per GPU-hour.")


class ApiPrice(_Row):
    model: str = Field(min_length=1, description="Model name as sold.")
    input_usd_per_mtok: NonNegativeFloat
    output_usd_per_mtok: NonNegativeFloat
    cached_input_usd_per_mtok: NonNegativeFloat | None = None
    batch_discount: Annotated[float, Field(ge=0, lt=1)] = 0.0


class _Table(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    description: str


class GpuPriceTable(_Table):
    rows: list[GpuPrice] = Field(min_length=1)


class ApiPriceTable(_Table):
    rows: list[ApiPrice] = Field(min_length=1)


def _load(name: str, model: type[_Table]) -> _Table:
    return validated_json(DATA_DIR / name, model)


@lru_cache(maxsize=1)
def gpu_prices() -> tuple[GpuPrice, ...]:
    """Every GPU price row."""
    return tuple(_load("gpu_prices.json", GpuPriceTable).rows)


@lru_cache(maxsize=1)
def api_prices() -> tuple[ApiPrice, ...]:
    """Every API price row."""
    return tuple(_load("api_prices.json", ApiPriceTable).rows)


def gpu_price_frame() -> pd.DataFrame:
    """GPU prices as a table (one row per offer)."""
    return pd.DataFrame([row.model_dump() for row in gpu_prices()])


def api_price_frame() -> pd.DataFrame:
    """API prices as a table (one row per model)."""
    return pd.DataFrame([row.model_dump() for row in api_prices()])


def cheapest_gpu_usd_per_hour(gpu: str) -> float:
    """Lowest listed on-demand-or-better $/GPU-hour for a GPU name; ValueError if it is not listed."""
    rows = [r.usd_per_gpu_hour for r in gpu_prices() if r.gpu == gpu]
    if not rows:
        listed = ", ".join(sorted({r.gpu for r in gpu_prices()}))
        raise ValueError(f"no price listed for GPU {gpu!r}; listed: {listed}")
    return min(rows)


def api_price(model: str) -> ApiPrice:
    """The price row of an API model; ValueError naming the known ones if absent."""
    for row in api_prices():
        if row.model == model:
            return row
    raise ValueError(f"unknown API model {model!r}; known: {', '.join(r.model for r in api_prices())}")
