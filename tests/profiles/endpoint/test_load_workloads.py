"""`profiles load` with lengths that vary, a shared prefix, and the server's /metrics, against the small
local server of tests/fault_server.py: the realised lengths are the server's usage counts and match the
plan; a server without /metrics says its view is absent; garbage or a stalled /metrics leaves the point
complete with the scrape marked missing; a bad length flag is one line and exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip("aiohttp")

from econ.model.profile import load_profile  # noqa: E402
from profiles.cli import main  # noqa: E402
from tests.fault_server import running_server  # noqa: E402

QUICK = ["--served-model", "m", "--requests", "12", "--warmup", "1", "--min-seconds", "0", "--timeout-s", "5"]


@pytest.fixture(scope="module")
def server():
    with running_server(gap_s=0.002) as base:
        yield base


def load(capsys, base: str, prefix: str, out: Path, *extra: str) -> tuple[int, str]:
    code = main(["load", "--url", f"{base}/{prefix}/v1", *QUICK, "--out", str(out), *extra])
    captured = capsys.readouterr()
    return code, captured.err + captured.out


def test_varied_lengths_are_sent_and_counted_as_planned(server, tmp_path, capsys):
    out = tmp_path / "mix.json"
    code, err = load(capsys, server, "ok", out, "--rates", "100", "--input-tokens", "uniform:4,40",
                     "--output-tokens", "lognormal:8,4", "--metrics-interval-s", "0")
    assert code == 0, err
    workload = load_profile(out).workload
    inputs, outputs = workload.input_lengths, workload.output_lengths
    assert inputs.spec == "uniform:4,40" and inputs.requested.mean == 22 and workload.input_tokens == 22
    assert outputs.spec == "lognormal:8,4" and outputs.requested.mean == 8 and workload.output_tokens == 8
    # the server counts token-id prompts exactly and honours max_tokens: realised = planned, no note
    assert inputs.realised.count == 12 and 4 <= inputs.realised.min and inputs.realised.max <= 40
    assert inputs.realised.min < inputs.realised.max and outputs.realised.min >= 2
    assert not any("usage." in n for n in load_profile(out).notes)


def test_a_shared_prefix_lengthens_every_prompt_by_its_tokens(server, tmp_path, capsys):
    out = tmp_path / "prefix.json"
    code, err = load(capsys, server, "ok", out, "--concurrency", "2", "--input-tokens", "10",
                     "--output-tokens", "4", "--shared-prefix-tokens", "64", "--prefix-groups", "3")
    assert code == 0, err
    workload = load_profile(out).workload
    assert workload.shared_prefix_tokens == 64 and workload.prefix_groups == 3 and workload.input_tokens == 74
    assert workload.input_lengths.realised.min == workload.input_lengths.realised.max == 74
    assert workload.prefix_caching is None  # a given URL: the server's own setting is not known


def test_a_server_without_metrics_works_as_before_and_says_its_view_is_absent(server, tmp_path, capsys):
    out = tmp_path / "absent.json"
    code, err = load(capsys, server, "ok", out, "--rates", "50", "--input-tokens", "8", "--output-tokens",
                     "4")
    assert code == 0, err
    profile = load_profile(out)
    assert profile.points[0].server.status == "absent" and profile.points[0].repeats == 12
    assert any("server's view is absent" in n for n in profile.notes)


def test_the_metrics_scrape_records_the_servers_view_per_point(server, tmp_path, capsys):
    out = tmp_path / "prom.json"
    code, err = load(capsys, server, "prom", out, "--concurrency", "1,6", "--input-tokens", "8",
                     "--output-tokens", "40", "--metrics-interval-s", "0.05", "--slo-ttft-ms", "1000")
    assert code == 0, err
    low, high = (p.server for p in load_profile(out).points)
    assert low.status == high.status == "scraped" and low.scrapes >= 3 and low.failed_scrapes == 0
    assert high.running.max > low.running.max and high.kv_cache_usage.max > low.kv_cache_usage.max
    # the fake server counts 100 query tokens and 25 hits per finished request
    assert high.prefix_cache_hit_rate == pytest.approx(0.25) and high.preemptions > 0
    assert high.samples and high.samples[0].t_s >= 0 and low.prefix_cache_reset is None  # it has no reset


@pytest.mark.parametrize("prefix, why", [("promgarbage", "not Prometheus text: line 1, column 1"),
                                         ("promstall", "no answer within 2 s")])
def test_garbage_or_a_stalled_metrics_endpoint_leaves_the_point_complete(server, tmp_path, capsys, prefix,
                                                                         why):
    out = tmp_path / f"{prefix}.json"
    code, err = load(capsys, server, prefix, out, "--concurrency", "2", "--input-tokens", "8",
                     "--output-tokens", "4", "--metrics-interval-s", "0.5")
    assert code == 0 and "Traceback" not in err
    point = load_profile(out).points[0]
    assert point.repeats == 12 and point.errors is None
    assert point.server.status == "missing" and why in point.server.note


def test_a_workload_file_sets_both_lengths(server, tmp_path, capsys):
    task = tmp_path / "task.json"
    task.write_text(json.dumps({"input_tokens": {"quantiles": {"0.5": 12, "0.99": 30}}, "output_tokens": 6}))
    out = tmp_path / "task-out.json"
    code, err = load(capsys, server, "ok", out, "--rates", "100", "--workload", str(task))
    assert code == 0, err
    workload = load_profile(out).workload
    assert workload.input_lengths.spec.startswith("workload:") and workload.output_tokens == 6


@pytest.mark.parametrize("flags, message", [
    (["--input-tokens", "lognormal:10"], "--input-tokens: expected 2 comma-separated numbers"),
    (["--output-tokens", "1"], "--output-tokens: must be at least 2"),
    (["--workload", "/no/such.json"], "--workload: /no/such.json: cannot read: file not found"),
    (["--workload", "x.json", "--input-tokens", "5"], "--workload gives both lengths"),
    (["--prefix-groups", "2"], "--prefix-groups needs --shared-prefix-tokens"),
])
def test_a_bad_workload_flag_is_one_line_and_exit_2(server, tmp_path, capsys, flags, message):
    out = tmp_path / "never.json"
    code = main(["load", "--url", f"{server}/ok/v1", *QUICK, "--rates", "1", "--out", str(out), *flags])
    err = capsys.readouterr().err
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1 and not out.exists()


def mooncake(tmp_path, count: int, gap_ms: float) -> Path:
    """`count` requests `gap_ms` apart, prompt lengths 5, 10, ..., 25 in turn, outputs 3 to 6."""
    rows = [{"timestamp": i * gap_ms, "input_length": 5 + 5 * (i % 5), "output_length": 3 + i % 4}
            for i in range(count)]
    path = tmp_path / "trace.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def test_a_replayed_trace_sends_its_lengths_at_its_rate_scaled(server, tmp_path, capsys):
    trace, out = mooncake(tmp_path, 41, 50.0), tmp_path / "replay.json"  # 40 gaps of 50 ms: 20 req/s
    code, err = load(capsys, server, "ok", out, "--trace", str(trace), "--time-scale", "1,2",
                     "--metrics-interval-s", "0")
    assert code == 0, err
    profile = load_profile(out)
    assert [p.load.value for p in profile.points] == [20.0, 40.0]
    assert all(p.repeats == 40 for p in profile.points)  # every request but the one warm-up
    for point in profile.points:
        assert point.requests_per_s == pytest.approx(point.load.value, rel=0.1)
    workload = profile.workload
    assert "mooncake, 41 requests" in workload.trace and workload.input_lengths.spec.startswith("trace:")
    assert workload.input_lengths.realised.min == 5 and workload.input_lengths.realised.max == 25
    assert not any("usage." in n for n in profile.notes)  # every length counted as planned
    assert any("time scale 2" in n for n in profile.notes)


def test_find_capacity_with_a_trace_searches_the_time_scale(server, tmp_path, capsys):
    trace, out = mooncake(tmp_path, 21, 100.0), tmp_path / "search.json"  # 10 req/s
    code, err = load(capsys, server, "ok", out, "--trace", str(trace), "--slo-ttft-ms", "1000",
                     "--find-capacity", "--metrics-interval-s", "0")
    assert code == 0, err
    search = load_profile(out).capacity
    assert search.load is not None and len(search.probes) >= 2 and search.probes[1].load == 20.0


@pytest.mark.parametrize("flags, message", [
    (["--rates", "1"], "--trace replays its own arrivals and lengths: leave out --rates"),
    (["--context-tokens", "20"], "line 4: input + output = 26 tokens, past the model's context of 20"),
])
def test_a_trace_flag_clash_or_a_request_past_the_context_is_one_line(server, tmp_path, capsys, flags,
                                                                      message):
    trace = mooncake(tmp_path, 5, 10.0)
    code = main(["load", "--url", f"{server}/ok/v1", *QUICK, "--trace", str(trace), "--out",
                 str(tmp_path / "x.json"), *flags])
    err = capsys.readouterr().err
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1


def test_the_summary_prices_each_point_and_the_capacity(server, tmp_path, capsys):
    out = tmp_path / "priced.json"
    code, text = load(capsys, server, "ok", out, "--rates", "20,40", "--input-tokens", "8", "--output-tokens",
                      "4", "--gpus", "2", "--gpu-usd-per-hour", "3", "--slo-ttft-ms", "1000",
                      "--find-capacity")
    assert code == 0, text
    assert "$/1M out" in text and "priced at 2 GPU × $3/h (--gpu-usd-per-hour)" in text
    assert "capacity price: $" in text and "per 1k requests" in text


def test_an_unknown_catalog_gpu_is_one_line_before_any_run(server, tmp_path, capsys):
    code = main(["load", "--url", f"{server}/ok/v1", *QUICK, "--rates", "1", "--gpu", "h900",
                 "--out", str(tmp_path / "x.json")])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("error: --gpu: unknown GPU 'h900'") and len(
        err.strip().splitlines()) == 1
