"""Shared fixtures of the app tests: a small valid profile (as JSON-ready dict) and its scenario.

Imports econ only. Numbers are plausible for an 8B model on one H100; only their shape matters.
"""

from __future__ import annotations

import copy

import econ


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
        "hardware": {"device": "cuda" if provenance == "measured" else "estimate", "name": "NVIDIA H100 80GB HBM3",
                     "catalog_name": "h100-sxm", "bandwidth_gb_per_s_spec": 3350.0},
        "workload": {"input_tokens": 1000, "output_tokens": 300},
        "points": points,
        "assumptions": [] if provenance == "measured" else ["MBU 0.6 assumed"],
    }


def scenario_with_profile(path: str, tpot_ms_p99: float = 20.0) -> econ.Scenario:
    """The example scenario with its student sized from the profile at `path` and a TPOT SLO."""
    data = econ.example_scenario().model_dump(exclude_none=True)
    data = copy.deepcopy(data)
    student = data["student"]
    student.pop("requests_per_second_per_replica")
    student["profile"] = path
    student["slo"] = {"tpot_ms_p99": tpot_ms_p99}
    return econ.parse_scenario(data)
