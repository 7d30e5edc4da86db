"""Readable numbers for the app: econ's formatters (econ.io.formats), plus the signed deltas of st.metric.

Imports `econ.io.formats` only (money and months read exactly as in the CLI). No streamlit.
"""

from __future__ import annotations

from econ.io.formats import count, missing, months, per_day, percent, usd

__all__ = ["count", "delta", "delta_color", "months", "per_day", "percent", "usd", "usd_precise"]


def usd_precise(value: float | None, digits: int = 3) -> str:
    """$0.045 (small unit prices keep their digits)."""
    return usd(value, precise=True, digits=digits)


def delta_color(item) -> str:
    """st.metric's delta colour for a headline item (econ.HeadlineItem): a fall is good where lower is
    better."""
    return "inverse" if item.lower_is_better else "normal"


def delta(new: float | None, old: float | None, kind: str) -> str | None:
    """Signed change for st.metric ('+0.4 months', '-$1.2k', '+12%'); None when either side is missing."""
    if missing(new) or missing(old) or new == old:
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
