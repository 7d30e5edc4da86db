"""Read the plotly figures an AppTest run drew: each chart's JSON spec, and its arrays as plain floats.

Imports numpy and the standard library only.
"""

from __future__ import annotations

import base64
import json

import numpy as np


def values(array) -> list[float]:
    """A plotly JSON array, plain or typed ({'bdata': base64, 'dtype': ...})."""
    if isinstance(array, dict) and "bdata" in array:
        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=array["dtype"]).tolist()
    return [float(v) for v in array]


def figures(at) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
