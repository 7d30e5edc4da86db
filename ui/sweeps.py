"""Slow sweeps the Serving page draws, cached (st.cache_data): serving cost per 1M tokens vs utilization.

Imports streamlit, numpy, pandas and econ. The cost of every point comes from econ's own vectorized
cash-flow formulas (`econ.numeric_inputs` + `econ.vary` + `econ.evaluate_many`): this module only
chooses the volumes to evaluate (one replica from nearly idle to fully busy) and reads off month 1.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import streamlit as st

import econ
from econ.units import HOURS_PER_DAY, SECONDS_PER_HOUR, TOKENS_PER_MTOK

UTILIZATION_GRID = np.linspace(0.02, 1.0, 50)  # one replica from 2% to 100% busy


@st.cache_data(show_spinner=False, max_entries=64)
def serving_cost_curve(scenario_json: str, side: str) -> pd.DataFrame:
    """Month-1 serving cost per 1M tokens of `side` ('teacher'/'student') at each utilization of one replica.

    The side is evaluated in the student's seat with peak = average and a 100% target, so one
    replica is sized for the whole volume and its utilization is the volume's share of its capacity.
    Columns: utilization (NaN for an API), usd_per_mtok.
    """
    scenario = econ.parse_scenario(scenario_json)
    probe = scenario.model_copy(update={"student": getattr(scenario, side)})
    x, _ = econ.numeric_inputs(probe)
    capacity = float(x.student.capacity_rps[0])
    requests_per_day = UTILIZATION_GRID * capacity * HOURS_PER_DAY * SECONDS_PER_HOUR
    x = dataclasses.replace(x, explicit_requests=None, seasonality=np.ones(x.months))
    x = econ.vary(x, requests_per_day=requests_per_day, monthly_growth=np.zeros_like(requests_per_day),
                  peak_to_average=np.ones_like(requests_per_day),
                  student__target_utilization=np.ones_like(requests_per_day),
                  student__min_replicas=np.ones_like(requests_per_day))
    flows = econ.evaluate_many(x).flows
    tokens = x.student.input_tokens + x.student.output_tokens
    return pd.DataFrame({
        "utilization": flows.student_utilization[:, 0],
        "usd_per_mtok": flows.student_serving_usd[:, 0] / (flows.requests[:, 0] * tokens) * TOKENS_PER_MTOK,
    })


def observed_cost(evaluation: econ.Evaluation) -> pd.DataFrame:
    """The scenario's own months: student utilization and serving cost per 1M tokens."""
    monthly = evaluation.monthly
    side = evaluation.scenario.student
    tokens = (side.input_tokens or evaluation.scenario.workload.input_tokens) + (
        side.output_tokens or evaluation.scenario.workload.output_tokens)
    with np.errstate(divide="ignore", invalid="ignore"):
        usd_per_mtok = monthly["student_serving_usd"] / (monthly["requests"] * tokens) * TOKENS_PER_MTOK
    return pd.DataFrame({"utilization": monthly["utilization"], "usd_per_mtok": usd_per_mtok}).dropna()
