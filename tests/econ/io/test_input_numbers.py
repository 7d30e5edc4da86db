"""Numbers validation accepts are numbers the arithmetic can hold: every output is finite, strict JSON.

The fuzz of issue 10 found 1e308 or 5e-324 in prices, traffic, capacity or utilization giving NaN or
-inf in NPV with exit 0, integers of hundreds of digits giving OverflowError, `requests_per_day: 0`
printing a bare NaN in `--format json`, `true` and "24" taken as numbers, and `risk` printing a raw
pydantic error. Each field now has a physically meaningful range, declared once on the model.
"""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path

import pytest
from app_support import profile_dict
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import econ
from econ.model.examples import EXAMPLE_SCENARIO

ROOT = Path(__file__).resolve().parents[3]


def data(**changes) -> dict:
    """The example scenario as a dict with 'section.field' changes."""
    out = copy.deepcopy(EXAMPLE_SCENARIO)
    for key, value in changes.items():
        *path, last = key.split(".")
        node = out
        for part in path:
            node = node[part]
        node[last] = value
    return out


def strict_json(result: dict) -> dict:
    return json.loads(json.dumps(result, allow_nan=False))


@pytest.mark.parametrize("field, value", [
    ("traffic.requests_per_day", True),
    ("traffic.requests_per_day", "24"),
    ("workload.input_tokens", True),
    ("teacher.input_usd_per_mtok", "3"),
    ("horizon_months", 10**300),
    ("distillation.evaluation_usd", 10**400),
    ("teacher.input_usd_per_mtok", 1e308),
    ("traffic.requests_per_day", 1e308),
    ("student.requests_per_s_per_replica", 5e-324),
    ("student.requests_per_s_per_replica", 1e308),
    ("student.gpu_usd_per_hour", 1e308),
    ("student.target_utilization", 5e-324),
    ("quality.usd_per_error", 1e308),
    ("name", "n" * 201),
    ("teacher.name", "n" * 10_000),
])
def test_numbers_the_arithmetic_cannot_hold_are_refused_naming_the_field(field, value):
    with pytest.raises(econ.ScenarioError) as caught:
        econ.parse_scenario(data(**{field: value}))
    message = str(caught.value)
    assert field.replace(".", ".") in message and "\n" not in message


def test_no_traffic_gives_null_costs_per_token_with_a_warning_and_strict_json():
    result = econ.evaluate(econ.parse_scenario(data(**{"traffic.requests_per_day": 0})))
    out = strict_json(result.to_dict())
    assert out["teacher_usd_per_mtok_served"] is None and out["student_usd_per_kreq"] is None
    assert any("no requests over the horizon" in w for w in out["warnings"])


def test_cli_json_is_strict_for_zero_traffic(tmp_path):
    path = tmp_path / "zero.json"
    path.write_text(json.dumps(data(**{"traffic.requests_per_day": 0})))
    for command in (["evaluate", str(path), "--format", "json"], ["risk", str(path), "--format", "json",
                                                                  "--draws", "200"]):
        out = subprocess.run([sys.executable, "-m", "econ", *command], capture_output=True, text=True,
                             cwd=ROOT)
        assert out.returncode == 0, out.stderr
        json.loads(out.stdout, parse_constant=lambda name: pytest.fail(f"{name} in strict JSON"))


