"""The steps of each distillation method, with a clock mark between phases, and the rule that times them.

Imports torch and the measuring modules (measuring commands only). A step is a function of `mark`, called
right after each phase is queued: CUDA records an event there, MPS synchronises, the CPU reads the clock
(`StepClock`), so the phases of one step are timed in one pass and add up to the step. Timing follows the
sweep's rules: untimed warm-up steps for at least WARMUP_MIN_SECONDS, each with a memory tracker per phase
(the peaks are theirs, so the memory sampler never runs during timed steps), then steps until both a
minimum count and a minimum duration are reached.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from profiles.backends.endpoint.scoring import ServedTeacher
from profiles.backends.transformers.device import StepClock, synchronize
from profiles.backends.transformers.distill.logit_store import read_shard, write_shard
from profiles.backends.transformers.distill.losses import (
    forward_kl,
    reverse_kl_loss,
    sampled_log_probs,
    top_k_logits,
)
from profiles.backends.transformers.measure import DecodeSession
from profiles.backends.transformers.memory import MemoryTracker
from profiles.settings import MAX_REPEATS
from profiles.sweep import repeat_until_minimums

# Untimed, memory-tracked steps until this long has passed (at least one): AdamW allocates its state,
# kernels warm up, the allocator grows, the CPU settles its frequency (as the sweep does).
WARMUP_MIN_SECONDS = 0.3

Mark = Callable[[], None]
Step = Callable[[Mark], None]


@dataclass(frozen=True)
class PhaseTimes:
    """Mean seconds per phase over the timed steps, their count, and each phase's peak memory (GiB)."""

    seconds: list[float]
    steps: int
    peak_gib: list[float]


def _tracked_step(device: str, step: Step, phases: int, peaks: list[float]) -> None:
    """One untimed step with a memory tracker per phase; each phase's peak raised into `peaks`."""
    done = 0
    tracker = MemoryTracker(device).__enter__()

    def tracked_mark() -> None:  # close this phase's tracker, open the next one
        nonlocal tracker, done
        tracker.__exit__(None, None, None)
        peaks[done] = max(peaks[done], tracker.peak.allocated_gib)
        done += 1
        if done < phases:
            tracker = MemoryTracker(device).__enter__()

    try:
        step(tracked_mark)
    finally:
        if done < phases:  # the step failed: stop the open tracker's sampler
            tracker.__exit__(None, None, None)


def time_phases(device: str, step: Step, phases: int, minimums: tuple[int, float]) -> PhaseTimes:
    """Warm up with every phase's memory tracked (AdamW's state and the allocator grow over the first
    steps), then time untracked steps until both minimums are met."""
    peaks = [0.0] * phases
    started = time.perf_counter()
    _tracked_step(device, step, phases, peaks)
    while time.perf_counter() - started < WARMUP_MIN_SECONDS:
        _tracked_step(device, step, phases, peaks)
    clock = StepClock(device, phases)

    def once() -> list[float]:
        clock.start()
        step(clock.mark)
        return clock.finish()

    once()  # one untracked step: the sampler threads are gone before the clock starts
    synchronize(device)
    marks = np.asarray(repeat_until_minimums(once, minimums[0], minimums[1], MAX_REPEATS), dtype=float)
    per_phase = np.diff(np.column_stack([np.zeros(len(marks)), marks]), axis=1).mean(axis=0)
    return PhaseTimes([float(s) for s in per_phase], len(marks), peaks)


@dataclass
class StepParts:
    """What the steps work on: the models, the student's optimizer, the batch of token ids, top-k."""

    teacher: torch.nn.Module | None
    student: torch.nn.Module
    optimizer: torch.optim.Optimizer
    tokens: torch.Tensor
    top_k: int
    served: ServedTeacher | None = None  # scores through an endpoint instead of `teacher`


def _update(parts: StepParts, loss: torch.Tensor) -> None:
    loss.backward()
    parts.optimizer.step()
    parts.optimizer.zero_grad(set_to_none=True)


