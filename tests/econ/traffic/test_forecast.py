"""Traffic forecast from history: a known growth rate comes back; a bad CSV names its line."""

from __future__ import annotations

import numpy as np
import pytest
from builders import scenario
from histories import history_csv
from hypothesis import given, settings
from hypothesis import strategies as st

import econ
from econ.base.units import DAYS_PER_MONTH
from econ.model.uncertainty import Uncertainty
from econ.risk import monte_carlo
from econ.traffic.forecast import (
    HistoryError,
    apply_forecast,
    compound_growth,
    forecast_traffic,
    load_history,
    monthly_totals,
    parse_history,
)


@pytest.fixture(scope="module")
def growing():
    return forecast_traffic(parse_history(history_csv(0.05)), months=12)


def test_recovers_a_known_growth_rate_within_ten_percent(growing):
    assert growing.monthly_growth == pytest.approx(0.05, rel=0.10)


def test_flat_traffic_forecasts_no_growth():
    f = forecast_traffic(parse_history(history_csv(0.0, seed=2)), months=6)
    assert abs(f.monthly_growth) < 0.005


def test_monthly_rows_hold_their_range(growing):
    table = growing.to_frame()
    assert list(table.columns) == ["month", "requests", "low", "high"] and len(table) == 12
    assert (table["low"] <= table["requests"]).all() and (table["requests"] <= table["high"]).all()
    assert table["high"].iloc[-1] - table["low"].iloc[-1] > table["high"].iloc[0] - table["low"].iloc[0]
    # Month 1 is ~ the last level (10,000 × 1.05^(120/30.4) ≈ 12,100/day) grown one more month.
    assert growing.requests_per_day == pytest.approx(10_000 * 1.05 ** (120 / DAYS_PER_MONTH + 0.5), rel=0.05)


def test_forecast_becomes_the_scenario_traffic_and_a_monte_carlo_input(growing):
    s = apply_forecast(scenario(), growing)
    assert s.traffic.monthly_growth == growing.monthly_growth
    assert s.traffic.requests_per_day == pytest.approx(growing.requests_per_day)
    assert econ.evaluate(s).monthly["requests"].iloc[0] == pytest.approx(
        growing.to_frame()["requests"].iloc[0], rel=0.01)
    mc = monte_carlo(s, Uncertainty(inputs=growing.traffic_inputs(), default_spread=0.0, draws=300))
    assert mc.draws["monthly_growth"].std() > 0


def test_days_with_no_traffic_fall_back_to_an_additive_model():
    text = history_csv(0.02, days=56)
    lines = text.splitlines()
    lines[3] = lines[3].split(",")[0] + ",0"
    f = forecast_traffic(parse_history("\n".join(lines)), months=3)
    assert "on requests" in f.model and len(f.monthly) == 3


def test_json_has_monthly_rows_and_growth(growing):
    data = growing.to_dict()
    assert set(data["monthly"][0]) == {"month", "requests", "low", "high"}
    assert "monthly_growth" in data and data["history_days"] == 120


@pytest.mark.parametrize("edit, message", [
    (lambda ls: ls.__setitem__(4, "2026-01-08,abc"), "line 5: requests 'abc' is not a number"),
    (lambda ls: ls.__setitem__(6, "2026-01-10,-3"), "line 7: requests -3 is negative"),
    (lambda ls: ls.__setitem__(3, "Jan 7,100"), "line 4: date 'Jan 7' is not YYYY-MM-DD"),
    (lambda ls: ls.__setitem__(9, "2026-01-12,100"), "line 10: date 2026-01-12 repeats line 9"),
    (lambda ls: ls.pop(9), "line 10: date 2026-01-14 follows 2026-01-12 (line 9); 1 missing day"),
    (lambda ls: ls.__setitem__(0, "day,count"), "line 1: the header must be 'date,requests'"),
    (lambda ls: ls.__setitem__(2, "2026-01-06,5,6"), "line 3: expected 2 columns"),
    (lambda ls: ls.__setitem__(2, "2026-01-06,nan"), "line 3: requests 'nan' is not a finite number"),
    (lambda ls: ls.__delitem__(slice(25, None)), "24 days of history; need at least 28"),
])
def test_bad_rows_are_named(edit, message):
    lines = history_csv(0.05, days=60).splitlines()
    edit(lines)
    with pytest.raises(HistoryError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_history("\n".join(lines), origin="h.csv")


def test_unsorted_rows_are_accepted_and_files_are_read(tmp_path):
    lines = history_csv(0.0, days=30).splitlines()
    body = lines[1:]
    path = tmp_path / "h.csv"
    path.write_text("\n".join([lines[0], *reversed(body)]) + "\n\n")
    series = load_history(path)
    assert len(series) == 30 and series.index.is_monotonic_increasing
    with pytest.raises(HistoryError, match="cannot read"):
        load_history(tmp_path / "missing.csv")


def test_monthly_totals_split_fractional_days():
    months = monthly_totals(np.ones(100))
    assert len(months) == 3 and months == pytest.approx([DAYS_PER_MONTH] * 3)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.floats(0, 1e6), min_size=31, max_size=200))
def test_monthly_totals_add_up_to_the_days_they_cover(daily):
    daily = np.array(daily)
    months = monthly_totals(daily)
    covered = len(months) * DAYS_PER_MONTH
    whole = int(covered)
    expected = daily[:whole].sum() + (covered - whole) * (daily[whole] if whole < len(daily) else 0)
    assert months.sum() == pytest.approx(expected, rel=1e-9, abs=1e-6)


@given(st.floats(-0.5, 1.0))
def test_compound_growth_of_an_exact_geometric_series(g):
    series = 1000 * (1 + g) ** np.arange(12)
    assert compound_growth(series) == pytest.approx(g, abs=1e-9)
