"""Many tasks' one-variant inputs as one vectorized batch, and their break-even volumes solved once per
distinct steady month.

Imports numpy and `econ.chain` (inputs, break-even). Break-even volume does not depend on a task's volume
or growth, so the exact staircase solver (`econ.chain.breakeven`, about 0.4 ms) runs once per distinct set
of steady-month inputs.
"""

from __future__ import annotations

import numpy as np

from econ.chain.breakeven import breakeven_requests_per_day
from econ.chain.inputs import NumericInputs, vary

# Inputs a steady month (break-even) never reads: volume, growth, upfront spend, discounting.
_NOT_IN_STEADY_MONTH = {"months", "annual_discount_rate", "requests_per_day", "monthly_growth",
                        "traffic_scale", "seasonality", "explicit_requests", "upfront_usd"}


def stack_inputs(inputs: list[NumericInputs]) -> NumericInputs:
    """Many one-variant inputs → one NumericInputs with V = len(inputs) (every (V,) array concatenated)."""
    first = inputs[0]
    arrays = {}
    for name, value in vars(first).items():
        if name in ("teacher", "student"):
            for field, side_value in vars(value).items():
                if isinstance(side_value, np.ndarray):
                    sides = [getattr(getattr(x, name), field) for x in inputs]
                    arrays[f"{name}__{field}"] = np.concatenate(sides)
        elif isinstance(value, np.ndarray) and name not in ("seasonality", "explicit_requests"):
            arrays[name] = np.concatenate([getattr(x, name) for x in inputs])
    return vary(first, **arrays)


def _steady_key(x: NumericInputs) -> tuple:
    parts = []
    for name, value in vars(x).items():
        if name in ("teacher", "student"):
            parts += [(name, f, float(v[0])) for f, v in vars(value).items() if isinstance(v, np.ndarray)]
            parts += [(name, "api", value.is_api, value.always_on)]
        elif name not in _NOT_IN_STEADY_MONTH:
            parts.append((name, float(value[0])))
    return tuple(parts)


def breakevens(inputs: list[NumericInputs]) -> list[float | None]:
    """Exact break-even requests/day of each task, solved once per distinct steady-month inputs."""
    solved: dict[tuple, float | None] = {}
    out = []
    for x in inputs:
        key = _steady_key(x)
        if key not in solved:
            solved[key] = breakeven_requests_per_day(x)
        out.append(solved[key])
    return out
