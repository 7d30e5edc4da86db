"""Checks before a run measures anything: the machine's load, whether the model fits, where the profile goes.

Imports the model resolver and memory query (torch, measuring commands only) and the output-path guard.
Every refusal is a ValueError naming the flag, raised before a model is built or a second is measured.
"""

from __future__ import annotations

import os

from profiles.backends.transformers.memory import available_memory_gib
from profiles.backends.transformers.models import resolve_model
from profiles.settings import RunSettings

# The weights need this share of free memory at most, or the model is refused before building it.
WEIGHTS_MEMORY_SHARE = 0.9
# A run started above this 1-minute load average per CPU warns (the rule: above half the cores).
BUSY_LOAD_PER_CPU = 0.5


def machine_load() -> tuple[str, str | None]:
    """(note, warning): the 1-minute load average at the start; a warning when it exceeds half the cores."""
    try:
        one_minute = os.getloadavg()[0]
    except OSError:  # not available on this platform
        return "system load average: unknown", None
    cpus = os.cpu_count() or 1
    note = f"system load average {one_minute:.2f} over 1 min at the start, on {cpus} CPUs"
    if one_minute <= BUSY_LOAD_PER_CPU * cpus:
        return note, None
    return note, (f"WARNING: the machine was busy when the run started (load average {one_minute:.2f} on "
                  f"{cpus} CPUs, above half the cores): timings may be slower and noisier than on a quiet "
                  "machine")


def check_fits(settings: RunSettings, device: str, dtype: str) -> None:
    """Refuse, before building anything, a context longer than the model's or weights larger than memory."""
    arch, _folder = resolve_model(settings.model)
    context = settings.input_tokens + settings.output_tokens
    if context > arch.max_position_embeddings:
        raise ValueError(f"--input-tokens + --output-tokens = {context} exceeds the model's "
                         f"max_position_embeddings ({arch.max_position_embeddings})")
    weights_gib, free_gib = arch.weight_bytes(dtype) / 2**30, available_memory_gib(device)
    if weights_gib > WEIGHTS_MEMORY_SHARE * free_gib:
        raise ValueError(f"--model {settings.model}: its {dtype} weights ({weights_gib:.1f} GiB) do not fit "
                         f"in the free memory of {device} ({free_gib:.1f} GiB)")
