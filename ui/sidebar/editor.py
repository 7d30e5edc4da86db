"""The scenario editor in the sidebar: every Scenario field, built from the pydantic models themselves.

Imports streamlit and econ (plus `ui.sidebar`/`ui.state`). Labels, units, help text and defaults come
from each field (defaults live once, on the model). Every run the widgets are assembled into a dict and
validated by econ as a whole; only a changed scenario is evaluated here, once. A valid, evaluable result
replaces the current scenario; an invalid one shows each validation message under its field and leaves the
last valid scenario, and its result, in place. The inputs that decide the answer sit in a basic part, every
other input in a collapsed advanced part (the layout is `ui.sections`'s; each widget lands by its path).
A valid one beyond a plausibility band (econ.model.plausibility) gets a warning under the field it names.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

import econ
from econ.model.plausibility import input_flags
from ui import state
from ui.sections import ADVANCED_TITLE, BASIC, BASIC_TITLE, OTHER, SECTIONS
from ui.sidebar.errors import problems_of, show_flags, show_problems
from ui.sidebar.form import JSON_FIELDS, Form

SECTION_NAMES = {name for _, names in SECTIONS for name in names}


def _layout(side) -> tuple[dict[str, Any], dict[str, Any]]:
    """The basic part (a bordered box per section with decisive inputs) and the collapsed advanced part
    (every section): {top-level field: container} for each, so a widget lands by its path."""
    side.markdown(f"**{BASIC_TITLE}**")
    basic_tops = {path.split(".")[0] for path in BASIC}
    basic, advanced = {}, {}
    for title, names in SECTIONS:
        if basic_tops & set(names):
            box = side.container(border=True)
            box.markdown(f"**{title}**")
            basic.update(dict.fromkeys(names, box))
    more = side.expander(ADVANCED_TITLE, expanded=False)
    other = tuple(n for n in econ.Scenario.model_fields if n not in SECTION_NAMES)
    for title, names in (*SECTIONS, *([(OTHER, (*other, OTHER))] if other else [])):
        box = more.container()
        box.markdown(f"**{title}**")
        advanced.update(dict.fromkeys(names, box))
    return basic, advanced


def render_sidebar() -> list[tuple[str, str]]:
    """Draw every input in the sidebar; update the current scenario when the inputs are valid.

    Returns the problems found ([] when the inputs are valid), so the page can say it shows the
    last valid result.
    """
    state.sync_edited_name()
    scenario = state.current_scenario()
    side = st.sidebar
    side.header("Inputs")
    general = side.empty()
    form = Form(side, force=not state.sidebar_in_sync())
    form.basic, form.advanced = _layout(side)
    values: dict[str, Any] = {}
    for name, info in econ.Scenario.model_fields.items():
        if name in SECTION_NAMES:
            values[name] = form.field(form.advanced[name], econ.Scenario, name, name, scenario)
        else:  # a field added to the model after this editor was written: JSON, never dropped
            JSON_FIELDS.add(name)
            values[name] = form.json(form.advanced[OTHER], info, name, getattr(scenario, name))
    candidate, evaluation, problems = problems_of(values, form.branches, scenario)
    problems = form.parse_errors + problems if form.parse_errors else problems
    if problems:
        general.error("Some inputs are invalid (see below); the pages show the last valid result.")
        show_problems(form, problems, general)
        state.mark_sidebar_source(scenario)
        return problems
    show_flags(form, input_flags(candidate))
    if candidate is not scenario:  # problems_of returns the current scenario itself when nothing changed
        candidate = state.set_scenario(candidate, evaluation)
    state.mark_sidebar_source(candidate)
    return []