def teacher_logits(parts: StepParts, tokens: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor | None]:
    """The teacher's top-k (values, ids) per token, in inference mode, copied out as ordinary tensors (a
    served
    teacher's top-k log-probabilities: the same softmax over the k, since they differ from logits by a
    constant)."""
    if parts.served is not None:
        scores = parts.served.score(tokens.tolist())
        return torch.from_numpy(scores.values).to(tokens.device), torch.from_numpy(scores.ids).to(
            tokens.device)
    with torch.inference_mode():
        values, ids = top_k_logits(parts.teacher(input_ids=tokens).logits, parts.top_k)
    return values.clone(), None if ids is None else ids.clone()


def sft_step(parts: StepParts) -> Step:
    """Sequence-level: cross-entropy on the (teacher-written) tokens, backward, AdamW."""
    def step(mark: Mark) -> None:
        _update(parts, parts.student(input_ids=parts.tokens, labels=parts.tokens).loss)
        mark()
    return step


def kl_step(parts: StepParts) -> Step:
    """The student's update against given teacher logits: forward, KL over top-k, backward, AdamW."""
    values, ids = teacher_logits(parts, parts.tokens)

    def step(mark: Mark) -> None:
        _update(parts, forward_kl(parts.student(input_ids=parts.tokens).logits, values, ids))
        mark()
    return step


def online_step(parts: StepParts) -> Step:
    """Online logit KD: teacher forward (inference mode) | student forward, KL, backward, AdamW."""
    def step(mark: Mark) -> None:
        values, ids = teacher_logits(parts, parts.tokens)
        mark()
        _update(parts, forward_kl(parts.student(input_ids=parts.tokens).logits, values, ids))
        mark()
    return step


def scoring_step(parts: StepParts, shard: Path) -> Step:
    """Offline logit KD, teacher side: scoring (forward + top-k) | the shard written with safetensors."""
    def step(mark: Mark) -> None:
        values, ids = teacher_logits(parts, parts.tokens)
        mark()
        write_shard(shard, values, ids)
        mark()
    return step


def stored_kl_step(parts: StepParts, shard: Path, device: str) -> Step:
    """Offline logit KD, student side: the shard read back, student forward, KL, backward, AdamW."""
    def step(mark: Mark) -> None:
        values, ids = read_shard(shard, device)
        _update(parts, forward_kl(parts.student(input_ids=parts.tokens).logits, values, ids))
        mark()
    return step


def sampled_teacher_log_probs(parts: StepParts, sequence: torch.Tensor, prompt_len: int) -> torch.Tensor:
    """The teacher's log-probability of each sampled token (positions prompt_len…), local or served."""
    if parts.served is not None:
        own = parts.served.score(sequence.tolist()).token_log_probs[:, prompt_len:]
        return torch.from_numpy(own).to(sequence.device)
    with torch.inference_mode():  # position t predicts token t + 1
        logits = parts.teacher(input_ids=sequence).logits[:, prompt_len - 1:-1]
        log_probs = sampled_log_probs(logits, sequence[:, prompt_len:])
    return log_probs.clone()


def on_policy_step(parts: StepParts, session: DecodeSession) -> Step:
    """On-policy: the student samples C tokens | the teacher scores prompt + samples | per-token reverse
    KL."""
    prompt_len = session.prompt.shape[1]

    def step(mark: Mark) -> None:
        session.run()
        sequence = torch.cat([session.prompt, session.generated_tokens()], dim=1).clone()
        sampled = sequence[:, prompt_len:]
        mark()
        teacher_log_probs = sampled_teacher_log_probs(parts, sequence, prompt_len)
        mark()
        student_logits = parts.student(input_ids=sequence).logits[:, prompt_len - 1:-1]
        _update(parts, reverse_kl_loss(student_logits, teacher_log_probs, sampled))
        mark()
    return step
