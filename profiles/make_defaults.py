"""Regenerate the shipped estimated default profiles and the copies embedded in econ's default scenario.

    python -m profiles.make_defaults

writes `profiles/data/default-teacher-llama-3.1-70b-4xh100.json` and
`profiles/data/default-student-llama-3.1-8b-1xh100.json` (each equal to the `python -m profiles estimate`
command recorded in its `environment.command`), then replaces the `profile` objects of the teacher and
student in `econ/data/default_scenario.json` (econ may not import profiles, so the scenario embeds them),
leaving every other field of that file as it is. Torch-free; prints what it wrote.
"""

from __future__ import annotations

import json
import os
import shlex
import tempfile
from dataclasses import dataclass
from pathlib import Path

from econ.model.examples import DEFAULT_SCENARIO_PATH
from econ.model.profile import Profile
from profiles.analytic.estimate import EstimateSettings, estimate_profile
from profiles.store import DATA_DIR, write_profile

# Shipped data files are world-readable (the atomic temp file starts owner-only).
DATA_FILE_MODE = 0o644
# Fixed so that regenerating without a formula change leaves the files byte-identical.
DEFAULTS_CREATED_AT = "2026-11-28T00:00:00+00:00"
DEFAULT_BATCH_SIZES = (1, 2, 4, 8, 16, 32, 64, 128)


@dataclass(frozen=True)
class DefaultProfile:
    """One shipped estimate: which side of the default scenario it serves and how it is made."""

    side: str
    filename: str
    model: str
    gpu: str
    gpus: int

    @property
    def settings(self) -> EstimateSettings:
        # Token counts: EstimateSettings' defaults, i.e. econ's default workload (1000 in / 300 out).
        return EstimateSettings(gpus=self.gpus, dtype="bf16", batch_sizes=DEFAULT_BATCH_SIZES)

    @property
    def command(self) -> str:
        s = self.settings
        return "python -m profiles " + shlex.join([
            "estimate", "--model", self.model, "--gpu", self.gpu, "--gpus", str(self.gpus), "--dtype",
            s.dtype, "--batch-sizes", ",".join(map(str, s.batch_sizes)), "--input-tokens",
            str(s.input_tokens), "--output-tokens", str(s.output_tokens), "--out",
            f"profiles/data/{self.filename}",
        ])

    def profile(self) -> Profile:
        return estimate_profile(self.model, self.gpu, self.settings, command=self.command,
                                created_at=DEFAULTS_CREATED_AT)


DEFAULTS = (
    # Llama-3.1-70B-class teacher, tensor parallel over 4 H100 SXMs (2 is the minimum; 4 leaves room for
    # the KV cache of batches up to 128 at 1300 tokens, and is how 70B is commonly served).
    DefaultProfile("teacher", "default-teacher-llama-3.1-70b-4xh100.json", "llama-3.1-70b", "h100-sxm", 4),
    DefaultProfile("student", "default-student-llama-3.1-8b-1xh100.json", "llama-3.1-8b", "h100-sxm", 1),
)


def embedded_scenario(scenario: dict, profiles: dict[str, Profile]) -> dict:
    """The scenario dict with each side's `profile` replaced by the given profile (JSON-ready)."""
    out = dict(scenario)
    for side, profile in profiles.items():
        out[side] = {**scenario[side], "profile": profile.model_dump(mode="json", exclude_none=True)}
    return out


def write_defaults(data_dir: Path = DATA_DIR, scenario_path: Path = DEFAULT_SCENARIO_PATH) -> list[Path]:
    """Write both profiles and refresh the scenario's embedded copies; the paths written."""
    profiles = {d.side: d.profile() for d in DEFAULTS}
    written = [write_profile(profiles[d.side], Path(data_dir) / d.filename) for d in DEFAULTS]
    scenario = json.loads(Path(scenario_path).read_text())
    text = json.dumps(embedded_scenario(scenario, profiles), indent=2, ensure_ascii=False) + "\n"
    fd, tmp = tempfile.mkstemp(prefix=f".{Path(scenario_path).name}.", suffix=".tmp",
                               dir=Path(scenario_path).parent)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)
    os.replace(tmp, scenario_path)
    paths = [*written, Path(scenario_path)]
    for path in paths:
        path.chmod(DATA_FILE_MODE)
    return paths


if __name__ == "__main__":
    for path in write_defaults():
        print(f"wrote {path}")