# Extremes of every bound at once must still give finite numbers (the largest products in the model).
EXTREMES = {
    "traffic.requests_per_day": st.sampled_from([0.0, 1e-9, 1.0, 1e12]),
    "traffic.monthly_growth": st.sampled_from([-0.999, 0.0, 10.0]),
    "traffic.peak_to_average": st.sampled_from([1.0, 100.0]),
    "teacher.input_usd_per_mtok": st.sampled_from([0.0, 1e-12, 1e4]),
    "teacher.output_usd_per_mtok": st.sampled_from([0.0, 1e4]),
    "student.gpu_usd_per_hour": st.sampled_from([0.0, 1e-12, 1e4]),
    "student.requests_per_s_per_replica": st.sampled_from([1e-6, 1.0, 1e7]),
    "student.target_utilization": st.sampled_from([0.01, 1.0]),
    "student.gpus_per_replica": st.sampled_from([1e-3, 1024.0]),
    "quality.usd_per_error": st.sampled_from([0.0, 1e9]),
    "quality.student_error_rate": st.sampled_from([0.0, 1.0]),
    "quality.fallback_rate": st.sampled_from([0.0, 1.0]),
    "distillation.evaluation_usd": st.sampled_from([0.0, 1e12]),
    "workload.output_tokens": st.sampled_from([1, 10_000_000]),
    "horizon_months": st.sampled_from([1, 240]),
    "annual_discount_rate": st.sampled_from([0.0, 1.0]),
}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.fixed_dictionaries(EXTREMES))
def test_any_valid_scenario_gives_finite_strict_json(changes):
    scenario = econ.parse_scenario(data(**changes))
    out = strict_json(econ.evaluate(scenario).to_dict())
    assert out["npv_usd"] is not None  # NPV is always a finite number
    assert all(row["cumulative_usd"] is not None for row in out["monthly"])
    strict_json(econ.monte_carlo(scenario, draws=50).to_dict())
    strict_json(econ.tornado(scenario).to_dict())


def test_a_wide_lognormal_is_refused_not_shown_as_na():
    risk = {
        "inputs": [
            {"input": "traffic_scale", "distribution": {"kind": "lognormal", "median": 1, "sigma": 1e6}}]}
    with pytest.raises(econ.ScenarioError, match="sigma"):
        econ.parse_scenario({**data(), "risk": risk})


def test_risk_never_prints_a_raw_pydantic_error(tmp_path):
    # A derived training cost far beyond any budget: refused in one line naming the field.
    run = {"examples": 10**10, "tokens_per_example": 10**7, "epochs": 1000, "gpu_usd_per_hour": 1e4,
           "gpus": 1e6, "training_tokens_per_s": 1e-3}
    path = tmp_path / "s.json"
    path.write_text(json.dumps(data(**{"distillation.training_usd": run})))
    for command in ("evaluate", "risk"):
        out = subprocess.run([sys.executable, "-m", "econ", command, str(path)], capture_output=True,
                             text=True, cwd=ROOT)
        assert out.returncode == 2 and out.stderr.count("\n") == 1, out.stderr
        assert "distillation.training_usd" in out.stderr and "errors.pydantic.dev" not in out.stderr


def test_redistill_usd_null_means_derive_and_is_refused_alone():
    with pytest.raises(econ.ScenarioError, match="redistill_usd is null"):
        econ.parse_scenario(data(**{"distillation.redistill_usd": None}))
    derived = data(**{"distillation.redistill_usd": None})
    derived["distillation"]["redistill_fraction_of_upfront"] = 0.5
    result = econ.evaluate(econ.parse_scenario(derived))
    # Half of upfront data + training ($750 + $3,000) = $1,875 per re-distillation.
    assert set(result.monthly.loc[result.monthly["student_redistill_usd"] > 0, "student_redistill_usd"]) == {
        1875}


@pytest.mark.parametrize("batches", [[4, 1], [1, 1]])
def test_profiles_with_unordered_batches_are_refused_as_validate_does(batches):
    profile = profile_dict()
    profile["points"] = [dict(profile["points"][0], batch_size=b) for b in batches]
    with pytest.raises(econ.ProfileError, match="batch sizes must be distinct and ascending"):
        econ.parse_profile(json.dumps(profile))


def test_each_side_costs_per_token_over_its_own_tokens():
    # Teacher API $3 in / $15 out per M at 1,000 in and 600 out (its own override):
    # (1,000 × 3 + 600 × 15) / 1e6 = $0.012 per request over 1,600 tokens = $7.50 per 1M tokens.
    s = data(**{"teacher.output_tokens": 600, "quality.usd_per_error": 0.0})
    result = econ.evaluate(econ.parse_scenario(s))
    assert result.teacher_usd_per_mtok_served == pytest.approx(7.5)
