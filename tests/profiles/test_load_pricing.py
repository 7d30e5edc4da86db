"""The load CLI's prices come from econ's unit-cost functions, at the replica's GPUs."""

from __future__ import annotations

import pytest

from profiles.load.pricing import ReplicaPrice, replica_price


def test_the_reference_price_per_token_and_per_request():
    # REFERENCE.md example 1: 1×H100 at $2.69/h; 16,541.95 out tok/s -> 2.69 / (16541.95 × 3600) × 1e6
    # = $0.045171 per 1M; 129.234 req/s -> 2.69 / (129.234 × 3600) × 1000 = $0.0057819 per 1k requests
    price = ReplicaPrice(1.0, 2.69, "test")
    assert price.per_mtok_output(16541.95) == pytest.approx(0.045171, abs=5e-7)
    assert price.per_kreq(129.234) == pytest.approx(0.0057819, abs=5e-8)


def test_two_gpus_double_the_price_and_nothing_served_has_no_price():
    price = ReplicaPrice(2.0, 2.69, "test")
    assert price.per_kreq(129.234) == pytest.approx(2 * 0.0057819, abs=1e-7)
    assert price.per_mtok_output(0.0) is None and price.per_kreq(None) is None


def test_a_catalog_gpu_brings_its_listed_price():
    price = replica_price(1.0, None, "h100-sxm")
    assert price.usd_per_gpu_hour > 0 and price.source.startswith("h100-sxm")
    assert replica_price(1.0, None, None) is None and replica_price(4.0, 1.5, "h100-sxm").usd_per_hour == 6.0
