"""Unit costs of serving: USD per million tokens and per thousand requests from throughput and price.

Imports `econ.base.units` only. These are the figures teams compare across GPUs and APIs, and the one
rule for the API price of a request; utilization
below 1 spreads the same hourly bill over fewer tokens.
"""

from __future__ import annotations

from econ.base.units import HOURS_PER_MONTH, REQUESTS_PER_KREQ, SECONDS_PER_HOUR, TOKENS_PER_MTOK


def usd_per_mtok_served(gpu_usd_per_hour: float, tokens_per_s: float, utilization: float = 1.0) -> float:
    """$/h ÷ (tokens/s × 3600 × utilization) × 1e6."""
    return gpu_usd_per_hour / (tokens_per_s * SECONDS_PER_HOUR * utilization) * TOKENS_PER_MTOK


def usd_per_kreq(gpu_usd_per_hour: float, requests_per_s: float, utilization: float = 1.0) -> float:
    """$/h ÷ (requests/s × 3600 × utilization) × 1000."""
    return gpu_usd_per_hour / (requests_per_s * SECONDS_PER_HOUR * utilization) * REQUESTS_PER_KREQ


def gpu_month_usd(gpu_usd_per_hour: float, gpus: float = 1.0) -> float:
    """One always-on GPU (or several) for a 730-hour month."""
    return gpu_usd_per_hour * gpus * HOURS_PER_MONTH


def api_usd_per_request(input_tokens: float, output_tokens: float, input_usd_per_mtok: float,
                        output_usd_per_mtok: float, cached_input_share: float = 0.0,
                        cached_input_usd_per_mtok: float = 0.0) -> float:
    """The API price of one request: in × (uncached × price + cached × cached price) + out × price, per 1e6
    tokens."""
    input_price = (
        1 - cached_input_share) * input_usd_per_mtok + cached_input_share * cached_input_usd_per_mtok
    return (input_tokens * input_price + output_tokens * output_usd_per_mtok) / TOKENS_PER_MTOK
