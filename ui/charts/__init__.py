"""Chart builders: pure functions from econ's tables to Plotly figures (never streamlit).

layout: the house style; costs: break-even and comparison; serving: capacity and cost per token;
risk: Monte Carlo, tornado, decision, forecast; palette: the colors.
"""
