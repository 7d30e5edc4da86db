"""Shared fixtures of the app tests: a small valid profile (as JSON-ready dict) and its scenario.

Imports econ only. Numbers are plausible for an 8B model on one H100; only their shape matters.
"""

from __future__ import annotations

import copy
from pathlib import Path

import econ

APP = str(Path(__file__).resolve().parents[1] / "app.py")
TIMEOUT = 60  # seconds per script run; generous for a loaded 2-core CI machine, never asserted


def _pct(ms: float) -> dict:
    return {"p50": ms, "p90": ms * 1.1, "p99": ms * 1.2, "mean": ms}


def profile_dict(provenance: str = "measured", model: str = "llama-3.1-8b") -> dict:
    """A profile with four batch sizes; p99 TPOT 12, 14.4, 19.2, 36 ms; batch 64 is out of memory."""
    points = []
    for batch, tpot, ttft in ((1, 10.0, 40.0), (4, 12.0, 90.0), (16, 16.0, 300.0), (32, 30.0, 700.0)):
        e2e = ttft + tpot * 299
        points.append({
            "batch_size": batch, "ttft_ms": _pct(ttft), "tpot_ms": _pct(tpot), "e2e_ms": _pct(e2e),
            "decode_tokens_per_s": batch * 1000.0 / tpot, "requests_per_s": batch / (e2e / 1000.0),
            "mbu": 0.6 + batch / 200, "mfu": 0.3, "mbu_spec": 0.55, "mfu_spec": 0.25,
        })
    points.append({"batch_size": 64, "oom": True})
    return {
        "provenance": provenance,
        "model": {"name": model, "parameters": 8_030_000_000, "dtype": "bf16"},
        "hardware": {"device": "cuda" if provenance == "measured" else "estimate",
                     "name": "NVIDIA H100 80GB HBM3", "catalog_name": "h100-sxm",
                     "bandwidth_gb_per_s_spec": 3350.0},
        "workload": {"input_tokens": 1000, "output_tokens": 300},
        "points": points,
        "assumptions": [] if provenance == "measured" else ["MBU 0.6 assumed"],
    }


def scenario_with_profile(path: str, tpot_ms_p99: float = 20.0) -> econ.Scenario:
    """The example scenario with its student sized from the profile at `path` and a TPOT SLO."""
    data = econ.example_scenario().model_dump(exclude_none=True)
    data = copy.deepcopy(data)
    student = data["student"]
    student.pop("requests_per_s_per_replica")
    student["profile"] = path
    student["slo"] = {"tpot_ms_p99": tpot_ms_p99}
    return econ.parse_scenario(data)


def served_profile_dict() -> dict:
    """A served profile (schema v2): three request rates through vLLM, with a capacity search at
    p99 TTFT ≤ 500 ms and TPOT ≤ 50 ms for ≥ 99% of requests; rate 8 breaks TTFT."""
    points = []
    for rate, achieved, ttft, tpot, met in ((2, 1.98, 120.0, 20.0, 1.0), (4, 3.9, 300.0, 30.0, 0.995),
                                            (8, 6.1, 2500.0, 45.0, 0.42)):
        points.append({"batch_size": 1, "load": {"kind": "rate", "value": rate}, "ttft_ms": _pct(ttft),
                       "tpot_ms": _pct(tpot), "e2e_ms": _pct(ttft + 299 * tpot), "requests_per_s": achieved,
                       "slo_attainment": met, "goodput_requests_per_s": achieved * met})
    return {
        "schema_version": 2, "provenance": "measured",
        "model": {"name": "llama-3.1-8b", "parameters": 8_030_000_000, "dtype": "bf16"},
        "hardware": {"device": "cuda", "name": "NVIDIA H100 80GB HBM3", "gpu_count": 1.0},
        "workload": {"input_tokens": 1000, "output_tokens": 300},
        "environment": {"method": "served", "engine": "vllm 0.32.0",
                        "endpoint": "127.0.0.1:8000/v1/completions"},
        "points": points,
        "capacity": {"kind": "rate", "slo_ttft_ms": 500, "slo_tpot_ms": 50, "attainment": 0.99, "load": 4,
                     "requests_per_s": 3.9, "ended": "bracketed: the next load up failed",
                     "probes": [{"load": p["load"]["value"], "requests_per_s": p["requests_per_s"],
                                 "slo_attainment": p["slo_attainment"], "passed": p["slo_attainment"] >= 0.99}
                                for p in points]},
    }
