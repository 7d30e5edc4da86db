"""Scenario files: read (bounded, validated), resolve the profile paths inside, write atomically.

Imports the standard library and `econ.model.scenario`/`econ.io.files`/`econ.base.errors`. Every problem is a
`ScenarioError` with one line per field; nothing already saved is lost or half-overwritten.
"""

from __future__ import annotations

import contextlib
import glob
import os
import threading
from collections.abc import Callable
from pathlib import Path

from econ.io.files import read_validated_json, validate_json
from econ.model.profile import MAX_PROFILE_BYTES
from econ.model.scenario import DistillationRun, PhaseSide, Scenario, SelfHostedServing, TrainingRun

# A scenario file may embed up to four profiles (teacher, student, training run, swap alternative).
MAX_SCENARIO_BYTES = 4 * MAX_PROFILE_BYTES
TMP_SUFFIX = ".tmp"


class ScenarioError(ValueError):
    """A scenario that cannot be read or is invalid; the message names the field."""


def parse_scenario(data: dict | str | bytes, origin: str = "scenario") -> Scenario:
    """Validate a scenario from a dict or JSON text; raise ScenarioError naming each bad field.

    JSON text is at most MAX_SCENARIO_BYTES, with no repeated key and no deep nesting (econ.io.files).
    """
    return validate_json(data, Scenario, origin, MAX_SCENARIO_BYTES, ScenarioError)


def load_scenario(path: str | Path) -> Scenario:
    """Read a scenario file (a regular file of at most MAX_SCENARIO_BYTES); profile paths inside it are
    resolved relative to the file's folder."""
    scenario = read_validated_json(path, Scenario, MAX_SCENARIO_BYTES, ScenarioError)
    return resolve_profile_paths(scenario, Path(path).parent)


def _exists(path: Path) -> bool:
    """Whether anything is at path; False for names the system refuses (too long, a NUL byte)."""
    try:
        return os.path.lexists(path)
    except (OSError, ValueError):
        return False


def map_profile_refs(scenario: Scenario, change: Callable[[str, str], str]) -> Scenario:
    """The scenario with every profile path `ref` (not embedded profiles) replaced by change(field, ref).

    field is the path of the profile field: teacher.profile, student.profile, swap.serving.profile,
    distillation.training_usd.profile, distillation.training_usd.{scoring,sampling,training}.profile.
    """

    def fix(obj, field: str):
        if isinstance(obj, SelfHostedServing | TrainingRun | PhaseSide) and isinstance(obj.profile, str):
            return obj.model_copy(update={"profile": change(f"{field}.profile", obj.profile)})
        if isinstance(obj, DistillationRun):
            return obj.model_copy(update={
                side: fix(getattr(obj, side), f"{field}.{side}")
                for side in ("scoring", "sampling", "training")
                if getattr(obj, side)
            })
        return obj

    dist = scenario.distillation
    updates = {
        "teacher": fix(scenario.teacher, "teacher"),
        "student": fix(scenario.student, "student"),
        "distillation": dist.model_copy(
            update={"training_usd": fix(dist.training_usd, "distillation.training_usd")}),
    }
    if scenario.swap is not None:
        updates["swap"] = scenario.swap.model_copy(
            update={"serving": fix(scenario.swap.serving, "swap.serving")})
    return scenario.model_copy(update=updates)


def resolve_profile_paths(scenario: Scenario, base_dir: Path) -> Scenario:
    """Make relative profile and evidence paths absolute against base_dir (where the scenario file lives),
    where they exist."""

    def resolve(_field: str, ref: str) -> str:
        candidate = Path(ref)
        if not candidate.is_absolute() and _exists(base_dir / candidate):
            return os.path.abspath(base_dir / candidate)
        return ref

    scenario = map_profile_refs(scenario, resolve)
    evidence = scenario.quality.evidence
    if evidence is not None and evidence.path != resolve("quality.evidence.path", evidence.path):
        moved = evidence.model_copy(update={"path": resolve("quality.evidence.path", evidence.path)})
        quality = scenario.quality.model_copy(update={"evidence": moved})
        scenario = scenario.model_copy(update={"quality": quality})
    return scenario


def save_scenario(scenario: Scenario, path: str | Path) -> None:
    """Write a scenario atomically: never half-written, safe to run concurrently; ScenarioError if it cannot.

    The text goes to a temporary file named after this process and thread, which is renamed over the
    target. A save killed mid-write leaves the old file intact; its temporary file is removed by the
    next save of the same target (its process is gone). Refuses a target that exists and is not a
    regular file (a folder, a device).
    """
    target = Path(path)
    data = (scenario.model_dump_json(indent=2, exclude_none=True) + "\n").encode()
    tmp = target.with_name(f".{target.name}.{os.getpid()}-{threading.get_ident()}{TMP_SUFFIX}")
    try:
        refused = os.path.lexists(target) and not target.is_file()
    except (OSError, ValueError):
        refused = False  # the write below says why
    if refused:
        raise ScenarioError(f"{path}: exists and is not a regular file; not overwritten")
    try:
        _remove_stale_temporaries(target)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            os.write(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise ScenarioError(f"{path}: cannot write ({exc.strerror or exc})") from None
    except ValueError:
        raise ScenarioError(f"{path}: cannot write: the file name is not valid") from None


def _remove_stale_temporaries(target: Path) -> None:
    """Delete temporary files of earlier saves of target whose process no longer runs."""
    for stale in target.parent.glob(f".{glob.escape(target.name)}.*{TMP_SUFFIX}"):
        pid_text = stale.name[len(target.name) + 2:].split("-", 1)[0]
        if pid_text.isdigit() and not _process_alive(int(pid_text)):
            with contextlib.suppress(OSError):
                stale.unlink()


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # it exists but is not ours (EPERM), or the check is unsupported
        return True
    return True
