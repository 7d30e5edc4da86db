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
from econ.model.quality import ERROR_COST_LABEL, NOT_PRICED
from ui import state

PRICED, UNPRICED, UNSTATED = "Priced (USD per wrong answer)", "Not priced: decide on cost alone", "Not stated yet"


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

    def error_cost(self, where, info, path: str, value):
        """The cost of a wrong answer is a decision: a number, "not_priced", or (until stated) nothing."""
        mode_key, key = state.INPUT_PREFIX + path + ".__mode", state.INPUT_PREFIX + path
        mode = UNSTATED if value is None else UNPRICED if value == NOT_PRICED else PRICED
        self._init(mode_key, mode)
        self._init(key, float(value) if mode == PRICED else None)
        picked = where.radio(ERROR_COST_LABEL, [PRICED, UNPRICED, UNSTATED], key=mode_key,
                             help=self.help(info, path))
        out = None if picked == UNSTATED else NOT_PRICED
        if picked == PRICED:
            out = where.number_input("USD per wrong answer", key=key, value=None, step=0.1, format="%g",
                                     help="What one wrong answer costs the business: a refund, an escalation, "
                                          "a support ticket, a lost customer's share.")
        self.slot(path, where)
        return out
