"""Training throughput: forward + backward + AdamW step at a sequence length and batch size.

Imports torch (measuring commands only) and the roofline formulas. Tokens/s prices the distillation
run; MFU uses 6·N per token plus attention (PaLM appendix B). The weights train in the profile's own
dtype (no fp32 master copy), which is what the measured throughput and memory describe.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import torch

from profiles.analytic.roofline import training_flops_per_token, utilization
from profiles.backends.transformers.device import StepClock, synchronize
from profiles.backends.transformers.measure import random_prompt
from profiles.backends.transformers.memory import MemoryTracker
from profiles.catalog import ModelArchitecture

# The first steps allocate AdamW's state and warm the kernels: untimed.
WARMUP_STEPS = 2
# AdamW settings of a typical fine-tune; the values change nothing about speed.
LEARNING_RATE = 1e-5


@dataclass(frozen=True)
class TrainingMeasurement:
    tokens_per_s: float
    seq_len: int
    batch_size: int
    peak_memory_gib: float
    flop_per_s: float
    steps: int


@dataclass(frozen=True)
class TrainingSteps:
    """What a training measurement times: steps of batch × seq_len tokens, until both minimums are met."""

    batch: int
    seq_len: int
    min_steps: int
    min_seconds: float


def measure_training(model: torch.nn.Module, arch: ModelArchitecture, device: str, steps: TrainingSteps,
                     on_step=None) -> TrainingMeasurement:
    """Time training steps until both steps.min_steps and steps.min_seconds are reached; peak memory over
    all."""
    batch, seq_len, min_steps, min_seconds = steps.batch, steps.seq_len, steps.min_steps, steps.min_seconds
    model.train()
    optimizer = torch.optim.AdamW(model.parameters(), lr=LEARNING_RATE)
    tokens = random_prompt(batch, seq_len, arch.vocab_size, device)
    clock = StepClock(device, 1)

    def step() -> None:
        loss = model(input_ids=tokens, labels=tokens).loss
        loss.backward()
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)

    try:
        with MemoryTracker(device) as tracker:
            for _ in range(WARMUP_STEPS):
                step()
            synchronize(device)
            durations: list[float] = []
            started = time.perf_counter()
            while len(durations) < min_steps or time.perf_counter() - started < min_seconds:
                clock.start()
                step()
                clock.mark()
                durations.append(clock.finish()[0])
                if on_step is not None:
                    on_step()
    finally:
        optimizer.state.clear()  # free AdamW's moments before the next measurement
        model.zero_grad(set_to_none=True)
        model.eval()
    seconds_per_step = sum(durations) / len(durations)
    tokens_per_s = batch * seq_len / seconds_per_step
    return TrainingMeasurement(
        tokens_per_s=tokens_per_s, seq_len=seq_len, batch_size=batch,
        peak_memory_gib=tracker.peak.allocated_gib,
        flop_per_s=tokens_per_s * training_flops_per_token(arch, seq_len), steps=len(durations),
    )


def training_mfu(measurement: TrainingMeasurement, peak_flop_per_s: float | None) -> float | None:
    """Achieved training FLOP/s ÷ peak FLOP/s."""
    return utilization(measurement.flop_per_s, peak_flop_per_s)
