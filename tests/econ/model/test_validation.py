"""Bad input is rejected at the edge with a message naming the field; good input round-trips."""

from __future__ import annotations

import json

import pytest
from builders import scenario_dict
from hypothesis import given, settings
from hypothesis import strategies as st

import econ
from econ.model.scenario import Scenario

INVALID = [
    ({"teacher__input_usd_per_mtok": -1.0}, "teacher.input_usd_per_mtok"),
    ({"student__gpu_usd_per_hour": -0.5}, "student.gpu_usd_per_hour"),
    ({"student__target_utilization": 0.0}, "student.target_utilization"),
    ({"student__target_utilization": 1.2}, "student.target_utilization"),
    ({"student__requests_per_s_per_replica": 0}, "student.requests_per_s_per_replica"),
    ({"traffic__requests_per_day": float("nan")}, "traffic.requests_per_day"),
    ({"traffic__peak_to_average": 0.5}, "traffic.peak_to_average"),
    ({"quality__fallback_rate": 1.5}, "quality.fallback_rate"),
    ({"horizon_months": 0}, "horizon_months"),
    ({"annual_discount_rate": float("inf")}, "annual_discount_rate"),
    ({"workload__input_tokens": 0}, "workload.input_tokens"),
    ({"distillation__redistill_every_months": -1}, "distillation.redistill_every_months"),
    ({"teacher__kind": "magic"}, "teacher"),
    ({"student__bogus_field": 1}, "student.bogus_field"),
    ({"surprise": True}, "surprise"),
    ({"teacher": None}, "teacher"),
    ({"student__requests_per_s_per_replica": None}, "student"),
]


@pytest.mark.parametrize(("changes", "field"), INVALID)
def test_invalid_input_is_rejected_naming_the_field(changes, field):
    with pytest.raises(econ.ScenarioError) as info:
        econ.parse_scenario(scenario_dict(**changes))
    assert f"{field}:" in str(info.value) or f"{field}." in str(info.value)


def test_not_json_is_a_clear_error():
    with pytest.raises(econ.ScenarioError, match="not valid JSON"):
        econ.parse_scenario("{nope")


def test_models_are_frozen():
    s = econ.example_scenario()
    with pytest.raises(Exception, match="frozen"):
        s.horizon_months = 12


def test_every_field_has_a_description():
    schema = json.dumps(Scenario.model_json_schema())
    assert schema.count('"description"') > 60

    def walk(model):
        for name, field in model.model_fields.items():
            assert field.description or name == "kind", f"{model.__name__}.{name} has no description"

    from econ.model import scenario as sc
    for model in (sc.Workload, sc.Traffic, sc.ApiServing, sc.SelfHostedServing, sc.Distillation, sc.Quality,
                  sc.DataGeneration, sc.TrainingRun, sc.EngineeringEffort, sc.LatencySlo, sc.Swap):
        walk(model)


def test_save_and_load_round_trip(tmp_path):
    s = econ.example_scenario()
    econ.save_scenario(s, tmp_path / "s.json")
    assert econ.load_scenario(tmp_path / "s.json") == s
    assert not list(tmp_path.glob(".*tmp"))


def test_missing_file_is_a_scenario_error(tmp_path):
    with pytest.raises(econ.ScenarioError, match="cannot read"):
        econ.load_scenario(tmp_path / "absent.json")


@settings(max_examples=60, deadline=None)
@given(value=st.one_of(st.floats(max_value=-1e-9), st.just(float("nan")), st.just(float("inf"))))
def test_any_negative_or_non_finite_price_is_rejected(value):
    with pytest.raises(econ.ScenarioError, match="output_usd_per_mtok"):
        econ.parse_scenario(scenario_dict(teacher__output_usd_per_mtok=value))


@settings(max_examples=60, deadline=None)
@given(value=st.one_of(st.floats(max_value=0), st.floats(min_value=1.0000001, allow_infinity=False)))
def test_utilization_outside_zero_one_is_rejected(value):
    with pytest.raises(econ.ScenarioError, match="student.target_utilization"):
        econ.parse_scenario(scenario_dict(student__target_utilization=value))


PUBLIC_API = {
    "FieldError", "HEADLINE", "HeadlineItem", "UncertainInput", "Uncertainty",
    "ApiServing", "DataGeneration", "Decision", "Distillation", "EngineeringEffort", "Evaluation",
    "LatencySlo", "ManyResults", "MonteCarlo", "NumericInputs", "Profile", "ProfileError", "Quality",
    "Scenario", "ScenarioError", "SelfHostedServing", "Swap", "Tornado", "Traffic", "TrafficForecast",
    "TrainingRun", "Workload", "Screen", "TaskScore", "UsageError", "UsageLog", "load_usage", "parse_usage",
    "screen", "apply_forecast", "decide", "default_scenario", "evaluate", "evaluate_many", "example_scenario",
    "forecast_traffic", "load_history", "load_profile", "load_scenario", "monte_carlo", "numeric_inputs",
    "parse_profile", "parse_scenario", "save_scenario", "tornado", "vary",
    # quality evidence (issue 11)
    "Evidence", "GradedSampleRates", "QualityEvidence", "SamplesError", "ThresholdSweep", "load_samples",
    "parse_samples", "quality_evidence", "threshold_sweep",
}


def test_public_api_is_pinned():
    assert set(econ.__all__) == PUBLIC_API
    assert [name for name in econ.__all__ if not hasattr(econ, name)] == []


def test_a_saved_scenario_with_the_old_capacity_name_still_loads(tmp_path):
    # requests/s per replica was `requests_per_second_per_replica` (and `student_capacity_rps` as a risk
    # input)
    # before issue 16 named it once; a file saved then loads, and is written back under today's names.
    data = econ.example_scenario().model_dump(exclude_none=True)
    data["student"]["requests_per_second_per_replica"] = data["student"].pop("requests_per_s_per_replica")
    data["risk"] = {"inputs": [{"input": "student_capacity_rps", "low": 20.0, "high": 60.0}]}
    path = tmp_path / "old.json"
    path.write_text(json.dumps(data))
    old = econ.load_scenario(path)
    assert old.student.requests_per_s_per_replica == 40.0
    assert old.risk.inputs[0].input == "student_requests_per_s_per_replica"
    econ.save_scenario(old, path)
    assert "requests_per_s_per_replica" in path.read_text() and "per_second" not in path.read_text()
    assert econ.load_scenario(path) == old


def test_the_old_and_the_new_capacity_name_together_are_refused():
    data = econ.example_scenario().model_dump(exclude_none=True)
    data["student"]["requests_per_second_per_replica"] = 30.0
    with pytest.raises(econ.ScenarioError, match="requests_per_second_per_replica"):
        econ.parse_scenario(json.dumps(data))
