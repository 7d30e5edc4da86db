"""Served metrics (vLLM's definitions), goodput, the capacity search, arrivals and `load` flag errors:
known values with the arithmetic in comments, and invariants."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from profiles.cli import main
from profiles.load.arrivals import arrival_offsets_s
from profiles.load.capacity_search import MAX_PROBES, Probe, next_load, search_end_reason
from profiles.load.served import RequestRecord, Slo, attainment, served_point
from profiles.load.settings import load_settings


def record(sent, chunks, tokens=None, error=None):
    return RequestRecord(sent_s=sent, chunk_s=list(chunks), output_tokens=tokens, error=error)


def test_a_served_point_has_vllm_benchmark_latencies_and_the_achieved_rate():
    # Request A: sent 0.0, chunks at 0.1, 0.2, 0.4 → TTFT 100 ms, E2E 400 ms, TPOT (400-100)/(3-1) = 150 ms.
    # Request B: sent 1.0, chunks at 1.3, 1.4, 1.5 → TTFT 300 ms, E2E 500 ms, TPOT 200/2 = 100 ms.
    # ITL pooled: 100, 200, 100, 100 ms. Window 0.0 → 1.5 s: 2 requests / 1.5 s = 1.333 req/s; 6 tokens / 1.5
    # s = 4/s.
    a, b = record(0.0, [0.1, 0.2, 0.4], 3), record(1.0, [1.3, 1.4, 1.5], 3)
    p = served_point([a, b], "rate", 2.0, Slo(ttft_ms=200))
    assert p.load.kind == "rate" and p.load.value == 2.0
    assert p.ttft_ms.mean == pytest.approx(200) and p.e2e_ms.mean == pytest.approx(450)
    assert p.tpot_ms.mean == pytest.approx(125)
    assert p.itl_ms.mean == pytest.approx(125)  # (100 + 200 + 100 + 100) / 4
    assert p.requests_per_s == pytest.approx(2 / 1.5) and p.output_tokens_per_s == pytest.approx(4.0)
    # Only A meets TTFT ≤ 200 ms: attainment 1/2, goodput 1 / 1.5 s.
    assert p.slo_attainment == pytest.approx(0.5) and p.goodput_requests_per_s == pytest.approx(1 / 1.5)
    assert p.errors is None and p.repeats == 2


def test_tpot_uses_the_servers_token_count_not_the_chunk_count():
    # 2 chunks but usage says 5 tokens (a server bundling tokens): TPOT = (0.5 - 0.1) / (5 - 1) = 100 ms.
    assert record(0.0, [0.1, 0.5], 5).tpot_s == pytest.approx(0.1)


def test_failed_requests_count_against_attainment_and_never_inflate_the_rate():
    ok = record(0.0, [0.1, 0.2], 2)
    failed = record(0.5, [], error="HTTP 500 from host/v1/completions: boom")
    p = served_point([ok, failed], "concurrency", 2, Slo(ttft_ms=1000))
    # Window 0.0 → 0.5 (the failed request's send): 1 completed / 0.5 s = 2 req/s; attainment 1/2.
    assert p.requests_per_s == pytest.approx(2.0) and p.slo_attainment == pytest.approx(0.5)
    assert p.errors.count == 1 and p.errors.first == ["HTTP 500 from host/v1/completions: boom"]


def test_a_point_where_every_request_failed_is_recorded_with_zero_rate():
    p = served_point([record(0.0, [], error="timed out"), record(0.1, [], error="timed out")], "rate", 1,
                     Slo(50))
    assert p.requests_per_s == 0.0 and p.errors.count == 2 and p.ttft_ms is None and p.slo_attainment == 0.0


@given(st.lists(st.tuples(st.floats(0, 10), st.floats(0.001, 2), st.integers(2, 50)), min_size=1,
                max_size=30),
       st.floats(1, 3000), st.floats(1, 500))
def test_attainment_is_a_share_and_a_looser_slo_never_lowers_it(reqs, ttft_ms, tpot_ms):
    records = [record(s, [s + d, s + 2 * d], n) for s, d, n in reqs]
    tight, loose = Slo(ttft_ms, tpot_ms), Slo(ttft_ms * 2, tpot_ms * 2)
    assert 0.0 <= attainment(records, tight) <= attainment(records, loose) <= 1.0


def searched(threshold: float, start: float, integer: bool) -> list[Probe]:
    probes: list[Probe] = []
    while (load := next_load(probes, start, integer)) is not None:
        probes.append(Probe(load, load <= threshold))
    return probes


@settings(max_examples=200)
@given(st.floats(0.05, 5000), st.floats(0.1, 50))
def test_the_rate_search_ends_and_brackets_a_monotone_threshold(threshold, start):
    probes = searched(threshold, start, integer=False)
    assert len(probes) <= MAX_PROBES
    passes = [p.load for p in probes if p.passed]
    fails = [p.load for p in probes if not p.passed]
    assert all(v <= threshold for v in passes) and all(v > threshold for v in fails)  # never extrapolates
    if passes and fails and len(probes) < MAX_PROBES:
        assert min(f for f in fails if f > max(passes)) - max(passes) <= 0.1 * min(fails) + 1e-9


@given(st.integers(1, 300), st.integers(1, 8))
def test_the_concurrency_search_finds_the_exact_integer_threshold(threshold, start):
    probes = searched(threshold, start, integer=True)
    passes = [p.load for p in probes if p.passed]
    if len(probes) < MAX_PROBES:
        assert max(passes) == threshold  # double 1, 2, 4 … past it, then bisect to adjacent integers


def test_search_known_sequence_and_end_reasons():
    # Threshold 5 from 1: 1, 2, 4, 8 (fails), then 6 (fails), 5 (passes); 5 and 6 are adjacent: done.
    assert [p.load for p in searched(5, 1, True)] == [1, 2, 4, 8, 6, 5]
    assert search_end_reason(searched(5, 1, True)) == "bracketed: the next load up failed"
    assert search_end_reason([Probe(1, False)]) == "no probed load met the SLO"
    assert next_load([Probe(1, False)], 1, integer=True) is None  # concurrency 1 failed: nothing lower


def test_gamma_arrivals_keep_the_mean_rate_and_burstiness_spreads_them():
    poisson = np.diff(arrival_offsets_s(10.0, 20001, 1.0, seed=0))
    bursty = np.diff(arrival_offsets_s(10.0, 20001, 0.25, seed=0))
    assert poisson.mean() == pytest.approx(0.1, rel=0.03) and bursty.mean() == pytest.approx(0.1, rel=0.05)
    # Gamma(k, θ) has CV 1/√k: 1 for Poisson, 2 for burstiness 0.25.
    assert poisson.std() / poisson.mean() == pytest.approx(1.0, rel=0.05)
    assert bursty.std() / bursty.mean() == pytest.approx(2.0, rel=0.08)


@pytest.mark.parametrize("argv, message", [
    (["--url", "http://x/v1", "--served-model", "m"], "give exactly one of --rates and --concurrency"),
    (["--url", "ftp://x", "--served-model", "m", "--rates", "1"], "--url: expected http://HOST:PORT/v1"),
    (["--url", "http://x/v1", "--rates", "1"], "--served-model"),
    (["--url", "http://x/v1", "--served-model", "m", "--rates", "1,-2"], "--rates: values must be positive"),
    (["--url", "http://x/v1", "--served-model", "m", "--concurrency", "1.5"], "--concurrency: expected"),
    (["--url", "http://x/v1", "--served-model", "m", "--rates", "1", "--find-capacity"], "needs an SLO"),
    (["--url", "http://x/v1", "--served-model", "m", "--rates", "1", "--attainment", "2"], "--attainment"),
    (["--url", "http://x/v1", "--served-model", "m", "--rates", "1", "--api-key-env", "NOPE_NOT_SET_9"],
     "--api-key-env: the environment variable NOPE_NOT_SET_9 is not set"),
    (["--launch", "vllm", "--rates", "1"], "--launch vllm needs --model"),
    (["--launch", "vllm", "--model", "no-such-preset", "--rates", "1"], "--model"),
])
def test_bad_load_flags_are_one_line_and_exit_2(capsys, argv, message):
    assert main(["load", *argv]) == 2
    err = capsys.readouterr().err.strip()
    assert message in err and len(err.splitlines()) == 1 and "Traceback" not in err


def test_settings_defaults_come_from_one_place():
    s = load_settings(url="http://127.0.0.1:1/v1", served_model="m", rates=[4.0, 1.0])
    assert s.kind == "rate" and s.loads == [4.0, 1.0] and s.requests == 200 and s.attainment == 0.99
