"""What `python -m profiles run` measures: the run settings, validated once, with their defaults and help.

Torch-free: imports pydantic and the standard library, so a bad flag is refused before torch loads.
The CLI reads defaults and help text from these fields (defaults live here once).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from econ.model.profile import field_path
from profiles.catalog import CatalogError, model_preset

PositiveInt = Annotated[int, Field(gt=0)]
# TPOT = (E2E − TTFT) / (output − 1) needs at least one decode step after the first token.
MIN_OUTPUT_TOKENS = 2
# Bound on timed repeats per point, so `--min-seconds` on a very fast point cannot run for ever.
MAX_REPEATS = 10_000

DEFAULT_BATCH_SIZES = (1, 4, 16, 64)
# Weight files that are pickles (can run code when loaded): refused, safetensors only.
PICKLE_WEIGHT_PATTERNS = ("*.bin", "*.pt", "*.pth", "*.ckpt", "*.pkl")
SAFETENSORS_PATTERN = "*.safetensors"


class RunSettings(BaseModel):
    """One `run`: which model, where, at what shape, how long."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    model: str = Field(min_length=1, description="Preset name (random weights of the real shape) or a local "
                       "Hugging Face checkpoint folder (safetensors).")
    device: Literal["auto", "cuda", "mps", "cpu"] = Field(
        "auto", description="Device to measure on; auto picks cuda, then mps, then cpu.")
    dtype: Literal["bf16", "fp16", "fp32"] | None = Field(
        None, description="Weight and activation dtype (default: bf16 on a GPU, fp32 on CPU).")
    batch_sizes: list[PositiveInt] = Field(
        list(DEFAULT_BATCH_SIZES), min_length=1, description="Batch sizes to sweep, comma-separated.")
    input_tokens: PositiveInt = Field(512, description="Prompt tokens per sequence (random tokens).")
    output_tokens: Annotated[int, Field(ge=MIN_OUTPUT_TOKENS)] = Field(
        128, description="Generated tokens per sequence (fixed length, EOS ignored).")
    repeats: Annotated[int, Field(ge=1, le=MAX_REPEATS)] = Field(
        5, description="Minimum timed runs per batch size (after the cold call and a warm-up).")
    min_seconds: Annotated[float, Field(ge=0, le=3600, allow_inf_nan=False)] = Field(
        2.0, description="Minimum timed seconds per batch size; runs repeat until both minimums are met.")
    train: bool = Field(False, description="Also measure a training step (forward + backward + AdamW).")
    compile: bool = Field(False, description="torch.compile the decode step.")
    out: str | None = Field(None,
                            description="Profile file to write (default: "
                                        "profiles/data/NAME-DEVICE-DTYPE.json).")

    @field_validator("batch_sizes")
    @classmethod
    def _unique_ascending(cls, value: list[int]) -> list[int]:
        if len(set(value)) != len(value):
            raise ValueError("batch sizes must be distinct")
        return sorted(value)


def flag_name(field: str) -> str:
    """The command-line flag of a settings field (batch_sizes → --batch-sizes)."""
    return "--" + field.replace("_", "-")


def run_settings(**values) -> RunSettings:
    """Validated settings; a ValueError naming the flag on bad input (one line)."""
    try:
        return RunSettings(**values)
    except ValidationError as exc:
        problems = []
        for item in exc.errors():
            top = str(item["loc"][0]) if item["loc"] else "(root)"
            where = "--model" if top == "model" else flag_name(field_path(item["loc"][:1]))
            problems.append(f"{where}: {item['msg']}")
        raise ValueError("; ".join(dict.fromkeys(problems))) from None


def parse_batch_sizes(text: str) -> list[int]:
    """'1,4,16' → [1, 4, 16]; a ValueError naming --batch-sizes otherwise."""
    parts = [part.strip() for part in text.split(",")]
    try:
        sizes = [int(part) for part in parts]
    except ValueError:
        raise ValueError(f"--batch-sizes: expected comma-separated positive integers, got {text!r}") from None
    if any(size <= 0 for size in sizes):
        raise ValueError(f"--batch-sizes: batch sizes must be positive integers, got {text!r}")
    return sizes


def checkpoint_weights_problem(folder: Path) -> str | None:
    """Why a checkpoint folder cannot be loaded (safetensors only), or None when it can."""
    if not (folder / "config.json").is_file():
        return f"--model {folder}: no config.json in the folder (not a Hugging Face checkpoint)"
    if any(folder.glob(SAFETENSORS_PATTERN)):
        return None
    pickles = sorted(p.name for pattern in PICKLE_WEIGHT_PATTERNS for p in folder.glob(pattern))
    if pickles:
        return (f"--model {folder}: refusing non-safetensors weights ({', '.join(pickles)}); pickle files "
                "can run code when loaded; convert the checkpoint to safetensors (save_pretrained(..., "
                "safe_serialization=True))")
    return f"--model {folder}: no *.safetensors weights in the folder"


def model_spec_problem(spec: str) -> str | None:
    """Why --model cannot be used (unknown preset, missing folder, pickle weights), or None. Torch-free."""
    path = Path(spec).expanduser()
    if path.is_dir():
        return checkpoint_weights_problem(path)
    if path.exists():
        return f"--model {spec}: is a file; give a preset name or a checkpoint folder"
    if "/" in spec or "\\" in spec or spec.startswith((".", "~")):
        return f"--model {spec}: no such folder"
    try:
        model_preset(spec)
    except CatalogError as exc:
        return f"--model: {exc}; or give a checkpoint folder"
    return None
