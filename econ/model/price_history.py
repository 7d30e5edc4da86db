"""API prices with their history from `genai-prices` (the pydantic team's maintained table, bundled data).

Imports the standard library; `genai_prices` only inside the functions (it imports its HTTP client at
import time, so `import econ` must not reach it). Its quirks, handled here: it rejects provider-prefixed
names (`azure/gpt-4o`), so the prefix is removed first; it returns `Decimal`, turned into floats; its
`calc_price` applies long-context tiers to the tokens it is given, so a day's summed tokens would hit
the >200k tier: prices are read from the model's price set at the date instead, at the base tier.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass

PREFIX = re.compile(r"^[A-Za-z0-9_.-]+/")
CLOSE_NAMES = 3


@dataclass(frozen=True)
class PricePoint:
    """A model's $/M tokens from `start` (None: from the beginning of the table)."""

    model: str
    provider: str
    start: dt.date | None
    when: str  # "from DATE", "(first listed)" or a daily window such as "16:30–00:30 UTC daily"
    input_usd_per_mtok: float
    cached_input_usd_per_mtok: float | None
    output_usd_per_mtok: float


def bare_name(model: str) -> str:
    """A model name without its provider prefix (`azure/gpt-4o` → `gpt-4o`), lower-case."""
    return PREFIX.sub("", model.strip()).lower()


def data_version() -> str:
    """The package and data version of genai-prices, as reports state it."""
    from importlib.metadata import version

    return f"genai-prices {version('genai-prices')} (data bundled in the package)"


def _snapshot():
    from genai_prices import data_snapshot

    return data_snapshot.get_snapshot()


def _find(model: str):
    """genai-prices' (provider, model) for the name as given, else without its provider prefix.

    None if neither.
    """
    for name in dict.fromkeys([model.strip().lower(), bare_name(model)]):
        try:
            return _snapshot().find_provider_model(name, None, None, None)
        except LookupError:
            continue
    return None


def known_names() -> list[str]:
    return sorted({m.id for p in _snapshot().providers for m in p.models})


def closest_names(model: str, extra: list[str] = ()) -> list[str]:
    """Up to three known names nearest to `model` (genai-prices' and `extra`)."""
    names = list(dict.fromkeys([*extra, *known_names()]))
    return difflib.get_close_matches(bare_name(model), names, n=CLOSE_NAMES, cutoff=0.5)


def _number(value) -> float | None:
    if value is None:
        return None
    return float(getattr(value, "base", value))  # TieredPrices: the base tier


def _when(constraint) -> str:
    if constraint is None:
        return "(first listed)"
    if hasattr(constraint, "start_date"):
        return f"from {constraint.start_date}"
    return f"{constraint.start_time:%H:%M}–{constraint.end_time:%H:%M} UTC daily"


def _point(model_id: str, provider: str, constraint, prices) -> PricePoint:
    start = getattr(constraint, "start_date", None)
    return PricePoint(
        model_id,
        provider,
        start,
        _when(constraint),
        _number(getattr(prices, "input_mtok", None)) or 0.0,
        _number(getattr(prices, "cache_read_mtok", None)),
        _number(getattr(prices, "output_mtok", None)) or 0.0,
    )


def price_at(model: str, day: dt.date) -> PricePoint | None:
    """The model's price in effect on a UTC day (None when genai-prices does not know the model)."""
    found = _find(model)
    if found is None:
        return None
    provider, info = found
    moment = dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC)  # midday: start dates are whole UTC days
    return _point(info.id, provider.id, None, info.get_prices(moment))


def history(model: str) -> list[PricePoint]:
    """Every dated price of the model, oldest first ([] when unknown)."""
    found = _find(model)
    if found is None:
        return []
    provider, info = found
    prices = info.prices if isinstance(info.prices, list) else None
    if prices is None:
        return [_point(info.id, provider.id, None, info.prices)]
    return [_point(info.id, provider.id, c.constraint, c.prices) for c in prices]
