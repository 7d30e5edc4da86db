"""The embedded example scenario (the issue's worked example): what `make run` and `python -m econ example` show.

Imports `econ.scenario` only.
"""

from __future__ import annotations

from econ.scenario import Scenario, parse_scenario

EXAMPLE_SCENARIO = {
    "name": "example",
    "description": "Support replies on a Sonnet-class API teacher, distilled into an 8B student on one H100.",
    "horizon_months": 24,
    "annual_discount_rate": 0.10,
    "workload": {"input_tokens": 1000, "output_tokens": 300},
    "traffic": {"requests_per_day": 30000, "monthly_growth": 0.08, "peak_to_average": 1.7},
    "teacher": {"kind": "api", "input_usd_per_mtok": 3.0, "output_usd_per_mtok": 15.0},
    "student": {"kind": "self_hosted", "gpu_usd_per_hour": 2.69, "gpus_per_replica": 1,
                "requests_per_second_per_replica": 40, "target_utilization": 0.7,
                "min_replicas": 1, "billing": "always_on"},
    "distillation": {"data_generation_usd": 750, "training_usd": 3000, "evaluation_usd": 0,
                     "engineering_usd": 20000, "redistill_every_months": 6, "redistill_usd": 3750,
                     "monitoring_usd_per_month": 0},
    "quality": {"fallback_rate": 0.05},
}


def example_scenario() -> Scenario:
    """A fresh, validated copy of the example scenario."""
    return parse_scenario(EXAMPLE_SCENARIO, origin="example")
