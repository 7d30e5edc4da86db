"""Request lengths as distributions: parsed from a flag or a file (hostile input gives one line naming the
flag and the file's line/column), summarised exactly, and sampled with a seed that fixes request i."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from econ.base.errors import FieldError
from profiles.load.lengths import BLOCK, parse_length, workload_specs
from profiles.load.request_plan import RequestPlan, mismatch_note, sample_stats, spec_stats


def test_a_whole_number_is_a_fixed_length():
    spec = parse_length("128", "--input-tokens")
    assert spec.kind == "fixed" and spec.mean == 128 and spec.max_tokens == 128
    assert set(spec.draws(0, 50, seed=1, stream=1).tolist()) == {128}


def test_lognormal_takes_the_mean_and_sd_of_the_token_count():
    spec = parse_length("lognormal:200,80", "--input-tokens")
    # sigma^2 = ln(1 + (80/200)^2) = ln 1.16 = 0.14842; mu = ln 200 - 0.07421 = 5.22412
    # median = e^mu = 185.70; 99.9th percentile cut = e^(mu + 3.0902 * 0.38526) = 611 (ceil)
    assert spec.quantile(0.5, 0.0) == pytest.approx(185.695, abs=0.01)
    assert spec.max_tokens == 611
    draws = spec.draws(0, 40_000, seed=3, stream=1)
    assert draws.mean() == pytest.approx(200, rel=0.01) and draws.std() == pytest.approx(80, rel=0.03)
    assert draws.max() <= 611 and draws.min() >= 1


def test_uniform_draws_every_whole_number_between_the_bounds():
    spec = parse_length("uniform:10,20", "--output-tokens", 2)
    draws = spec.draws(0, 20_000, seed=0, stream=2)
    assert set(draws.tolist()) == set(range(10, 21)) and spec.mean == 15 and spec.max_tokens == 20


def test_empirical_quantiles_interpolate_between_the_given_points(tmp_path):
    path = tmp_path / "q.json"
    path.write_text(json.dumps({"quantiles": {"0.0": 10, "p50": 100, "1.0": 1000}}))
    spec = parse_length(f"empirical:{path}", "--input-tokens")
    # inverse CDF: 10 at 0, 100 at 0.5, 1000 at 1 -> mean = 0.5 * (10+100)/2 + 0.5 * (100+1000)/2 = 302.5
    assert spec.mean == pytest.approx(302.5) and spec.quantile(0.75, 0) == pytest.approx(550)
    assert spec.draws(0, 40_000, seed=0, stream=1).mean() == pytest.approx(302.5, rel=0.02)


def test_an_empirical_histogram_is_uniform_inside_each_bin(tmp_path):
    path = tmp_path / "h.json"
    path.write_text(json.dumps({"histogram": {"edges": [0, 100, 300], "counts": [3, 1]}}))
    spec = parse_length(f"empirical:{path}", "--input-tokens")
    # 3/4 of requests in [0, 100) (mean 50), 1/4 in [100, 300) (mean 200): mean = 37.5 + 50 = 87.5
    assert spec.mean == pytest.approx(87.5)
    draws = spec.draws(0, 40_000, seed=0, stream=1)
    assert (draws < 100).mean() == pytest.approx(0.75, abs=0.01)


def test_request_i_gets_the_same_length_whatever_block_it_is_drawn_in():
    spec = parse_length("lognormal:50,30", "x")
    whole = spec.draws(0, 3 * BLOCK, seed=9, stream=1)
    assert (spec.draws(BLOCK - 5, 10, seed=9, stream=1) == whole[BLOCK - 5:BLOCK + 5]).all()
    assert not (spec.draws(0, 100, seed=10, stream=1) == whole[:100]).all()


@pytest.mark.parametrize("text, message", [
    ("lognormal:200", "expected 2 comma-separated numbers"),
    ("lognormal:-1,3", "must be positive"),
    ("uniform:20,10", "1 <= LO <= HI"),
    ("gamma:1,2", "unknown distribution 'gamma'"),
    ("abc", "expected a whole number"),
    ("0", "must be at least 1"),
    ("empirical:/no/such/file.json", "file not found"),
])
def test_a_bad_length_is_one_line_naming_the_flag(text, message):
    with pytest.raises(FieldError) as caught:
        parse_length(text, "--input-tokens")
    assert str(caught.value).startswith("--input-tokens: ") and message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_a_broken_json_length_file_names_its_line_and_column(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('{"quantiles": {\n "0.5": 10,\n}')
    with pytest.raises(FieldError, match=r"line 3, column 1"):
        parse_length(f"empirical:{path}", "--input-tokens")


def test_a_workload_file_gives_both_lengths(tmp_path):
    path = tmp_path / "task.json"
    path.write_text(json.dumps({"task": "support", "input_tokens": {"quantiles": {"0.5": 300, "0.9": 900}},
                                "output_tokens": "uniform:20,60"}))
    inputs, outputs = workload_specs(str(path), minimum_output=2)
    assert inputs.kind == "empirical" and inputs.max_tokens == 900 and outputs.mean == 40


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=300))
def test_random_bytes_as_a_length_or_workload_file_are_refused_in_one_line_or_read(tmp_path, data):
    path = tmp_path / "random.json"
    path.write_bytes(data)
    for read in (lambda: parse_length(f"empirical:{path}", "--input-tokens"),
                 lambda: workload_specs(str(path))):
        try:
            read()
        except FieldError as exc:
            assert "\n" not in str(exc) and str(exc).startswith("--")


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cut=st.integers(min_value=0, max_value=120))
def test_a_truncated_workload_file_is_refused_in_one_line_or_read(tmp_path, cut):
    text = json.dumps({"input_tokens": {"histogram": {"edges": [1, 50, 400], "counts": [5, 2]}},
                       "output_tokens": 32})
    path = tmp_path / "cut.json"
    path.write_text(text[:cut])
    try:
        workload_specs(str(path))
    except FieldError as exc:
        assert "\n" not in str(exc)


@settings(max_examples=60, deadline=None)
@given(mean=st.floats(5, 5000), sd=st.floats(1, 5000), seed=st.integers(0, 2**31))
def test_draws_are_whole_positive_and_never_past_the_largest(mean, sd, seed):
    spec = parse_length(f"lognormal:{mean},{sd}", "x")
    draws = spec.draws(0, 500, seed=seed, stream=1)
    assert draws.dtype == np.int64 and draws.min() >= 1 and draws.max() <= spec.max_tokens
    assert spec_stats(spec).p50 <= spec_stats(spec).p99 <= spec.max_tokens


def test_each_request_starts_with_one_of_the_shared_prefixes():
    plan = RequestPlan(parse_length("uniform:5,9", "x"), parse_length("4", "y"), seed=0, min_output=2,
                       prefix_tokens=16, prefix_groups=3, vocab_size=1000)
    prompts = [plan.prompt(i, point=0) for i in range(6)]
    assert prompts[0][:16] == prompts[3][:16] != prompts[1][:16]
    assert all(len(p) == plan.planned_input(i) for i, p in enumerate(prompts))
    assert plan.prompt(0, point=1)[:16] == prompts[0][:16] and plan.prompt(0, point=1) != prompts[0]


def test_realised_lengths_are_summarised_and_mismatches_noted():
    stats = sample_stats([10, 20, 30, 40])
    assert stats.mean == 25 and stats.min == 10 and stats.max == 40 and stats.count == 4
    assert mismatch_note([5, 6], [5, 6], "prompt") is None
    assert mismatch_note([5, 6], [5, 9],
                         "prompt") == ("1 of 2 requests had usage.prompt_tokens != the length "
                                                        "asked for (worst: asked 6, counted 9)")
    assert "no usage" in mismatch_note([5], [None], "prompt")
    assert math.isclose(spec_stats(parse_length("7", "x"), shift=3).mean, 10)
