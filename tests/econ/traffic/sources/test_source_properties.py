"""Properties: shuffling rows, splitting a file into a folder of parts, adding untagged rows change no task's score."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from usage_truth import canonical_frame, truth_requests

from econ.model.examples import EXAMPLE_SCENARIO
from econ.model.scenario import Scenario
from econ.portfolio.screen import screen
from econ.traffic.sources.read import read_source

ROWS = canonical_frame(truth_requests(days=42, seed=11))
TEMPLATE = Scenario.model_validate(EXAMPLE_SCENARIO)


def _scores(source: str) -> pd.DataFrame:
    frame = screen(read_source(source).to_usage_log(), TEMPLATE).to_frame().set_index("task")
    return frame.loc[:, ["requests_per_day", "monthly_growth", "npv_usd", "verdict"]].sort_index()


BASE = None


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**32 - 1), parts=st.integers(1, 5), untagged=st.integers(0, 300))
def test_order_parts_and_untagged_rows_change_no_tagged_score(tmp_path_factory, seed, parts, untagged):
    global BASE
    if BASE is None:
        whole = tmp_path_factory.mktemp("whole") / "whole.parquet"
        ROWS.to_parquet(whole, index=False)
        BASE = _scores(str(whole))
    folder = tmp_path_factory.mktemp("parts")
    rng = np.random.default_rng(seed)
    extra = ROWS.sample(untagged, random_state=seed, replace=True).assign(task=None)
    rows = pd.concat([ROWS, extra]).sample(frac=1.0, random_state=seed).reset_index(drop=True)
    cuts = [0, *np.sort(rng.choice(np.arange(1, len(rows)), parts - 1, replace=False)), len(rows)]
    for i, (start, stop) in enumerate(zip(cuts[:-1], cuts[1:], strict=True)):
        rows.iloc[start:stop].to_parquet(folder / f"part-{i}.parquet", index=False)
    pd.testing.assert_frame_equal(_scores(str(folder)), BASE, check_exact=False, rtol=1e-9)
