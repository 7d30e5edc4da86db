"""Uploaded files: size-checked, parsed as JSON and validated by econ, never executed.

Imports econ only (no streamlit), so the pages and the tests share one path for every upload.
"""

from __future__ import annotations

import econ
from econ.profile import MAX_PROFILE_BYTES

# A scenario file may embed up to four profiles (teacher, student, training run, swap alternative).
MAX_SCENARIO_BYTES = 4 * MAX_PROFILE_BYTES


def parse_uploaded_profile(name: str, data: bytes) -> econ.Profile:
    """A validated Profile from uploaded bytes; ProfileError (one line per problem) otherwise."""
    if len(data) > MAX_PROFILE_BYTES:
        raise econ.ProfileError(
            f"{name}: {len(data) / 2**20:.1f} MiB is over the {MAX_PROFILE_BYTES / 2**20:.0f} MiB limit for a profile"
        )
    return econ.parse_profile(data, origin=name)


def parse_uploaded_scenario(name: str, data: bytes) -> tuple[econ.Scenario, econ.Evaluation]:
    """A validated scenario and its evaluation from uploaded bytes; ScenarioError/ValueError otherwise.

    Evaluating here catches what validation alone cannot (a profile path that does not exist here,
    an SLO no measured batch meets), so a loaded scenario is one the app can show.
    """
    if len(data) > MAX_SCENARIO_BYTES:
        raise econ.ScenarioError(
            f"{name}: {len(data) / 2**20:.1f} MiB is over the {MAX_SCENARIO_BYTES / 2**20:.0f} MiB limit for a scenario"
        )
    scenario = econ.parse_scenario(data, origin=name)
    try:
        evaluation = econ.evaluate(scenario)
    except ValueError as exc:
        raise econ.ScenarioError(f"{name}: {exc}") from None
    return scenario, evaluation


def scenario_json(scenario: econ.Scenario) -> str:
    """The scenario file text (as econ.save_scenario writes it)."""
    return scenario.model_dump_json(indent=2, exclude_none=True) + "\n"
