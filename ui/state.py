"""The one session-state key for the current scenario, shared by every page.

Imports streamlit and econ. Pages read the scenario with `current_scenario()` and replace it only
with a validated Scenario via `set_scenario()`, so an invalid edit never loses the last valid one.
Beside it live only things derived from it: its evaluation (computed once per change), the
scenario before the last change (for the metric deltas) and an optional pinned baseline.
Input widgets keep their own keys (prefix `INPUT_PREFIX`). Any page may replace the scenario with
`set_scenario()` (then call `st.rerun()` so the sidebar, already drawn, shows it at once): the
sidebar notices that the scenario is not the one its widgets show and re-reads every value.
"""

from __future__ import annotations

import streamlit as st

import econ

SCENARIO_KEY = "scenario"
_EVALUATION_KEY = "scenario.evaluation"  # (scenario, Evaluation) of the current scenario
_PREVIOUS_KEY = "scenario.previous"  # Evaluation before the last change
_BASELINE_KEY = "scenario.baseline"  # pinned Evaluation, or absent
_VERDICT_KEY = "scenario.verdict"  # (scenario, Verdict) of the current scenario
_SIDEBAR_SOURCE_KEY = "scenario.sidebar_source"  # the scenario the input widgets show
INPUT_PREFIX = "in:"


def default_scenario() -> econ.Scenario:
    """The scenario the app opens on."""
    factory = getattr(econ, "default_scenario", None)
    return factory() if factory else econ.example_scenario()


def current_scenario() -> econ.Scenario:
    """The current (always valid) scenario of this session."""
    if SCENARIO_KEY not in st.session_state:
        st.session_state[SCENARIO_KEY] = default_scenario()
    return st.session_state[SCENARIO_KEY]


def set_scenario(scenario: econ.Scenario, evaluation: econ.Evaluation | None = None) -> None:
    """Replace the current scenario (already validated); the old one's result becomes 'previous'."""
    if SCENARIO_KEY in st.session_state:
        st.session_state[_PREVIOUS_KEY] = current_evaluation()
    st.session_state[SCENARIO_KEY] = scenario
    if evaluation is not None:
        st.session_state[_EVALUATION_KEY] = (scenario, evaluation)


def current_evaluation() -> econ.Evaluation:
    """econ.evaluate(current scenario), computed once per change of the scenario."""
    scenario = current_scenario()
    cached = st.session_state.get(_EVALUATION_KEY)
    if cached is None or cached[0] is not scenario:
        cached = (scenario, econ.evaluate(scenario))
        st.session_state[_EVALUATION_KEY] = cached
    return cached[1]


def current_verdict():
    """econ.risk.verdict.verdict(current scenario), computed once per change of the scenario."""
    # Imported here: the Monte Carlo's modules load with the first page that asks for a verdict.
    from econ.risk.verdict import verdict

    scenario = current_scenario()
    cached = st.session_state.get(_VERDICT_KEY)
    if cached is None or cached[0] is not scenario:
        cached = (scenario, verdict(scenario, current_evaluation()))
        st.session_state[_VERDICT_KEY] = cached
    return cached[1]


def previous_evaluation() -> econ.Evaluation | None:
    """The result before the last change of the scenario (None on the first run)."""
    return st.session_state.get(_PREVIOUS_KEY)


def baseline_evaluation() -> econ.Evaluation | None:
    """The pinned baseline's result, if one is pinned."""
    return st.session_state.get(_BASELINE_KEY)


def pin_baseline(evaluation: econ.Evaluation | None) -> None:
    """Pin (or, with None, unpin) a baseline for the metric deltas."""
    if evaluation is None:
        st.session_state.pop(_BASELINE_KEY, None)
    else:
        st.session_state[_BASELINE_KEY] = evaluation


def sidebar_in_sync() -> bool:
    """Whether the input widgets show the current scenario (False after another page replaced it)."""
    return st.session_state.get(_SIDEBAR_SOURCE_KEY) is current_scenario()


def mark_sidebar_source(scenario: econ.Scenario) -> None:
    """Record that the input widgets now show (or produced) `scenario`."""
    st.session_state[_SIDEBAR_SOURCE_KEY] = scenario


def load_scenario(scenario: econ.Scenario, evaluation: econ.Evaluation) -> None:
    """Make a loaded scenario current; the sidebar re-reads it (call st.rerun() after)."""
    set_scenario(scenario, evaluation)
