"""Normalisation, one case each: cached tokens, cents, provider prefixes, spend 0, failures, UTC days."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from econ.traffic.sources.read import read_source


def _read(tmp_path, frame: pd.DataFrame, name: str = "u.csv", **options):
    path = tmp_path / name
    if name.endswith(".parquet"):
        frame.to_parquet(path, index=False)
    else:
        frame.to_csv(path, index=False)
    return read_source(str(path), **options)


def test_anthropic_raw_usage_adds_cache_reads_and_writes_to_the_input(tmp_path):
    frame = pd.DataFrame({"timestamp": ["2026-03-01T10:00:00Z"], "task": ["a"], "input_tokens": [100],
                          "cache_read_input_tokens": [900], "cache_creation_input_tokens": [50],
                          "output_tokens": [10], "model": ["claude-sonnet-4-5"]})
    day = _read(tmp_path, frame).daily.iloc[0]
    assert day["input_tokens"] == 1050 and day["cached_input_tokens"] == 900  # 100 + 900 + 50; 900 cached
    # priced: (1050 - 900) × $3 + 900 × $0.30 + 10 × $15 per M = 450 + 270 + 150 = 870 / 1e6
    assert day["usd"] == pytest.approx(870e-6)


def test_openai_style_cached_tokens_stay_inside_the_input(tmp_path):
    frame = pd.DataFrame({"timestamp": ["2026-03-01T10:00:00Z"], "task": ["a"], "input_tokens": [1000],
                          "cached_input_tokens": [800], "output_tokens": [10], "model": ["gpt-4o"]})
    day = _read(tmp_path, frame).daily.iloc[0]
    assert day["input_tokens"] == 1000 and day["cached_input_tokens"] == 800
    assert day["usd"] == pytest.approx((200 * 2.5 + 800 * 1.25 + 10 * 10.0) / 1e6)  # 500 + 1000 + 100


def test_cost_in_cents_is_divided_by_100_and_the_report_says_so(tmp_path):
    frame = pd.DataFrame({"timestamp": ["2026-03-01T10:00:00Z"] * 2, "task": ["a", "a"], "input_tokens": [1, 1],
                          "output_tokens": [1, 1], "cost_cents": [12.5, 7.5]})
    table = _read(tmp_path, frame)
    assert table.daily.iloc[0]["usd"] == pytest.approx(0.20)  # (12.5 + 7.5) cents
    assert "cents" in table.cost_source


def test_provider_prefixes_are_removed_before_pricing(tmp_path):
    frame = pd.DataFrame({"timestamp": ["2026-03-01T10:00:00Z"] * 2, "task": ["a", "a"], "input_tokens": [1e6, 1e6],
                          "output_tokens": [0, 0], "model": ["azure/gpt-4o", "openai/gpt-4o"]})
    day = _read(tmp_path, frame).daily.iloc[0]
    assert day["model"] == "gpt-4o" and day["usd"] == pytest.approx(5.0)  # 2 × 1M × $2.50


def test_failed_and_cache_hit_rows_with_spend_0_stay_out_of_volume_and_price(tmp_path):
    frame = pd.DataFrame({"request_id": ["1", "2", "3"], "startTime": ["2026-03-01 10:00:00"] * 3,
                          "model": ["gpt-4o"] * 3, "prompt_tokens": [100, 100, 100], "completion_tokens": [10, 10, 10],
                          "spend": [0.002, 0.0, 0.0], "request_tags": [json.dumps(["taskName:a"])] * 3,
                          "status": ["success", "failure", "success"], "cache_hit": ["False", "False", "True"]})
    table = _read(tmp_path, frame)
    day = table.daily.iloc[0]
    assert day["requests"] == 1 and day["usd"] == pytest.approx(0.002)  # the $0 rows do not dilute $/request
    assert table.failed_requests == 1 and table.cache_hit_requests == 1


def test_every_day_is_a_utc_day(tmp_path):
    frame = pd.DataFrame({"timestamp": ["2026-03-01T01:30:00+02:00", "2026-02-28T23:30:00-01:00"], "task": ["a", "a"],
                          "input_tokens": [1, 1], "output_tokens": [1, 1]})
    daily = _read(tmp_path, frame).daily
    # 01:30 at +02:00 is 23:30 UTC on Feb 28; 23:30 at -01:00 is 00:30 UTC on Mar 1
    assert [str(d)[:10] for d in daily["date"]] == ["2026-02-28", "2026-03-01"]


def test_task_key_tag_metadata_and_model(tmp_path):
    frame = pd.DataFrame({"startTime": ["2026-03-01 10:00:00"] * 2, "model": ["gpt-4o", "gpt-4o-mini"],
                          "prompt_tokens": [1, 1], "completion_tokens": [1, 1], "spend": [1.0, 2.0],
                          "request_tags": [json.dumps(["team:x", "taskName:a"]), json.dumps(["team:y"])],
                          "metadata": [json.dumps({"app": {"name": "n1"}}), json.dumps({})]})
    by_team = _read(tmp_path, frame, task_key="tag:team").daily
    assert sorted(by_team["task"]) == ["x", "y"]
    by_meta = _read(tmp_path, frame, task_key="metadata.app.name")
    assert sorted(by_meta.daily["task"]) == ["(untagged)", "n1"] and by_meta.untagged_usd == 2.0
    assert sorted(_read(tmp_path, frame, task_key="model").daily["task"]) == ["gpt-4o", "gpt-4o-mini"]


def test_since_and_until_keep_whole_utc_days(tmp_path):
    frame = pd.DataFrame({"date": ["2026-03-01", "2026-03-02", "2026-03-03"], "task": ["a"] * 3,
                          "requests": [1, 2, 3], "input_tokens": [1, 2, 3], "output_tokens": [1, 2, 3]})
    daily = _read(tmp_path, frame, since="2026-03-02", until="2026-03-02").daily
    assert list(daily["requests"]) == [2]
