"""Readable numbers for the app: $12.3k, 4.3 months, 37%, 1,234 req/day.

Imports `econ.report` (money and months are formatted exactly as the CLI does). No streamlit.
"""

from __future__ import annotations

import math

from econ.report import months as _months
from econ.report import usd as _usd


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and (math.isnan(value) or math.isinf(value)))


def usd(value: float | None) -> str:
    """$12.3k, -$1.2M, $0.45."""
    return _usd(value)


def usd_precise(value: float | None, digits: int = 3) -> str:
    """$0.045 (small unit prices keep their digits)."""
    return "n/a" if _missing(value) else f"${value:,.{digits}f}"


def months(value: float | None) -> str:
    """4.3 months, or 'not within the horizon'."""
    return _months(value)


def percent(value: float | None, digits: int = 0) -> str:
    """0.37 → 37%."""
    return "n/a" if _missing(value) else f"{value:.{digits}%}"


def per_day(value: float | None) -> str:
    """1,234 req/day, or 'none' when no volume pays."""
    return "none" if _missing(value) else f"{value:,.0f} req/day"


def count(value: float | None) -> str:
    """1,234."""
    return "n/a" if _missing(value) else f"{value:,.0f}"


def delta(new: float | None, old: float | None, kind: str) -> str | None:
    """Signed change for st.metric ('+0.4 months', '-$1.2k', '+12%'); None when either side is missing."""
    if _missing(new) or _missing(old) or new == old:
        return None
    diff = new - old
    sign = "+" if diff > 0 else "-"
    if kind == "months":
        return f"{sign}{abs(diff):.1f} months"
    if kind == "usd":
        return f"{sign}{usd(abs(diff))}"
    if kind == "usd_precise":
        return f"{sign}{usd_precise(abs(diff))}"
    if kind == "per_day":
        return f"{sign}{abs(diff):,.0f} req/day"
    raise ValueError(f"unknown delta kind {kind!r}")
