"""Prices for usage rows that carry no cost: tokens × the model's $/M tokens on the row's day.

Imports numpy, difflib and `econ` (`model.prices`, the project's dated API price table). Cached input
tokens are priced at the cached-input price where the table has one (else the input price); the rest of
the input at the input price. A model the table does not know is an error naming it and the closest
known names: a row is never priced at 0.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

import numpy as np

from econ.base.units import TOKENS_PER_MTOK
from econ.model.prices import api_prices
from econ.traffic.sources.errors import SourceError

CLOSE_NAMES = 3


@dataclass(frozen=True)
class PricedTokens:
    usd: np.ndarray
    source: str  # the price table and its version, as reports state it


def _table() -> tuple[dict[str, tuple[float, float, float]], str]:
    rows = api_prices()
    table = {r.model: (r.input_usd_per_mtok, r.cached_input_usd_per_mtok if r.cached_input_usd_per_mtok is not None
                       else r.input_usd_per_mtok, r.output_usd_per_mtok) for r in rows}
    dates = sorted({str(r.as_of) for r in rows})
    sources = sorted({r.source for r in rows})
    return table, f"econ/data/api_prices.json ({'; '.join(sources)}, as of {dates[-1]})"


def unknown_model_message(model: str, known: list[str]) -> str:
    close = difflib.get_close_matches(model, known, n=CLOSE_NAMES, cutoff=0.5)
    hint = f"closest known: {', '.join(close)}" if close else f"known: {', '.join(sorted(known)[:12])}, ..."
    return f"model {model!r} has no price and the rows have no cost; {hint}"


def price_tokens(models: np.ndarray, dates: np.ndarray, input_tokens: np.ndarray, cached_input_tokens: np.ndarray,
                 output_tokens: np.ndarray, origin: str) -> PricedTokens:
    """USD of each row's tokens at its model's price (the table is dated; one price per model today)."""
    table, source = _table()
    usd = np.zeros(len(models))
    for model in np.unique(models):
        if model not in table:
            raise SourceError(origin, unknown_model_message(str(model), list(table)), column="model")
        rows = models == model
        price_in, price_cached, price_out = table[model]
        cached = np.minimum(cached_input_tokens[rows], input_tokens[rows])
        usd[rows] = ((input_tokens[rows] - cached) * price_in + cached * price_cached
                     + output_tokens[rows] * price_out) / TOKENS_PER_MTOK
    return PricedTokens(usd, source)
