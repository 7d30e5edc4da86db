"""Cost per million tokens against utilization: the shape of REFERENCE.md example 5, from a scenario."""

from __future__ import annotations

import numpy as np
import pytest
from builders import scenario

import econ
from econ.chain.serving_costs import (
    student_usd_per_mtok_served_by_month,
    usd_per_mtok_served_vs_utilization,
)


def test_self_hosted_cost_per_token_falls_as_utilization_rises():
    curve = usd_per_mtok_served_vs_utilization(econ.example_scenario(), "student", np.array([0.1, 0.5, 1.0]))
    # one H100 at $2.69/h serving 40 req/s × 1300 tokens: 2.69 / (52,000 × 3600) × 1e6 = $0.014370 per 1M
    assert curve["usd_per_mtok_served"].iloc[-1] == pytest.approx(0.0143696, rel=1e-5)
    assert curve["usd_per_mtok_served"].iloc[0] == pytest.approx(0.143696, rel=1e-5)  # 10% busy: 10× the cost
    # per 1k requests (REFERENCE.md example 1's rule): 2.69 / (40 × 3600) × 1000 = $0.018681
    assert curve["usd_per_kreq"].iloc[-1] == pytest.approx(0.0186806, rel=1e-5)
    assert curve["usd_per_kreq"].iloc[0] == pytest.approx(0.186806, rel=1e-5)


def test_gpu_share_pays_its_share():
    half = usd_per_mtok_served_vs_utilization(scenario(student__gpus_per_replica=0.5), "student",
                                              np.array([1.0]))
    assert half["usd_per_mtok_served"].iloc[0] == pytest.approx(0.0143696 / 2, rel=1e-5)


def test_api_cost_per_token_is_flat():
    curve = usd_per_mtok_served_vs_utilization(econ.example_scenario(), "teacher")
    # (1000 × $3 + 300 × $15) / 1300 tokens = $5.769 per 1M
    assert np.allclose(curve["usd_per_mtok_served"], 7500 / 1300)
    assert np.allclose(curve["usd_per_kreq"], 7.5)  # $0.0075 per request
    assert curve["utilization"].isna().all()


def test_monthly_cost_per_token_matches_the_fleet_bill():
    result = econ.evaluate(econ.example_scenario())
    by_month = student_usd_per_mtok_served_by_month(result)
    # month 1: $1,963.70 over 912,500 requests × 1300 tokens
    assert by_month["usd_per_mtok_served"].iloc[0] == pytest.approx(1963.70 / (912_500 * 1300) * 1e6)
    # and it sits on the one-replica curve at that month's utilization
    curve_at = usd_per_mtok_served_vs_utilization(result.scenario, "student",
                                                  by_month["utilization"].to_numpy()[:1])
    assert curve_at["usd_per_mtok_served"].iloc[0] == pytest.approx(by_month["usd_per_mtok_served"].iloc[0])
