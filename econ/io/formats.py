"""Readable numbers, one rule each: money ($12.3k, $0.045), months, percents, volumes and SI figures (102G).

Imports nothing from the project. The CLIs, the app and the HTML report all format through here, so a
number reads the same everywhere; a missing or non-finite value reads "n/a" (months: "not within the
horizon", volumes: "none").
"""

from __future__ import annotations

import math

MONEY_SUFFIXES = ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k"))  # $12.3k, $1.2M, $3.4T
# Past a thousand trillion the suffix stays T and the digits are grouped: $110,632T, never
# $110631917702153536.0B.
MONEY_GROUPED_ABOVE = 1e15
# An IRR above 1,000% a year is shown as "> 1,000%": the upfront spend is tiny next to the savings and the
# exact figure (41 trillion percent for a mistyped growth) says nothing more.
IRR_SHOWN_LIMIT = 10.0
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
    if v >= MONEY_GROUPED_ABOVE:
        return f"{sign}${v / 1e12:,.0f}T"
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


def irr(value: float | None) -> str:
    """0.37 → 37%; above 1,000% a year → '> 1,000%'."""
    if not missing(value) and value > IRR_SHOWN_LIMIT:
        return f"> {IRR_SHOWN_LIMIT:,.0%}"
    return percent(value)


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
    "irr": irr,
    "per_day": per_day,
}
