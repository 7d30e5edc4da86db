"""Usage logs for the screen tests: the shipped generator (examples/make_usage.py) and CSV helpers.

Import with `from usage_logs import TaskSpec, synthetic_usage, csv_bytes`.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("make_usage", ROOT / "examples" / "make_usage.py")
make_usage = importlib.util.module_from_spec(_spec)
sys.modules["make_usage"] = make_usage  # dataclasses look their module up by name
_spec.loader.exec_module(make_usage)

TaskSpec = make_usage.TaskSpec
synthetic_usage = make_usage.synthetic_usage
expected_daily = make_usage.expected_daily


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """A usage frame as the bytes of a CSV file."""
    return frame.to_csv(index=False).encode()
