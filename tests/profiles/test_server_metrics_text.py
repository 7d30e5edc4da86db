"""The server's /metrics text: parsed as hostile input (one line naming line and column, never another
exception), a point's scrapes summarised with known numbers, and the binding limit named."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from profiles.load.server_metrics import (
    KV_USAGE,
    PREEMPTIONS,
    PREFIX_HITS,
    PREFIX_QUERIES,
    RUNNING,
    WAITING,
    MetricsTextError,
    Scrape,
    binding_limit,
    parse_metrics,
    server_view,
)

VLLM_TEXT = """# HELP vllm:kv_cache_usage_perc KV-cache usage. 1 means 100 percent usage.
# TYPE vllm:kv_cache_usage_perc gauge
vllm:kv_cache_usage_perc{engine="0",model_name="tiny"} 0.25
vllm:kv_cache_usage_perc{engine="1",model_name="tiny"} 0.5
vllm:num_requests_running{engine="0",model_name="tiny"} 3.0
vllm:num_requests_running{engine="1",model_name="tiny"} 2.0
vllm:num_preemptions_total{engine="0",model_name="t,i}ny \\"q\\""} 7.0 1700000000000
vllm:prefix_cache_queries_created{engine="0"} 1.7e9
http_requests_total 12
"""


def test_vllm_text_sums_series_and_keeps_the_fullest_kv_cache():
    values = parse_metrics(VLLM_TEXT)
    assert values == {KV_USAGE: 0.5, RUNNING: 5.0, PREEMPTIONS: 7.0}


@pytest.mark.parametrize("text, where", [
    ("<html>\n", "line 1, column 1"),
    ("# ok\nvllm:num_requests_running{engine=0} 1\n", "line 2, column 27"),
    ("vllm:num_requests_running 1 2 3\n", "line 1, column 26"),
    ("vllm:num_requests_running abc\n", "not a number"),
    ("vllm:num_requests_running{a=\"b\"}1\n", "line 1, column 33"),
])
def test_text_that_is_not_prometheus_names_line_and_column(text, where):
    with pytest.raises(MetricsTextError, match=where):
        parse_metrics(text)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_any_text_parses_or_is_refused_in_one_line(text):
    try:
        parse_metrics(text)
    except MetricsTextError as exc:
        assert "\n" not in str(exc)


@settings(max_examples=100, deadline=None)
@given(cut=st.integers(0, len(VLLM_TEXT)))
def test_a_truncated_exposition_parses_or_is_refused_in_one_line(cut):
    try:
        parse_metrics(VLLM_TEXT[:cut])
    except MetricsTextError as exc:
        assert "\n" not in str(exc)


def scrape(t, kv, running, waiting, preempted, queries, hits):
    return Scrape(t, {KV_USAGE: kv, RUNNING: running, WAITING: waiting, PREEMPTIONS: preempted,
                      PREFIX_QUERIES: queries, PREFIX_HITS: hits})


def test_a_point_summary_has_means_maxima_their_times_and_counter_rises():
    scrapes = [scrape(0.0, 0.1, 1, 0, 5, 1000, 100), scrape(1.0, 0.9, 4, 2, 9, 3000, 1600),
               Scrape(2.0, None, "no answer within 2 s"), scrape(3.0, 0.5, 2, 1, 12, 5000, 2100)]
    view = server_view(scrapes, 1.0, reset=True)
    assert view.status == "scraped" and view.scrapes == 4 and view.failed_scrapes == 1
    # KV: mean (0.1 + 0.9 + 0.5) / 3 = 0.5, max 0.9 at 1 s
    assert view.kv_cache_usage.mean == pytest.approx(0.5) and view.kv_cache_usage.max == 0.9
    assert view.kv_cache_usage.at_max_s == 1.0 and view.waiting.max == 2
    # preemptions 12 - 5 = 7; prefix hits (2100 - 100) / queries (5000 - 1000) = 0.5
    assert view.preemptions == 7 and view.prefix_cache_hit_rate == pytest.approx(0.5)
    assert view.prefix_cache_queries_tokens == 4000 and "1 of 4 scrapes failed" in view.note
    assert [s.t_s for s in view.samples] == [0.0, 1.0, 3.0]


def test_a_point_whose_scrapes_all_failed_is_marked_missing():
    view = server_view([Scrape(0.0, None,
                               "not Prometheus text: line 1, column 1: expected a metric name")] * 2,
                       1.0, reset=None)
    assert view.status == "missing" and view.kv_cache_usage is None and "line 1, column 1" in view.note


def test_a_counter_that_fell_gives_no_rise():
    view = server_view([scrape(0, 0, 0, 0, 50, 10, 1), scrape(1, 0, 0, 0, 2, 20, 2)], 1.0, None)
    assert view.preemptions is None and view.prefix_cache_hit_rate == pytest.approx(0.1)


def test_the_binding_limit_is_named_from_the_view():
    full = server_view([scrape(0, 0.4, 8, 3, 0, 0, 0), scrape(1, 1.0, 8, 20, 340, 0, 0)], 1.0, None)
    assert binding_limit(full, "12 req/s") == "KV cache full at 12 req/s: 340 preemptions"
    queue = server_view([scrape(0, 0.2, 8, 3, 0, 0, 0), scrape(1, 0.4, 8, 9, 0, 0, 0)], 1.0, None)
    assert binding_limit(queue, "40 req/s") == (
        "compute-bound at 40 req/s: queue grows (up to 9 waiting) with KV cache at 40%"
    )
    assert binding_limit(None, "1 req/s") is None


def test_the_binding_limit_is_read_at_the_smallest_failing_load_above_the_capacity():
    from econ.model.profile import Load, Point
    from profiles.load.workload_report import binding_limit_of

    full = server_view([scrape(0, 0.4, 8, 3, 0, 0, 0), scrape(1, 1.0, 8, 20, 340, 0, 0)], 1.0, None)
    calm = server_view([scrape(0, 0.1, 1, 0, 0, 0, 0), scrape(1, 0.1, 1, 0, 0, 0, 0)], 1.0, None)

    def point(rate, achieved, attained, view):
        return Point(batch_size=1, load=Load(kind="rate", value=rate), requests_per_s=achieved,
                     slo_attainment=attained, server=view)

    points = [point(5, 5.0, 1.0, calm), point(10, 9.9, 1.0, calm), point(20, 18.5, 0.4, full),
              point(40, 19.0, 0.1, calm)]
    passed = lambda p: p.slo_attainment >= 0.9  # noqa: E731
    assert binding_limit_of(points, points[1],
                            passed) == "KV cache full at 20 req/s (18.5 req/s achieved): 340 preemptions"
    # no load failed: the limit was not reached
    assert binding_limit_of(points[:2], points[1], passed) is None
