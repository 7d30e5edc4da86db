"""The one session-state key for the current scenario, shared by every page.

Imports streamlit and econ. Pages read the scenario with `current_scenario()` and replace it only
with a validated Scenario via `set_scenario()`, so an invalid edit never loses the last valid one.
Beside it live only things derived from it: its evaluation (computed once per change), the
scenario before the last change (for the metric deltas), an optional pinned baseline, and the name the
scenario was opened or loaded under: an edit that keeps that name renames it "NAME (edited)".
Input widgets keep their own keys (prefix `INPUT_PREFIX`). Any page may replace the scenario with
`set_scenario()` (then call `st.rerun()` so the sidebar, already drawn, shows it at once): the
sidebar notices that the scenario is not the one its widgets show and re-reads every value.
"""

from __future__ import annotations

import dataclasses

import streamlit as st

import econ

SCENARIO_KEY = "scenario"
_EVALUATION_KEY = "scenario.evaluation"  # (scenario, Evaluation) of the current scenario
_PREVIOUS_KEY = "scenario.previous"  # Evaluation before the last change
_BASELINE_KEY = "scenario.baseline"  # pinned Evaluation, or absent
_VERDICT_KEY = "scenario.verdict"  # (scenario, Verdict) of the current scenario
_SIDEBAR_SOURCE_KEY = "scenario.sidebar_source"  # the scenario the input widgets show
_ORIGIN_KEY = "scenario.origin_name"  # the name of the scenario as opened or loaded, before any edit
INPUT_PREFIX = "in:"
EDITED = " (edited)"


def default_scenario() -> econ.Scenario:
    """The scenario the app opens on."""
    factory = getattr(econ, "default_scenario", None)
    return factory() if factory else econ.example_scenario()


def current_scenario() -> econ.Scenario:
    """The current (always valid) scenario of this session."""
    if SCENARIO_KEY not in st.session_state:
        st.session_state[SCENARIO_KEY] = default_scenario()
    return st.session_state[SCENARIO_KEY]


def origin_name() -> str:
    """The name of the scenario as it was opened or loaded (edits rename it 'NAME (edited)')."""
    return st.session_state.get(_ORIGIN_KEY) or current_scenario().name.removesuffix(EDITED)


def edited(scenario: econ.Scenario, evaluation: econ.Evaluation | None):
    """An edit of the opened scenario that kept its name is renamed 'NAME (edited)'; its evaluation too."""
    origin = origin_name()
    if scenario.name != origin:
        return scenario, evaluation
    scenario = scenario.model_copy(update={"name": origin + EDITED})
    return scenario, (dataclasses.replace(evaluation, scenario=scenario) if evaluation is not None else None)


def sync_edited_name() -> None:
    """Before the sidebar draws: its name box shows 'NAME (edited)' once the scenario has been renamed so."""
    key, scenario = INPUT_PREFIX + "name", current_scenario()
    if scenario.name == origin_name() + EDITED and st.session_state.get(key) == origin_name():
        st.session_state[key] = scenario.name


def set_scenario(scenario: econ.Scenario, evaluation: econ.Evaluation | None = None) -> econ.Scenario:
    """Replace the current scenario (already validated) and return it as stored (an edit that kept the
    opened scenario's name is renamed 'NAME (edited)'); the old one's result becomes 'previous'."""
    if SCENARIO_KEY in st.session_state:
        st.session_state.setdefault(_ORIGIN_KEY, origin_name())
        scenario, evaluation = edited(scenario, evaluation)
    return _store(scenario, evaluation)


def _store(scenario: econ.Scenario, evaluation: econ.Evaluation | None) -> econ.Scenario:
    if SCENARIO_KEY in st.session_state:
        st.session_state[_PREVIOUS_KEY] = current_evaluation()
    st.session_state[SCENARIO_KEY] = scenario
    if evaluation is not None:
        st.session_state[_EVALUATION_KEY] = (scenario, evaluation)
    return scenario


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
    """Make a loaded scenario current under its own name; the sidebar re-reads it (call st.rerun() after)."""
    st.session_state[_ORIGIN_KEY] = scenario.name
    _store(scenario, evaluation)
