"""Uploaded files: size-checked, parsed as JSON and validated by econ, never executed.

Imports econ and `profiles.store` (no streamlit), so the pages and the tests share one path for every
upload. An uploaded scenario may use embedded profiles or the names of profiles in the profile store
only, and graded samples from the app's evidence folder only: a path to anything else on the server is
refused with the same message whether or not it exists.
"""

from __future__ import annotations

import os
from pathlib import Path

import econ
from econ.base.errors import FieldError
from econ.model.profile import MAX_PROFILE_BYTES
from econ.model.scenario_files import MAX_SCENARIO_BYTES, map_profile_refs
from profiles.store import DATA_DIR
from ui.evidence_files import EXAMPLE_SAMPLES, evidence_dir


def parse_uploaded_profile(name: str, data: bytes) -> econ.Profile:
    """A validated Profile from uploaded bytes; ProfileError (one line per problem) otherwise."""
    if len(data) > MAX_PROFILE_BYTES:
        raise econ.ProfileError(
            f"{name}: {len(data) / 2**20:.1f} MiB is over the {MAX_PROFILE_BYTES / 2**20:.0f} MiB limit for "
            "a profile"
        )
    return econ.parse_profile(data, origin=name)


def store_profile_paths(store: Path = DATA_DIR) -> dict[str, str]:
    """File name → absolute path of every profile file in the profile store."""
    try:
        return {p.name: os.path.abspath(p) for p in sorted(Path(store).glob("*.json")) if p.is_file()}
    except OSError:
        return {}


def restrict_to_store(scenario: econ.Scenario, store: Path = DATA_DIR) -> econ.Scenario:
    """The scenario with each profile path mapped onto the profile store; FieldError for any other path.

    A reference is accepted when it is a store file's name, or that file's own path (a scenario saved
    from this app names its stored profiles by path).
    """
    known = store_profile_paths(store)

    def check(field: str, ref: str) -> str:
        name = Path(ref).name
        if name in known and (ref == name or os.path.abspath(ref) == known[name]):
            return known[name]
        listed = ", ".join(known) or "none yet"
        raise FieldError(field, f"an uploaded scenario may name only a profile in the profile store "
                                f"(profiles/data/: {listed}) or embed the profile itself")

    return restrict_evidence(map_profile_refs(scenario, check))


def restrict_evidence(scenario: econ.Scenario) -> econ.Scenario:
    """The scenario unchanged when its graded samples are the app's own (the evidence folder or the
    shipped example); FieldError otherwise, with the same words whether or not the path exists."""
    evidence = scenario.quality.evidence
    if evidence is None:
        return scenario
    path = Path(os.path.abspath(evidence.path))
    if path == EXAMPLE_SAMPLES or path.parent == Path(os.path.abspath(evidence_dir())):
        return scenario
    raise FieldError("quality.evidence.path", "an uploaded scenario may name only samples uploaded on the "
                                              "Quality page or the shipped example, not a path on the server")


def parse_uploaded_scenario(name: str, data: bytes,
                            store: Path = DATA_DIR) -> tuple[econ.Scenario, econ.Evaluation]:
    """A validated scenario and its evaluation from uploaded bytes; ScenarioError otherwise.

    Evaluating here catches what validation alone cannot (an SLO no measured batch meets), so a
    loaded scenario is one the app can show.
    """
    if len(data) > MAX_SCENARIO_BYTES:
        raise econ.ScenarioError(
            f"{name}: {len(data) / 2**20:.1f} MiB is over the {MAX_SCENARIO_BYTES / 2**20:.0f} MiB limit "
            "for a scenario"
        )
    scenario = econ.parse_scenario(data, origin=name)
    try:
        scenario = restrict_to_store(scenario, store)
        evaluation = econ.evaluate(scenario)
    except ValueError as exc:
        raise econ.ScenarioError(f"{name}: {exc}") from None
    return scenario, evaluation


def scenario_json(scenario: econ.Scenario) -> str:
    """The scenario file text (as econ.save_scenario writes it)."""
    return scenario.model_dump_json(indent=2, exclude_none=True) + "\n"
