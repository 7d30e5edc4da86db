"""Load-generator benchmark: is the client never the bottleneck, and what does a serving engine give
over the static-batch loop? Measured side by side in one run; prints figures and ratios, asserts nothing.

  1. Against a trivial local streaming server (tests/fault_server.py in its own process, 2 output
     tokens, no delays): how many requests/s the generator schedules open-loop, and its lag behind the
     planned send times (p50/p99). Targets (issue 9): ≥ 1,000 req/s and p99 lag ≤ 1 ms on 2 cores;
     GuideLLM's users report a client ceiling near 1,000 req/s.
  2. The same tiny checkpoint (tiny-llama-4l, random weights, fp32, 128 in / 32 out) on this CPU: the
     capacity at one SLO (p99 TTFT ≤ 1,000 ms, p99 TPOT ≤ 100 ms) measured through a real vLLM server
     (`load --launch vllm --find-capacity`, attainment ≥ 99%), beside the capacity econ takes from the
     static-batch loop's profile (`run`, largest batch meeting the same p99s), as a ratio.

Run: .venv/bin/python bench/loadgen_bench.py   (needs aiohttp, torch, and .venv-vllm for part 2)
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from econ.model.profile import load_profile  # noqa: E402
from econ.model.scenario import LatencySlo  # noqa: E402
from econ.serving.capacity import operating_point  # noqa: E402
from profiles.backends.endpoint.client import Client, Endpoint  # noqa: E402
from profiles.backends.endpoint.generator import collector_paused, run_rate  # noqa: E402
from profiles.backends.endpoint.launch import DEFAULT_VLLM_PYTHON, free_port  # noqa: E402
from profiles.load.settings import load_settings  # noqa: E402

RATES_PER_S = (1000, 2000, 4000)
REQUESTS = 3000
# Untimed warm-up before the first timed rate (DESIGN.md: untimed warm-up): the server's first requests
# and the client's first event loop pay one-off costs that are not the generator's steady lag.
WARMUP_REQUESTS = 500
LAG_TARGET_MS = 1.0
MODEL = "tiny-llama-4l"
SHAPE = ("--input-tokens", "128", "--output-tokens", "32")
SLO_TTFT_MS, SLO_TPOT_MS = 1000.0, 100.0
STATIC_BATCHES = "1,2,4,8,16,32,64"


def _start_trivial_server() -> tuple[subprocess.Popen, str]:
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "tests.fault_server", str(port)], cwd=ROOT,
                               env={**os.environ, "PYTHONPATH": str(ROOT)})
    base = f"http://127.0.0.1:{port}/ok/v1"
    for _ in range(200):
        try:
            urllib.request.urlopen(urllib.request.Request(f"{base}/completions", data=b'{"max_tokens": 2}'),
                                   timeout=1).read()
            return process, base
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit("the trivial server did not start")


async def _schedule(base: str, rate: float, requests: int = REQUESTS):
    s = load_settings(url=base, served_model="m", rates=[rate], requests=requests, warmup=0, min_seconds=0.0,
                      input_tokens=8, output_tokens=2)
    endpoint = Endpoint(base, "m")
    body = endpoint.body(list(range(8)), 2)
    async with Client(endpoint, 30.0) as client:
        with collector_paused():  # as measure_load runs every point
            return await run_rate(client, lambda i: body, rate, s, seed=0)


def part_1() -> None:
    print("1. generator vs a trivial local streaming server (open loop, Poisson arrivals, "
          f"{REQUESTS} requests per rate; server in its own process on the same 2 cores)")
    print(f"   {'planned req/s':>13} {'sent req/s':>10} {'done req/s':>10} {'lag p50 ms':>10} "
          f"{'lag p99 ms':>10} {'failed':>6} {'p99 lag / target':>16}")
    process, base = _start_trivial_server()
    try:
        asyncio.run(_schedule(base, RATES_PER_S[0], WARMUP_REQUESTS))  # untimed
        for rate in RATES_PER_S:
            run = asyncio.run(_schedule(base, rate))
            sent = np.array(sorted(r.sent_s for r in run.records))
            ends = max(r.end_s for r in run.records)
            lags_ms = np.array(run.lags_s) * 1e3
            print(f"   {rate:>13,} {len(sent) / (sent[-1] - sent[0]):>10,.0f} "
                  f"{run.succeeded / (ends - sent[0]):>10,.0f} {np.percentile(lags_ms, 50):>10.3f} "
                  f"{np.percentile(lags_ms, 99):>10.3f} {run.failed:>6} "
                  f"{np.percentile(lags_ms, 99) / LAG_TARGET_MS:>15.2f}x")
    finally:
        process.terminate()
        process.wait(timeout=10)
    print(f"   targets: sent ≥ 1,000 req/s with p99 lag ≤ {LAG_TARGET_MS:g} ms "
          f"(after {WARMUP_REQUESTS} untimed warm-up requests)")


def _cli(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "profiles", *args], cwd=ROOT, check=True, stdout=subprocess.DEVNULL,
                   env={**os.environ, "PYTHONPATH": str(ROOT)})


def part_2() -> None:
    print(f"\n2. {MODEL} on this CPU, 128 in / 32 out: capacity at p99 TTFT ≤ {SLO_TTFT_MS:g} ms and "
          f"p99 TPOT ≤ {SLO_TPOT_MS:g} ms")
    if not DEFAULT_VLLM_PYTHON.exists():
        print("   skipped: no .venv-vllm (make test creates it)")
        return
    slo = LatencySlo(ttft_ms_p99=SLO_TTFT_MS, tpot_ms_p99=SLO_TPOT_MS)
    with tempfile.TemporaryDirectory() as scratch:
        static_path, served_path = Path(scratch) / "static.json", Path(scratch) / "served.json"
        started = time.perf_counter()
        _cli("run", "--model", MODEL, "--device", "cpu", "--batch-sizes", STATIC_BATCHES, *SHAPE,
             "--repeats", "5", "--min-seconds", "1", "--out", str(static_path))
        static_s = time.perf_counter() - started
        started = time.perf_counter()
        _cli("load", "--launch", "vllm", "--model", MODEL, *SHAPE, "--concurrency", "1", "--requests", "40",
             "--warmup", "4", "--min-seconds", "5", "--slo-ttft-ms", f"{SLO_TTFT_MS:g}", "--slo-tpot-ms",
             f"{SLO_TPOT_MS:g}", "--find-capacity", "--attainment", "0.99", "--out", str(served_path))
        served_s = time.perf_counter() - started
        static = operating_point(load_profile(static_path), slo, "student")
        served_profile = load_profile(served_path)
        served = operating_point(served_profile, slo, "student")
    search = served_profile.capacity
    print(f"   static-batch loop (transformers, eager): {static.requests_per_s:6.2f} req/s at batch "
          f"{static.batch_size} (p99 TTFT {static.ttft_ms_p99:.0f} ms, p99 TPOT {static.tpot_ms_p99:.1f} "
          f"ms); sweep took {static_s:.0f} s")
    print(f"   vLLM {served_profile.environment.engine}: {served.requests_per_s:6.2f} req/s at "
          f"{served.describe()} (p99 TTFT {served.ttft_ms_p99:.0f} ms, p99 TPOT {served.tpot_ms_p99:.1f} "
          f"ms); search: {len(search.probes)} probes, {search.ended}; took {served_s:.0f} s with the server "
          "start")
    print(f"   ratio vLLM / static-batch: {served.requests_per_s / static.requests_per_s:.2f}x")


if __name__ == "__main__":
    load = os.getloadavg()[0]
    print(f"machine load average (1 min) at start: {load:.2f} on {os.cpu_count()} CPUs "
          "(other processes on this shared machine skew every figure below)")
    part_1()
    if "--generator-only" not in sys.argv:
        part_2()
