"""The Portfolio page under Streamlit's AppTest, shared by its page tests: open it on the example scenario,
read a metric by its label.

Imports streamlit's testing API, econ and ui.state.
"""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

import econ
from ui.state import SCENARIO_KEY

APP = str(Path(__file__).resolve().parents[1] / "app.py")
PAGE = "ui/pages/portfolio.py"


def start(timeout_s: float = 60) -> AppTest:
    """The app on the example scenario, switched to the Portfolio page (`timeout_s` per script run)."""
    at = AppTest.from_file(APP, default_timeout=timeout_s)
    at.session_state[SCENARIO_KEY] = econ.example_scenario()
    at.run()
    return at.switch_page(PAGE).run()


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)
