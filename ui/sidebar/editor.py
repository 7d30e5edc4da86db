"""The scenario editor in the sidebar: every Scenario field, built from the pydantic models themselves.

Imports streamlit and econ (plus `ui.sidebar`/`ui.state`). Labels, units, help text and defaults come
from each field (defaults live once, on the model). Every run the widgets are assembled into a dict and
validated by econ as a whole; only a changed scenario is evaluated here, once. A valid, evaluable result replaces the current scenario; an invalid one
shows each validation message under its field and leaves the last valid scenario, and its result, in place.
A valid one beyond a plausibility band (econ.model.plausibility) gets a warning under the field it names.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

import econ
from econ.model.plausibility import input_flags
from ui import state
from ui.sections import SECTIONS
from ui.sidebar.errors import problems_of, show_flags, show_problems
from ui.sidebar.form import JSON_FIELDS, Form


def render_sidebar() -> list[tuple[str, str]]:
    """Draw every input in the sidebar; update the current scenario when the inputs are valid.

    Returns the problems found ([] when the inputs are valid), so the page can say it shows the
    last valid result.
    """
    scenario = state.current_scenario()
    side = st.sidebar
    side.header("Inputs")
    general = side.empty()
    form = Form(side, force=not state.sidebar_in_sync())
    values: dict[str, Any] = {}
    shown = {name for _, names, _ in SECTIONS for name in names}
    sections = [*SECTIONS, ("Other settings", tuple(n for n in econ.Scenario.model_fields if n not in shown), False)]
    for title, names, expanded in sections:
        if not names:
            continue
        box = side.expander(title, expanded=expanded)
        for name in names:
            if name in shown:
                values[name] = form.field(box, econ.Scenario, name, name, scenario)
            else:  # a field added to the model after this editor was written: JSON, never dropped
                JSON_FIELDS.add(name)
                values[name] = form.json(box, econ.Scenario.model_fields[name], name, getattr(scenario, name))
    candidate, evaluation, problems = problems_of(values, form.branches, scenario)
    problems = form.parse_errors + problems if form.parse_errors else problems
    if problems:
        general.error("Some inputs are invalid (see below); the pages show the last valid result.")
        show_problems(form, problems, general)
        state.mark_sidebar_source(scenario)
        return problems
    show_flags(form, input_flags(candidate))
    if candidate is not scenario:  # problems_of returns the current scenario itself when nothing changed
        state.set_scenario(candidate, evaluation)
    state.mark_sidebar_source(candidate)
    return []
