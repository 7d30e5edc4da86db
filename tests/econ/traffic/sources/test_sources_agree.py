"""Every usage format gives the same canonical daily table, to the cent, and the same screen."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from usage_truth import KINDS, truth_daily, truth_requests, write_source

from econ.model.examples import EXAMPLE_SCENARIO
from econ.model.scenario import Scenario
from econ.portfolio.screen import screen
from econ.traffic.sources.read import read_source

COLUMNS = ["requests", "input_tokens", "cached_input_tokens", "output_tokens", "usd"]


@pytest.fixture(scope="module")
def rows():
    return truth_requests(days=56, seed=3)


@pytest.fixture(scope="module")
def tables(rows, tmp_path_factory):
    folder = tmp_path_factory.mktemp("sources")
    return {kind: read_source(write_source(rows, kind, folder / kind)) for kind in KINDS}


@pytest.mark.parametrize("kind", KINDS)
def test_each_format_gives_the_true_daily_table_to_the_cent(rows, tables, kind):
    truth = truth_daily(rows)
    got = tables[kind].daily.assign(date=lambda f: pd.to_datetime(f["date"]))
    merged = truth.merge(got, on=["date", "task"], how="outer", suffixes=("", "_got"), indicator=True)
    assert (merged["_merge"] == "both").all()
    for column in COLUMNS[:-1]:
        assert np.array_equal(merged[column], merged[f"{column}_got"]), column
    assert np.abs(merged["usd"] - merged["usd_got"]).max() < 0.005  # to the cent


@pytest.mark.parametrize("kind", KINDS)
def test_untagged_spend_and_failed_requests_are_reported(rows, tables, kind):
    ok = (rows["status"] == "success") & ~rows["cache_hit"]
    # untagged: 5 requests/day without a task, minus the failed and cache-hit ones
    assert tables[kind].untagged_usd == pytest.approx(rows.loc[ok & rows["task"].isna(), "usd"].sum(), abs=0.005)
    failed = (rows["status"] == "failure") & (~rows["cache_hit"] | (kind == "litellm-csv"))
    assert tables[kind].failed_requests == failed.sum()
    assert "(untagged)" in tables[kind].summary_lines()[2]


def test_the_screen_is_the_same_from_every_format(tables):
    template = Scenario.model_validate(EXAMPLE_SCENARIO)
    frames = [screen(tables[k].to_usage_log(), template).to_frame() for k in KINDS]
    for frame in frames[1:]:
        pd.testing.assert_frame_equal(frames[0].drop(columns="reasons"), frame.drop(columns="reasons"),
                                      check_exact=False, atol=0.01)


def test_bursty_task_shape_shows_its_peak_and_stable_does_not(tables):
    shape = tables["canonical-parquet"].shape.set_index("task")
    # bursty: ~1,500 requests in 2 hours one day in ten (about 60x its mean hour); stable: 120/day
    # spread over a working day (about 4x)
    assert shape.loc["bursty", "peak_to_average_hourly"] > 10 * shape.loc["stable", "peak_to_average_hourly"]
    assert 200 <= shape.loc["stable", "input_p10"] < shape.loc["stable", "input_p90"] <= 3000


def test_the_screen_takes_each_tasks_own_hourly_peak_and_cache_share(tables):
    table = tables["otel-jsonl"]
    result = screen(table.to_usage_log(), Scenario.model_validate(EXAMPLE_SCENARIO), shape=table.screen_shape())
    tasks = {t.task: t for t in result.tasks}
    hourly = table.shape.set_index("task")["peak_to_average_hourly"]
    assert tasks["stable"].peak_to_average == pytest.approx(hourly["stable"])  # the p99 hour ÷ the mean hour
    assert any("p99 hour" in r for r in tasks["stable"].reasons)
    # "cached": 90% of each request's input is cached (floor(0.9 × input)), priced at the cached price
    assert tasks["cached"].cached_input_share == pytest.approx(0.9, abs=0.001)
    assert tasks["cached"].scenario.teacher.cached_input_share == pytest.approx(0.9, abs=0.001)
    assert tasks["stable"].scenario.teacher.cached_input_share == 0.0


def test_the_shape_is_read_from_the_last_28_days_and_the_report_says_so(tmp_path):
    # "old" has requests on 2026-01-01..03 only; "new" on 2026-02-01..03: the shape window is the 28 days up to
    # 2026-02-03, i.e. from 2026-01-07, so "old" keeps its daily rows but has no hourly shape
    lines = ["timestamp,task,input_tokens,output_tokens"]
    lines += [f"2026-01-0{d}T10:00:00Z,old,100,10" for d in (1, 2, 3)]
    lines += [f"2026-02-0{d}T1{h}:00:00Z,new,200,20" for d in (1, 2, 3) for h in range(3)]
    path = tmp_path / "usage.csv"
    path.write_text("\n".join(lines) + "\n")
    table = read_source(str(path))
    shape = table.shape.set_index("task")
    assert set(table.daily["task"]) == {"old", "new"} and table.shape_since == "2026-01-07"
    assert np.isnan(shape["peak_to_average_hourly"].get("old", np.nan))
    # new: 3 days x 24 h = 72 hours, 9 requests, p99 hour = the ceil(0.72) = 1st largest hour = 1 request
    assert shape.loc["new", "peak_to_average_hourly"] == pytest.approx(1 / (9 / 72))
    assert any("last 28 days (from 2026-01-07)" in line for line in table.summary_lines())
