"""The price of what a load test measured: $ per 1M output tokens and $ per 1k requests at each point
and at the capacity, for the replica's GPUs at a given or catalogued $/GPU-hour.

Torch-free and HTTP-free: imports econ's unit-cost functions (the one home of the formula) and the
GPU price table through `profiles.gpu_catalog`. The bill is the replica's whole hourly price spread over
what it served at that load: a point below capacity costs more per token because the GPUs idle.
"""

from __future__ import annotations

from dataclasses import dataclass

from econ.serving.unit_costs import usd_per_kreq, usd_per_mtok_served


@dataclass(frozen=True)
class ReplicaPrice:
    """One replica's price: GPUs × $/GPU-hour, and where the $/h came from."""

    gpus: float
    usd_per_gpu_hour: float
    source: str

    @property
    def usd_per_hour(self) -> float:
        return self.gpus * self.usd_per_gpu_hour

    def per_mtok_output(self, output_tokens_per_s: float | None) -> float | None:
        """$ per 1M output tokens at this throughput (None: nothing served)."""
        return usd_per_mtok_served(self.usd_per_hour, output_tokens_per_s) if output_tokens_per_s else None

    def per_kreq(self, requests_per_s: float | None) -> float | None:
        """$ per 1k requests at this achieved rate (None: nothing served)."""
        return usd_per_kreq(self.usd_per_hour, requests_per_s) if requests_per_s else None


def replica_price(gpus: float, usd_per_gpu_hour: float | None, gpu: str | None) -> ReplicaPrice | None:
    """--gpu-usd-per-hour, else the catalog's cheapest on-demand price of --gpu; None when neither is given.
    A ValueError naming --gpu when the catalog has no such GPU or no price for it."""
    if usd_per_gpu_hour is not None:
        return ReplicaPrice(gpus, usd_per_gpu_hour, "--gpu-usd-per-hour")
    if gpu is None:
        return None
    from profiles.gpu_catalog import gpu_spec, gpu_usd_per_hour

    try:
        gpu_spec(gpu)
    except ValueError as exc:
        raise ValueError(f"--gpu: {exc}") from None
    found = gpu_usd_per_hour(gpu)
    if found is None:
        raise ValueError(f"--gpu: the price table has no price for {gpu}; give --gpu-usd-per-hour")
    return ReplicaPrice(gpus, found[0], f"{gpu} {found[1]}")
