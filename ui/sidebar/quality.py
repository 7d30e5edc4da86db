"""The quality section of the sidebar: with `quality.evidence` set, the rates it measures are shown, not typed.

Imports streamlit (through the form's containers) and econ. The evidence block (samples file and router
threshold) stays editable; the fields it measures are left out of the form, so they are never typed
beside it, and a caption says what was measured. The Quality page sets the evidence.
"""

from __future__ import annotations

from pathlib import Path

import econ
from econ.measured_quality import measured_fields


class QualityWidgets:
    """Mixin of the sidebar Form: the `quality` model with its measured fields left out."""

    def quality(self, where, path: str, value):
        evidence = value.evidence if isinstance(value, econ.Quality) else None
        skip = tuple(sorted(measured_fields(evidence))) if evidence is not None else ()
        if evidence is not None:
            threshold = evidence.router_threshold or 0.0
            where.caption(f"Measured from graded samples ({Path(evidence.path).name}, router threshold "
                          f"{threshold:.3g}): {', '.join(skip)} come from the evidence; see the Quality page.")
        return self.model(where, econ.Quality, path, value, skip=skip)
