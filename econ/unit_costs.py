"""Unit costs of serving: USD per million tokens and per thousand requests from throughput and price.

Imports `econ.units` only. These are the figures teams compare across GPUs and APIs; utilization
below 1 spreads the same hourly bill over fewer tokens.
"""

from __future__ import annotations

from econ.units import HOURS_PER_MONTH, REQUESTS_PER_KREQ, SECONDS_PER_HOUR, TOKENS_PER_MTOK


def usd_per_mtok(gpu_usd_per_hour: float, tokens_per_s: float, utilization: float = 1.0) -> float:
    """$/h ÷ (tokens/s × 3600 × utilization) × 1e6."""
    return gpu_usd_per_hour / (tokens_per_s * SECONDS_PER_HOUR * utilization) * TOKENS_PER_MTOK


def usd_per_kreq(gpu_usd_per_hour: float, requests_per_s: float, utilization: float = 1.0) -> float:
    """$/h ÷ (requests/s × 3600 × utilization) × 1000."""
    return gpu_usd_per_hour / (requests_per_s * SECONDS_PER_HOUR * utilization) * REQUESTS_PER_KREQ


def gpu_month_usd(gpu_usd_per_hour: float, gpus: float = 1.0) -> float:
    """One always-on GPU (or several) for a 730-hour month."""
    return gpu_usd_per_hour * gpus * HOURS_PER_MONTH


def api_usd_per_kreq(input_tokens: int, output_tokens: int, input_usd_per_mtok: float,
                     output_usd_per_mtok: float) -> float:
    """(in × in-price + out × out-price) ÷ 1e6 × 1000."""
    per_request = (input_tokens * input_usd_per_mtok + output_tokens * output_usd_per_mtok) / TOKENS_PER_MTOK
    return per_request * REQUESTS_PER_KREQ
