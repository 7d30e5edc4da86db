"""The one session-state key for the current scenario, shared by every page.

Imports streamlit and econ. Pages read the scenario with `current_scenario()` and replace it only
with a validated Scenario via `set_scenario()`, so an invalid edit never loses the last valid one.
"""

from __future__ import annotations

import streamlit as st

import econ

SCENARIO_KEY = "scenario"


def default_scenario() -> econ.Scenario:
    """The scenario the app opens on."""
    factory = getattr(econ, "default_scenario", None)
    return factory() if factory else econ.example_scenario()


def current_scenario() -> econ.Scenario:
    """The current (always valid) scenario of this session."""
    if SCENARIO_KEY not in st.session_state:
        st.session_state[SCENARIO_KEY] = default_scenario()
    return st.session_state[SCENARIO_KEY]


def set_scenario(scenario: econ.Scenario) -> None:
    """Replace the current scenario (already validated)."""
    st.session_state[SCENARIO_KEY] = scenario
