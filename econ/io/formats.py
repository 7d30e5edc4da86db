"""Readable numbers, one rule each: money ($12.3k, $0.045), months, percents, volumes and SI figures (102G).

Imports nothing from the project. The CLIs, the app and the HTML report all format through here, so a
number reads the same everywhere; a missing or non-finite value reads "n/a" (months: "not within the
horizon", volumes: "none").
"""

from __future__ import annotations

import math

MONEY_SUFFIXES = ((1e9, "B"), (1e6, "M"), (1e3, "k"))  # $12.3k, $1.2M
SI_SUFFIXES = ((1e12, "T"), (1e9, "G"), (1e6, "M"))  # 102G FLOP/s, 1.2M tokens/s
MISSING = "n/a"


def missing(value) -> bool:
    """None, NaN or ±inf: a number that cannot be shown."""
    return value is None or (isinstance(value, float) and not math.isfinite(value))


def usd(value: float | None, precise: bool = False, digits: int = 3) -> str:
    """$12.3k / -$1.2M / $0.45 (compact, sign-aware); precise=True keeps `digits` decimals: $0.045."""
    if missing(value):
        return MISSING
    if precise:
        return f"${value:,.{digits}f}"
    sign, v = ("-" if value < 0 else ""), abs(value)
    for limit, suffix in MONEY_SUFFIXES:
        if v >= limit:
            return f"{sign}${v / limit:.1f}{suffix}"
    return f"{sign}${v:,.2f}"


def months(value: float | None) -> str:
    """4.3 months, or 'not within the horizon'."""
    return "not within the horizon" if missing(value) else f"{value:.1f} months"


def percent(value: float | None, digits: int = 0) -> str:
    """0.37 → 37%."""
    return MISSING if missing(value) else f"{value:.{digits}%}"


def per_day(value: float | None) -> str:
    """1,234 req/day, or 'none' when no volume pays."""
    return "none" if missing(value) else f"{value:,.0f} req/day"


def count(value: float | None) -> str:
    """1,234."""
    return MISSING if missing(value) else f"{value:,.0f}"


def si(value: float | None, digits: int = 4, none: str = "-") -> str:
    """196G / 1.2M above a million, 16,731 above a thousand, else `digits` significant digits."""
    if missing(value):
        return none
    for limit, suffix in SI_SUFFIXES:
        if abs(value) >= limit:
            return f"{value / limit:.{digits - 1}g}{suffix}"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.{digits}g}"


FORMATTERS = {  # a headline's kind → its formatter
    "months": months,
    "usd": usd,
    "usd_precise": lambda v: usd(v, precise=True),
    "percent": percent,
    "per_day": per_day,
}
