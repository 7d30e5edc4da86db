"""The constrained number types, the frozen base model and the horizon limit: defined once for all of econ.

Imports pydantic only. A name means one thing everywhere: `Fraction` is always [0, 1]; an efficiency
that a bad peak can push past 1 (MBU, MFU) is an `Efficiency`. Every other module takes its field
types from here, so a bound changes in one place.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

MAX_HORIZON_MONTHS = 240  # longest horizon: 20 years of monthly rows

Finite = Annotated[float, Field(allow_inf_nan=False)]
PositiveFloat = Annotated[float, Field(gt=0, allow_inf_nan=False)]
NonNegativeFloat = Annotated[float, Field(ge=0, allow_inf_nan=False)]
Fraction = Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)]  # a share or a rate in [0, 1]
Efficiency = Annotated[float, Field(ge=0, allow_inf_nan=False)]  # MBU/MFU: above 1 means a bad peak
PositiveInt = Annotated[int, Field(gt=0)]
NonNegativeInt = Annotated[int, Field(ge=0)]
TokenCount = Annotated[int, Field(gt=0, le=10_000_000)]
HorizonMonths = Annotated[int, Field(ge=1, le=MAX_HORIZON_MONTHS)]


class Frozen(BaseModel):
    """Base of every econ model: immutable, and an unknown field is an error (a typo never passes)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
