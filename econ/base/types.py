"""The constrained number types, the frozen base model and the horizon limit: defined once for all of econ.

Imports pydantic only. A name means one thing everywhere: `Fraction` is always [0, 1]; an efficiency
that a bad peak can push past 1 (MBU, MFU) is an `Efficiency`. Every number is strict (`true` and
`"24"` are not numbers), finite, and bounded to a physically meaningful range, so the arithmetic of
the cost model can always hold it (no overflow to inf, no NaN). Each type also carries its unit (and,
where a default step would be wrong, its step) in `json_schema_extra`, which the app's form reads.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

MAX_HORIZON_MONTHS = 240  # longest horizon: 20 years of monthly rows
# Dates a log may carry: none before the Unix epoch, none past the century (pandas' nanosecond clock ends in
# 2262, and a date past it wraps round silently; a log's span of days then stays small enough to count).
EARLIEST_DATE = date(1970, 1, 1)
LATEST_DATE = date(2100, 12, 31)

# Upper bounds, far above any real case and far below what float arithmetic can hold (~1.8e308):
# the largest product in the model (requests × tokens × price × growth over 240 months) stays finite.
MAX_USD = 1e12  # a trillion dollars: beyond any one distillation decision
MAX_USD_PER_MTOK = 1e4  # $10,000 per million tokens; the dearest listed APIs charge under $200
MAX_USD_PER_HOUR = 1e4  # a GPU-hour or an engineering hour; list prices are $0.1–$100
MAX_USD_PER_REQUEST = 1e4
MAX_USD_PER_ERROR = 1e9
MAX_REQUESTS_PER_DAY = 1e12  # above all LLM traffic in the world today
MAX_REQUESTS_PER_MONTH = MAX_REQUESTS_PER_DAY * 31
MIN_CAPACITY_RPS = 1e-6  # one request every 11.6 days: slower is not a serving replica
MAX_CAPACITY_RPS = 1e7
MAX_COUNT = 10**12  # examples, parameters in units, repeats: integers that fit a float exactly
MAX_TOKENS = 10_000_000  # per request or example: above every context window
MAX_TOKENS_PER_S = 1e12
MAX_FLOP_PER_S = 1e19  # 10 EFLOP/s per device: 5× beyond any accelerator announced
MIN_FLOP_PER_S = 1e6
MAX_GPUS = 1e6
MIN_GPUS = 1e-3  # a thousandth of a GPU: finer shares are not sold
MAX_MS = 1e9  # 11.6 days
MAX_GIB = 1e7
MAX_BYTES = 1e16
MAX_GB_PER_S = 1e6
MAX_JOULES = 1e9
MAX_HOURS = 1e7
MAX_NAME_CHARS = 200
MAX_TEXT_CHARS = 10_000
MAX_PATH_CHARS = 4096  # PATH_MAX on Linux
# Bound of a number with no narrower type: still finite through any product of two of them.
MAX_MAGNITUDE = 1e18


def _extra(unit: str | None, step: float | None) -> dict[str, Any] | None:
    extra = {}
    if unit is not None:
        extra["unit"] = unit
    if step is not None:
        extra["step"] = step
    return extra or None


def real(unit: str | None = None, step: float | None = None, **bounds):
    """A strict, finite float with bounds (ge/gt/le/lt) and its unit for the form."""
    field = Field(strict=True, allow_inf_nan=False, json_schema_extra=_extra(unit, step), **bounds)
    return Annotated[float, field]


def whole(unit: str | None = None, **bounds):
    """A strict int with bounds and its unit."""
    return Annotated[int, Field(strict=True, json_schema_extra=_extra(unit, 1), **bounds)]


Finite = real(ge=-MAX_MAGNITUDE, le=MAX_MAGNITUDE)
PositiveFloat = real(gt=0, le=MAX_MAGNITUDE)
NonNegativeFloat = real(ge=0, le=MAX_MAGNITUDE)
Fraction = real("fraction", 0.01, ge=0, le=1)  # a share or a rate in [0, 1]
Efficiency = real("fraction", 0.01, ge=0, le=1e3)  # MBU/MFU: above 1 means a bad peak
PositiveInt = whole(gt=0, le=MAX_COUNT)
NonNegativeInt = whole(ge=0, le=MAX_COUNT)
TokenCount = whole("tokens", gt=0, le=MAX_TOKENS)
HorizonMonths = whole("months", ge=1, le=MAX_HORIZON_MONTHS)

Usd = real("USD", ge=0, le=MAX_USD)
UsdPerMtok = real("USD per million tokens", ge=0, le=MAX_USD_PER_MTOK)
UsdPerHour = real("USD/hour", ge=0, le=MAX_USD_PER_HOUR)
UsdPerRequest = real("USD/request", ge=0, le=MAX_USD_PER_REQUEST)
UsdPerError = real("USD/error", ge=0, le=MAX_USD_PER_ERROR)
UsdPerMonth = real("USD/month", ge=0, le=MAX_USD)
RequestsPerDay = real("requests/day", ge=0, le=MAX_REQUESTS_PER_DAY)
RequestsPerMonth = real("requests/month", ge=0, le=MAX_REQUESTS_PER_MONTH)
CapacityRps = real("requests/s", ge=MIN_CAPACITY_RPS, le=MAX_CAPACITY_RPS)
Milliseconds = real("ms", ge=0, le=MAX_MS)
PositiveMilliseconds = real("ms", gt=0, le=MAX_MS)
Hours = real("hours", ge=0, le=MAX_HOURS)
Gpus = real("GPUs", 0.1, ge=MIN_GPUS, le=MAX_GPUS)
TokensPerSecond = real("tokens/s", ge=0, le=MAX_TOKENS_PER_S)
FlopPerSecond = real("FLOP/s", ge=MIN_FLOP_PER_S, le=MAX_FLOP_PER_S)
Gib = real("GiB", ge=0, le=MAX_GIB)
Bytes = real("bytes", ge=0, le=MAX_BYTES)
GbPerSecond = real("GB/s", gt=0, le=MAX_GB_PER_S)
Joules = real("J", ge=0, le=MAX_JOULES)
Count = whole(gt=0, le=MAX_COUNT)
Name = Annotated[str, Field(min_length=1, max_length=MAX_NAME_CHARS)]
Text = Annotated[str, Field(max_length=MAX_TEXT_CHARS)]
PathText = Annotated[str, Field(min_length=1, max_length=MAX_PATH_CHARS)]


class Frozen(BaseModel):
    """Base of every econ model: immutable, and an unknown field is an error (a typo never passes)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
