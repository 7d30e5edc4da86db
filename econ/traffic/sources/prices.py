"""Prices for usage rows that carry no cost: tokens × the model's $/M tokens on the row's day.

Imports numpy, pandas and `econ` (`model.prices`, the project's dated API price table, and
`model.price_history`, genai-prices). The project's table wins where it lists the model (the offline
override); other models are priced by genai-prices at the row's UTC day. Cached input tokens are priced
at the cached-input price where there is one (else the input price). A model neither knows is an error
naming it and the closest known names: a row is never priced at 0.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from econ.base.units import TOKENS_PER_MTOK
from econ.model import price_history
from econ.model.prices import api_prices
from econ.traffic.sources.errors import SourceError


@dataclass(frozen=True)
class PricedTokens:
    usd: np.ndarray
    source: str  # the price tables used and their data versions, as reports state them


def _project_table() -> tuple[dict[str, tuple[float, float, float]], str]:
    rows = api_prices()
    table = {
        r.model: (
            r.input_usd_per_mtok,
            r.cached_input_usd_per_mtok if r.cached_input_usd_per_mtok is not None else r.input_usd_per_mtok,
            r.output_usd_per_mtok,
        )
        for r in rows
    }
    dates = sorted({str(r.as_of) for r in rows})
    sources = sorted({r.source for r in rows})
    return table, f"econ/data/api_prices.json ({'; '.join(sources)}, as of {dates[-1]})"


def unknown_model_message(model: str, known: list[str]) -> str:
    close = price_history.closest_names(model, known)
    hint = f"closest known: {', '.join(close)}" if close else "no similar name is known"
    return (
        f"model {model!r} has no price (in econ/data/api_prices.json or genai-prices) "
        f"and the rows have no cost; {hint}"
    )


def _genai_prices(model: str, days: np.ndarray, origin: str, known: list[str]) -> np.ndarray:
    """(n, 3) $/M tokens (input, cached input, output) of the model on each day, from genai-prices."""
    out = np.zeros((len(days), 3))
    for day in np.unique(days):
        point = price_history.price_at(model, pd.Timestamp(day).date())
        if point is None:
            raise SourceError(origin, unknown_model_message(model, known), column="model")
        cached = (
            point.input_usd_per_mtok
            if point.cached_input_usd_per_mtok is None
            else point.cached_input_usd_per_mtok
        )
        out[days == day] = (point.input_usd_per_mtok, cached, point.output_usd_per_mtok)
    return out


def price_tokens(
    models: np.ndarray,
    dates: np.ndarray,
    input_tokens: np.ndarray,
    cached_input_tokens: np.ndarray,
    output_tokens: np.ndarray,
    origin: str,
) -> PricedTokens:
    """USD of each row's tokens: the project's table where it lists the model (the offline override), else
    genai-prices at the row's day; input includes cached tokens, priced at the cached-input price."""
    table, project_source = _project_table()
    prices = np.zeros((len(models), 3))
    used = set()
    for model in np.unique(models):
        rows = models == model
        if model in table:
            prices[rows] = table[model]
            used.add(project_source)
        else:
            prices[rows] = _genai_prices(str(model), dates[rows], origin, list(table))
            used.add(price_history.data_version() + ", at each row's UTC day, base tier")
    cached = np.minimum(cached_input_tokens, input_tokens)
    usd = (
        (input_tokens - cached) * prices[:, 0] + cached * prices[:, 1] + output_tokens * prices[:, 2]
    ) / TOKENS_PER_MTOK
    return PricedTokens(usd, "; ".join(sorted(used)))
