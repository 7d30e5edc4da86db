"""Workload benchmark (issue 19): trace replay timing, and what the length mix and prefix caching change on
a real vLLM server. Prints figures and ratios; asserts nothing.

  1. Trace replay against a local server that answers at once (tests/fault_server.py in its own process):
     a Mooncake-style trace at 1,000 requests/s (Poisson gaps), every request sent on the trace's
     schedule; the lag of each send behind its scheduled time (target: p99 ≤ 1 ms).
  2. tiny-llama-4l (random weights, fp32) on the CPU vLLM server, one server with prefix caching off:
     the capacity at p99 TTFT ≤ 1,000 ms and p99 TPOT ≤ 100 ms (attainment ≥ 90%) under a bimodal
     length mix (prompts 24-40 or 472-488 tokens, outputs 6-10 or 54-58, half each) against fixed
     lengths at the same means (256 in / 32 out), as a ratio.
  3. TTFT with 1,024-token shared prefixes (4 groups, 64 own tokens, 8 out, 2 req/s): a second server
     with prefix caching on against the first (off), as a ratio.

Run: flock /tmp/heavy.lock .venv/bin/python bench/workload_bench.py [--replay-only]
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from bench.loadgen_bench import _start_trivial_server  # noqa: E402
from econ.model.profile import load_profile  # noqa: E402
from profiles.backends.endpoint.client import Client, Endpoint  # noqa: E402
from profiles.backends.endpoint.generator import replay_schedule  # noqa: E402
from profiles.backends.endpoint.launch import DEFAULT_VLLM_PYTHON, ServerShape, launched_vllm  # noqa: E402
from profiles.cli import main  # noqa: E402
from profiles.load.settings import load_settings  # noqa: E402

REPLAY_RATE_PER_S = 1000
REPLAY_REQUESTS = 3000
WARMUP_REQUESTS = 300
LAG_TARGET_MS = 1.0
MODEL = "tiny-llama-4l"
SLO = ("--slo-ttft-ms", "1000", "--slo-tpot-ms", "100", "--attainment", "0.9")
BIMODAL = {"input_tokens": {"histogram": {"edges": [24, 40, 472, 488], "counts": [1, 0, 1]}},
           "output_tokens": {"histogram": {"edges": [6, 10, 54, 58], "counts": [1, 0, 1]}}}


async def _replay(base: str, offsets: list[float]):
    s = load_settings(url=base, served_model="m", rates=[REPLAY_RATE_PER_S], requests=len(offsets), warmup=0,
                      min_seconds=0.0, input_tokens=8, output_tokens=2)
    endpoint = Endpoint(base, "m")
    body = endpoint.body(list(range(8)), 2)
    return await replay_schedule(lambda: Client(endpoint, 30.0), lambda i: body, offsets, s)


def part_1() -> None:
    print(f"1. trace replay at {REPLAY_RATE_PER_S:,} req/s (Poisson gaps, {REPLAY_REQUESTS} requests) "
          "against a local server that answers at once (its own process, same 2 cores)")
    gaps = np.random.default_rng(0).exponential(1.0 / REPLAY_RATE_PER_S, REPLAY_REQUESTS - 1)
    offsets = np.concatenate([[0.0], np.cumsum(gaps)]).tolist()
    process, base = _start_trivial_server()
    try:
        asyncio.run(_replay(base, offsets[:WARMUP_REQUESTS]))  # untimed warm-up
        run = asyncio.run(_replay(base, offsets))
    finally:
        process.terminate()
        process.wait(timeout=10)
    lags_ms = np.array(run.lags_s) * 1e3
    p50, p90, p99, worst = np.percentile(lags_ms, [50, 90, 99, 100])
    print(f"   lag behind schedule, ms: p50 {p50:.3f}  p90 {p90:.3f}  p99 {p99:.3f}  max {worst:.3f}; "
          f"failed {run.failed} of {len(run.records)}")
    print(f"   p99 lag / target ({LAG_TARGET_MS:g} ms): {p99 / LAG_TARGET_MS:.2f}x")


def _load(url: str, out: Path, *flags: str):
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()) as err:
        code = main(["load", "--url", url, "--served-model", MODEL, "--out", str(out), *flags])
    if code != 0:
        raise SystemExit(f"load failed: {err.getvalue()[-500:]}")
    return load_profile(out)


def _capacity(url: str, out: Path, *lengths: str) -> tuple[float, str]:
    profile = _load(url, out, *lengths, "--rates", "1", "--find-capacity", *SLO, "--requests", "30",
                    "--warmup", "4", "--min-seconds", "5", "--metrics-interval-s", "0.5")
    c = profile.capacity
    limit = c.binding_limit or "not named"
    return c.requests_per_s or 0.0, f"{len(c.probes)} probes, {c.ended}; limit: {limit}"


def _prefix_ttft(url: str, out: Path) -> tuple[float, float, float | None]:
    profile = _load(url, out, "--rates", "2", "--requests", "30", "--warmup", "4", "--min-seconds", "5",
                    "--input-tokens", "64", "--output-tokens", "8", "--shared-prefix-tokens", "1024",
                    "--prefix-groups", "4", "--metrics-interval-s", "0.5")
    point = profile.points[0]
    return point.ttft_ms.p50, point.ttft_ms.p99, point.server.prefix_cache_hit_rate if point.server else None


def parts_2_and_3() -> None:
    if not DEFAULT_VLLM_PYTHON.exists():
        print("\n2-3. skipped: no .venv-vllm (make test creates it)")
        return
    from profiles.backends.transformers.models import save_preset

    with tempfile.TemporaryDirectory() as scratch:
        folder, work = Path(scratch) / MODEL, Path(scratch)
        save_preset(MODEL, folder, "fp32")
        workload = work / "bimodal.json"
        workload.write_text(json.dumps(BIMODAL))
        with launched_vllm(folder, MODEL, str(DEFAULT_VLLM_PYTHON), shape=ServerShape(2048)) as off:
            print(f"\n2. {MODEL} on vLLM {off.version} (CPU), prefix caching off: capacity at p99 TTFT ≤ 1 "
                  "s, p99 TPOT ≤ 100 ms, attainment ≥ 90%")
            fixed, fixed_how = _capacity(off.base_url, work / "fixed.json", "--input-tokens", "256",
                                         "--output-tokens", "32")
            mixed, mixed_how = _capacity(off.base_url, work / "mixed.json", "--workload", str(workload))
            print(f"   fixed 256 in / 32 out: {fixed:.2f} req/s ({fixed_how})")
            print(f"   bimodal, same means:   {mixed:.2f} req/s ({mixed_how})")
            print(
                f"   ratio bimodal / fixed: {mixed / fixed:.2f}x" if fixed else "   ratio: no fixed capacity")
            off_p50, off_p99, _ = _prefix_ttft(off.base_url, work / "prefix-off.json")
        with launched_vllm(folder, MODEL, str(DEFAULT_VLLM_PYTHON),
                           shape=ServerShape(2048, prefix_caching=True)) as on:
            on_p50, on_p99, hit = _prefix_ttft(on.base_url, work / "prefix-on.json")
    print("\n3. TTFT with 1,024-token shared prefixes (4 groups, 64 own tokens, 8 out, 2 req/s)")
    print(f"   caching off: p50 {off_p50:.1f} ms, p99 {off_p99:.1f} ms")
    print(f"   caching on:  p50 {on_p50:.1f} ms, p99 {on_p99:.1f} ms, prefix-cache hit rate "
          f"{hit:.1%}" if hit is not None else "n/a")
    print(f"   ratio TTFT p50 on / off: {on_p50 / off_p50:.2f}x; p99: {on_p99 / off_p99:.2f}x")


if __name__ == "__main__":
    print(f"machine load average (1 min) at start: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs "
          "(other processes on this shared machine skew every figure below)")
    part_1()
    if "--replay-only" not in sys.argv:
        parts_2_and_3()
