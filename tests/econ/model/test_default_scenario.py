"""The shipped estimated profiles and econ's default scenario built on them: valid, labelled as
estimates, in step with the estimator, and giving a sensible answer."""

from __future__ import annotations

import json
import shutil

import pytest

import econ
from econ.model.examples import DEFAULT_SCENARIO_PATH
from econ.model.profile import load_profile
from profiles import make_defaults
from profiles.store import DATA_DIR, list_profiles


def test_every_shipped_profile_validates():
    listed = list_profiles(DATA_DIR)
    assert listed, "profiles/data ships profiles"
    for path, profile in listed:
        assert not isinstance(profile, Exception), f"{path}: {profile}"


@pytest.mark.parametrize("default", make_defaults.DEFAULTS, ids=lambda d: d.side)
def test_default_profiles_are_estimates_and_up_to_date(default):
    shipped = load_profile(DATA_DIR / default.filename)
    assert shipped.provenance == "estimated" and shipped.hardware.device == "estimate"
    assert shipped.assumptions and "ESTIMATE" in shipped.assumptions[0]
    # Regenerating gives the same file: a formula change must come with `python -m profiles.make_defaults`.
    assert default.profile() == shipped
    assert shipped.environment.command.startswith("python -m profiles estimate --model")
    # At econ's default workload.
    assert (shipped.workload.input_tokens, shipped.workload.output_tokens) == (1000, 300)


def test_default_pair_shapes():
    teacher = load_profile(DATA_DIR / make_defaults.DEFAULTS[0].filename)
    student = load_profile(DATA_DIR / make_defaults.DEFAULTS[1].filename)
    assert (teacher.model.name, teacher.hardware.name,
            teacher.hardware.gpu_count) == ("llama-3.1-70b", "h100-sxm", 4)
    assert (student.model.name, student.hardware.name,
            student.hardware.gpu_count) == ("llama-3.1-8b", "h100-sxm", 1)
    assert [p.batch_size for p in teacher.points] == [1, 2, 4, 8, 16, 32, 64, 128]
    assert not any(p.oom for p in teacher.points + student.points)


def test_scenario_embeds_the_shipped_profiles():
    scenario = econ.default_scenario()
    for default in make_defaults.DEFAULTS:
        side = getattr(scenario, default.side)
        assert side.profile == load_profile(DATA_DIR / default.filename)
    assert scenario.teacher.gpus_per_replica == 4 and scenario.student.gpus_per_replica == 1
    assert econ.default_scenario() is econ.default_scenario()  # validated once


def test_default_scenario_warns_that_capacity_is_estimated():
    result = econ.evaluate(econ.default_scenario())
    for side, model in (("teacher", "llama-3.1-70b"), ("student", "llama-3.1-8b")):
        assert any(
            w.startswith(
                f"the {side}'s capacity comes from an estimated profile ({model}") for w in result.warnings)
    assert not any("profile was estimated at" in w for w in result.warnings)  # profiles match the workload


def test_default_scenario_answer_is_sensible():
    result = econ.evaluate(econ.default_scenario())
    # Pays back within the horizon, not instantly: upfront $23,750 against a few $k/month of savings.
    assert result.payback_months is not None and 1 < result.payback_months < 12
    assert result.npv_usd > 0
    assert result.student_usd_per_kreq < result.teacher_usd_per_kreq
    # The SLO (p99 TTFT ≤ 1 s, TPOT ≤ 50 ms) picks batch 32 for the 8B student and batch 16 for the 70B
    # teacher.
    assert result.student_capacity_source == "estimated profile llama-3.1-8b, batch 32"


def test_make_defaults_rewrites_identical_files(tmp_path):
    scenario_copy = tmp_path / "default_scenario.json"
    shutil.copy(DEFAULT_SCENARIO_PATH, scenario_copy)
    written = make_defaults.write_defaults(tmp_path, scenario_copy)
    for default in make_defaults.DEFAULTS:
        assert (tmp_path / default.filename).read_bytes() == (DATA_DIR / default.filename).read_bytes()
    assert json.loads(scenario_copy.read_text()) == json.loads(DEFAULT_SCENARIO_PATH.read_text())
    assert len(written) == 3
