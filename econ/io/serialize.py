"""One serializer for JSON output: numpy scalars to Python numbers, NaN and ±Infinity to null.

Imports numpy only. Strict JSON has no NaN or Infinity; every `to_dict` passes its numbers through here,
and every `--format json` of the CLIs prints through `json_text`, so the output always parses (a missing
number is `null`, and the result says why in a warning).
"""

from __future__ import annotations

import json
import math

import numpy as np


def finite_or_none(value):
    """A float (or numpy scalar, or 0-d array) that is finite, else None; numpy integers become int; anything
    else as is."""
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value.item()
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        return float(value) if math.isfinite(float(value)) else None
    return value


def json_ready(value):
    """`finite_or_none` applied through dicts, lists and tuples."""
    if isinstance(value, dict):
        return {key: json_ready(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [json_ready(item) for item in value]
    return finite_or_none(value)


def json_text(value, indent: int | None = 2) -> str:
    """Strict JSON text of `value` after `json_ready` (never NaN or Infinity); dates and paths as strings."""
    return json.dumps(json_ready(value), indent=indent, allow_nan=False, default=str)
