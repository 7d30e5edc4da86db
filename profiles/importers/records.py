"""What an importer hands back: one imported point per load, and one run per file, with the tool's
name, version and its names mapped to ours. Also the checked-number helper every importer uses.

Torch-free and HTTP-free: imports the profile schema and `econ.base.errors`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from econ.base.errors import FieldError
from econ.model.profile import Percentiles, Point

# (quantile 0-1, value ms), ascending: every percentile the file gives for one latency.
Grid = tuple[tuple[float, float], ...]


@dataclass(frozen=True)
class ImportedPoint:
    point: Point
    model: str
    notes: list[str]
    input_tokens: float | None  # mean per completed request, where the file counts them
    output_tokens: float | None
    # Every percentile the file gives, by our latency name ("ttft_ms", "tpot_ms"): the SLO attainment's bound.
    grids: dict[str, Grid] = field(default_factory=dict)
    # Per completed request (ttft ms, tpot ms or None), where the file lists them: the exact attainment.
    per_request: tuple[tuple[float, float | None], ...] | None = None
    failed: int = 0


@dataclass(frozen=True)
class ImportedRun:
    tool: str
    version: str | None
    names: str
    points: list[ImportedPoint]
    notes: list[str] = field(default_factory=list)


def number(data: dict, key: str, origin: str) -> float | None:
    """data[key] as a finite number >= 0 (None when absent); FieldError naming the key otherwise."""
    if not isinstance(data, dict):
        raise FieldError("FILE", f"{origin}: expected an object holding {key}, got {str(data)[:40]!r}")
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value < 0:
        raise FieldError("FILE", f"{origin}: {key}: expected a number >= 0, got {str(value)[:40]!r}")
    return float(value)


def percentiles(grid: Grid, mean: float | None, std: float | None) -> Percentiles | None:
    """Our p50/p90/p99/mean from a grid that has those three quantiles and a mean (None otherwise)."""
    values = dict(grid)
    if mean is None or any(q not in values for q in (0.5, 0.9, 0.99)):
        return None
    return Percentiles(p50=values[0.5], p90=values[0.9], p99=values[0.99], mean=mean,
                       cv=std / mean if std is not None and mean else None)
