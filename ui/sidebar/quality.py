"""The quality section of the sidebar: with `quality.evidence` on, the rates it measures are shown, not typed.

Imports streamlit and econ. The evidence block (samples file and router threshold) stays editable; the
fields it measures are left out of the form, so they are never typed beside it, and a caption says
what was measured. Whether evidence is on is read from its widgets (the user may just have ticked it),
else from the scenario. The Quality page sets the evidence too.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

import econ
from econ.evidence.measured import measured_fields
from ui import state


class QualityWidgets:
    """Mixin of the sidebar Form: the `quality` model with its measured fields left out."""

    def _evidence_shown(self, path: str, value) -> econ.Evidence | None:
        """The evidence the widgets will show: the scenario's, or what the user just ticked and typed."""
        evidence = value.evidence if isinstance(value, econ.Quality) else None
        key = f"{state.INPUT_PREFIX}{path}.evidence"
        if self.force or f"{key}.__on" not in st.session_state:
            return evidence
        if not st.session_state[f"{key}.__on"]:
            return None
        threshold = st.session_state.get(f"{key}.router_threshold")
        try:
            return econ.Evidence(path=st.session_state.get(f"{key}.path") or "?", router_threshold=threshold)
        except ValueError:  # a threshold outside [0, 1]: econ names it when the form is validated
            return econ.Evidence(path=st.session_state.get(f"{key}.path") or "?")

    def quality(self, where, path: str, value):
        evidence = self._evidence_shown(path, value)
        skip = tuple(sorted(measured_fields(evidence))) if evidence is not None else ()
        if evidence is not None:
            threshold = evidence.router_threshold or 0.0
            where.caption(f"Measured from graded samples ({Path(evidence.path).name}, router threshold "
                          f"{threshold:.3g}): {', '.join(skip)} come from the evidence; see the Quality page.")
        return self.model(where, econ.Quality, path, value, skip=skip)
