"""Streamlit entry point: the break-even answer for the current scenario.

Imports streamlit, econ and ui. Routing only once the pages land (ui/); until then it shows the
default scenario's headline numbers and monthly table.
"""

import streamlit as st

import econ
from econ.report import months, usd
from ui.state import current_scenario

st.set_page_config(page_title="Distillation break-even", layout="wide")
scenario = current_scenario()
result = econ.evaluate(scenario)
st.title("Does distilling pay off?")
cols = st.columns(4)
cols[0].metric("Payback", months(result.payback_months))
cols[1].metric("NPV", usd(result.npv_usd))
cols[2].metric("Savings over horizon", usd(result.total_savings_usd))
be = result.breakeven_requests_per_day
cols[3].metric("Break-even volume", "none" if be is None else f"{be:,.0f} req/day")
for warning in result.warnings:
    st.warning(warning)
st.dataframe(result.monthly, hide_index=True)
