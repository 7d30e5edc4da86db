"""Serving cost per million tokens of one side: against utilization, and month by month in an evaluation.

Imports numpy, pandas and `econ` modules (inputs, unit_costs, evaluate, scenario, units). These are
the curves behind "an always-on GPU bills the same whether busy or idle": a self-hosted replica's
cost per token is its hourly bill spread over the tokens it serves at a given average utilization;
an API's is its blended price, whatever the volume.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from econ.base.units import REQUESTS_PER_KREQ, TOKENS_PER_MTOK
from econ.chain.evaluate import Evaluation
from econ.chain.inputs import side_inputs
from econ.model.scenario import ApiServing, Scenario, token_counts
from econ.serving.unit_costs import usd_per_kreq, usd_per_mtok_served

UTILIZATION_GRID = np.linspace(0.02, 1.0, 50)  # one replica from 2% to 100% busy


def side_tokens(scenario: Scenario, field: str) -> int:
    """Input + output tokens per request on one side (`econ.model.scenario.token_counts`)."""
    return sum(token_counts(getattr(scenario, field), scenario.workload))


def usd_per_mtok_served_vs_utilization(scenario: Scenario, field: str,
                                utilizations: np.ndarray = UTILIZATION_GRID) -> pd.DataFrame:
    """One replica of `field` ('teacher'/'student') at each average utilization: $/h × GPUs ÷ (tokens/s × u)
    × 1e6.

    Columns: utilization (NaN for an API), usd_per_mtok_served and usd_per_kreq (month-1 prices).
    """
    side = getattr(scenario, field)
    numeric, _ = side_inputs(side, scenario.workload, field)
    tokens = float(numeric.input_tokens[0] + numeric.output_tokens[0])
    u = np.asarray(utilizations, dtype=float)
    if isinstance(side, ApiServing):
        per_request = float(numeric.usd_per_request[0])
        return pd.DataFrame({"utilization": np.full(u.shape, np.nan),
                             "usd_per_mtok_served": np.full(u.shape, per_request / tokens * TOKENS_PER_MTOK),
                             "usd_per_kreq": np.full(u.shape, per_request * REQUESTS_PER_KREQ)})
    replica_usd_per_hour = side.gpu_usd_per_hour * side.gpus_per_replica
    requests_per_s = float(numeric.requests_per_s_per_replica[0])
    return pd.DataFrame({"utilization": u,
                         "usd_per_mtok_served": usd_per_mtok_served(replica_usd_per_hour,
                                                                    requests_per_s * tokens, u),
                         "usd_per_kreq": usd_per_kreq(replica_usd_per_hour, requests_per_s, u)})


def student_usd_per_mtok_served_by_month(evaluation: Evaluation) -> pd.DataFrame:
    """The evaluation's own months: student fleet utilization and serving cost per 1M tokens served."""
    monthly = evaluation.monthly
    tokens = side_tokens(evaluation.scenario, "student")
    with np.errstate(divide="ignore", invalid="ignore"):
        cost = monthly["student_serving_usd"] / (monthly["requests"] * tokens) * TOKENS_PER_MTOK
    return pd.DataFrame(
        {"month": monthly["month"], "utilization": monthly["utilization"], "usd_per_mtok_served": cost})
