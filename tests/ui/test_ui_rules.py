"""The rules the app relies on live in econ and on the models: units and steps declared on every number
field, errors placed by their field, forecast inputs merged into the risk settings, the one-year cap,
and hints that name commands which exist.
"""

from __future__ import annotations

import re
import subprocess
import sys
import typing
from pathlib import Path

import pytest
from pydantic import BaseModel

import econ
from econ.model.distill_profile import DistillationProfile
from econ.model.uncertainty import LogNormal, UncertainInput, Uncertainty
from econ.risk.words import first_year_months
from ui.sidebar.errors import problems_of
from ui.sidebar.fields import step_of, unit_of

ROOT = Path(__file__).resolve().parents[2]


def number_fields(model: type[BaseModel], prefix: str = "", seen: set | None = None):
    """(path, FieldInfo) of every int/float field the form shows, recursively through nested models.

    Embedded profiles (serving and distillation) are files, not form fields, and the risk block is edited
    as JSON in its inputs' own units (econ.model.uncertainty.INPUTS): they are left out.
    """
    seen = seen if seen is not None else set()
    if model in seen or model in (econ.Profile, DistillationProfile, Uncertainty):
        return
    seen.add(model)
    for name, info in model.model_fields.items():
        args = typing.get_args(info.annotation) or (info.annotation,)
        flat = [typing.get_args(a)[0] if typing.get_origin(a) is typing.Annotated else a for a in args]
        if any(a in (int, float) for a in flat) and info.annotation is not bool:
            yield f"{prefix}{name}", info
        for member in flat:
            if isinstance(member, type) and issubclass(member, BaseModel):
                yield from number_fields(member, f"{prefix}{name}.", seen)


def test_every_number_of_the_scenario_declares_its_unit_on_the_model():
    fields = dict(number_fields(econ.Scenario))
    assert len(fields) > 40
    missing = [path for path, info in fields.items() if not unit_of(info)]
    assert missing == []
    assert unit_of(econ.Traffic.model_fields["requests_per_day"]) == "requests/day"
    assert unit_of(econ.ApiServing.model_fields["cached_input_usd_per_mtok"]) == "USD per million tokens"
    assert step_of(econ.Quality.model_fields["fallback_rate"], is_int=False) == 0.01


def test_an_evaluation_error_is_placed_by_its_field_not_its_text(tmp_path):
    values = econ.example_scenario().model_dump(exclude_none=True)
    values["student"].pop("requests_per_s_per_replica")
    values["student"]["profile"] = str(tmp_path / "missing.json")
    scenario, evaluation, problems = problems_of(values, {})
    assert scenario is None and evaluation is None
    assert [field for field, _ in problems] == ["student.profile"]
    assert "file not found" in problems[0][1]


def test_a_forecast_joins_the_risk_settings_without_overriding_them():
    own = UncertainInput(input="traffic_scale", distribution=LogNormal(median=1.0, sigma=0.05))
    forecast = [UncertainInput(input="traffic_scale", distribution=LogNormal(median=1.0, sigma=0.3)),
                UncertainInput(input="monthly_growth", low=0.0, high=0.1)]
    merged = Uncertainty(inputs=[own]).with_defaults(forecast)
    assert merged.listed()["traffic_scale"] == own and merged.listed()["monthly_growth"] == forecast[1]
    assert Uncertainty().with_defaults(forecast).inputs == forecast


@pytest.mark.parametrize("horizon, months", [(24, 12), (12, 12), (6, 6)])
def test_the_payback_odds_are_within_a_year_or_the_whole_shorter_horizon(horizon, months):
    assert first_year_months(horizon) == months


def test_every_profiles_command_the_app_suggests_exists():
    text = "".join(p.read_text() for p in (ROOT / "ui").rglob("*.py"))
    commands = set(re.findall(r"python -m profiles (\w+)", text))
    assert commands
    for command in commands:
        out = subprocess.run([sys.executable, "-m", "profiles", command, "--help"], capture_output=True,
                             text=True, cwd=ROOT)
        assert out.returncode == 0, f"`python -m profiles {command}` does not exist: {out.stderr}"
