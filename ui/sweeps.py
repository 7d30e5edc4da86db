"""Slow sweeps the Serving page draws, cached (st.cache_data): serving cost per 1M tokens vs utilization.

Imports streamlit, pandas and econ. The numbers come from `econ.chain.serving_costs`; this module only
caches them by the scenario's JSON.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

import econ
from econ.chain.serving_costs import (
    student_usd_per_mtok_served_by_month,
    usd_per_mtok_served_vs_utilization,
)


@st.cache_data(show_spinner=False, max_entries=64)
def serving_cost_curve(scenario_json: str, side: str) -> pd.DataFrame:
    """Month-1 serving cost per 1M tokens of `side` ('teacher'/'student') at each utilization of one replica.

    Columns: utilization (NaN for an API), usd_per_mtok_served, usd_per_kreq.
    """
    return usd_per_mtok_served_vs_utilization(econ.parse_scenario(scenario_json), side)


def observed_cost(evaluation: econ.Evaluation) -> pd.DataFrame:
    """The scenario's own months: student utilization and serving cost per 1M tokens."""
    return student_usd_per_mtok_served_by_month(evaluation).loc[:,
                                                                ["utilization",
                                                                 "usd_per_mtok_served"]].dropna()
