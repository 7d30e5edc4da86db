"""The sweep behind `python -m profiles run`: one point per batch size, optional training, one profile file.

Imports torch and the measuring modules (measuring commands only). Per batch size: the cold first call
is timed on its own, one warm-up run is discarded (and is the run whose peak memory is recorded, so
the sampler never runs during timed runs), then runs repeat until both a minimum count and a minimum
duration are reached. Out of memory at a batch → that point has oom=true, memory is freed, the sweep
goes on. Ctrl-C → completed points are kept and the profile is written with partial=true. The file is
always written atomically (`profiles.store.write_profile`).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import torch

from econ.model.profile import Hardware, Load, ModelInfo, Point, Profile, Training, WorkloadShape
from profiles.analytic.roofline import PointShape, analytic_memory_gib, kv_cache_gib
from profiles.backends.transformers.device import (
    free_memory,
    is_oom,
    resolve_device,
    resolve_dtype,
    synchronize,
)
from profiles.backends.transformers.energy import EnergyCounter, joules_per_token
from profiles.backends.transformers.environment import collect_environment
from profiles.backends.transformers.hw import HardwareMeasurement, measure_hardware
from profiles.backends.transformers.measure import DecodeSession
from profiles.backends.transformers.memory import MemoryTracker, available_memory_gib
from profiles.backends.transformers.metrics import point_metrics
from profiles.backends.transformers.models import LoadedModel, load_model
from profiles.backends.transformers.peaks import Peaks, check_peaks, with_utilizations
from profiles.backends.transformers.preflight import check_fits, machine_load
from profiles.backends.transformers.training import TrainingSteps, measure_training, training_mfu
from profiles.settings import MAX_REPEATS, RunSettings
from profiles.spec import catalog_name_for, spec_peaks
from profiles.store import DATA_DIR, check_out_path, write_profile
from profiles.sweep import repeat_until_minimums, sweep, unless_oom, warm_up

# Untimed runs after the cold call: warms caches and allocator; its peak memory is the point's.
WARMUP_RUNS = 1
# Further untimed runs until this long has passed: a fresh process needs a moment (page faults,
# allocator growth, CPU frequency) before its steps are steady.
WARMUP_MIN_SECONDS = 0.5
# A batch whose analytic KV cache needs more than this share of the free memory is recorded as
# out of memory without trying: on CPU a real OOM is the kernel's OOM killer, not an exception.
KV_CACHE_MEMORY_SHARE = 0.9

NOTES = (
    "Weights are random for presets (throughput and memory do not depend on weight values); "
    "prompts are random tokens; output length is fixed (EOS ignored).",
    "MBU: decode bytes (matmul weights + KV cache of the context, per step) per second over the "
    "hw-measured copy bandwidth; MFU: prefill FLOPs (2·N per token + causal attention, the estimator's "
    "roofline) per second over the hw-measured matmul FLOP/s; *_spec: the same over data-sheet peaks.",
)
CPU_MEMORY_NOTE = "peak_memory_gib on CPU is the whole process RSS (weights, runtime, activations), sampled."


class Progress(Protocol):
    """Where the sweep reports progress (the CLI draws a bar; library code never prints)."""

    def begin(self, description: str, total: int | None) -> None: ...
    def advance(self, steps: int = 1) -> None: ...
    def end(self) -> None: ...


class NullProgress:
    def begin(self, description: str, total: int | None) -> None:
        pass

    def advance(self, steps: int = 1) -> None:
        pass

    def end(self) -> None:
        pass


@dataclass
class RunHooks:
    """Callbacks into the sweep: `before_batch(batch)` runs inside the out-of-memory guard once the batch's
    cache and inputs exist; `after_point(point)` after each point is complete."""

    before_batch: Callable[[int], None] | None = None
    after_point: Callable[[Point], None] | None = None


@dataclass(frozen=True)
class RunResult:
    profile: Profile
    path: Path
    interrupted: bool
    warnings: list[str] = field(default_factory=list)


@dataclass
class _Context:
    loaded: LoadedModel
    device: str
    settings: RunSettings
    hw: HardwareMeasurement
    peaks: Peaks
    shape: PointShape
    energy: EnergyCounter | None
    hooks: RunHooks
    progress: Progress
    notes: list[str] = field(default_factory=list)


def default_out_path(name: str, device: str, dtype: str) -> Path:
    """profiles/data/NAME-DEVICE-DTYPE.json."""
    return DATA_DIR / f"{name}-{device}-{dtype}.json"


def _static(batch: int) -> Load:
    return Load(kind="static_batch", value=batch)


def _timed_point(ctx: _Context, batch: int):
    """Cold call, warm-up (whose peak memory is the point's), then the timed runs inside an energy window."""
    s, device = ctx.settings, ctx.device
    with MemoryTracker(device) as tracker:
        session = DecodeSession(ctx.loaded.model, device, batch, s.input_tokens, s.output_tokens,
                                compile_decode=s.compile)
        if ctx.hooks.before_batch is not None:
            ctx.hooks.before_batch(batch)
        cold = session.run()
        for _ in range(WARMUP_RUNS):
            session.run()
    warm_up(session.run, WARMUP_MIN_SECONDS)
    synchronize(device)
    energy_start = ctx.energy.read_j() if ctx.energy else None
    window_start = time.perf_counter()
    runs = repeat_until_minimums(session.run, s.repeats, s.min_seconds, MAX_REPEATS, ctx.progress.advance)
    synchronize(device)
    window_s = time.perf_counter() - window_start
    energy_end = ctx.energy.read_j() if ctx.energy else None
    return cold, runs, tracker.peak, energy_start, energy_end, window_s


def measure_point(ctx: _Context, batch: int) -> Point:
    """One batch size: cold call, warm-up (memory), timed runs; oom=true if it does not fit."""
    s, arch, dtype, device = ctx.settings, ctx.loaded.arch, ctx.loaded.dtype, ctx.device
    context = s.input_tokens + s.output_tokens
    need_gib, free_gib = kv_cache_gib(arch, dtype, batch, context), available_memory_gib(device)
    if need_gib > KV_CACHE_MEMORY_SHARE * free_gib:
        ctx.notes.append(f"batch {batch}: not run, its KV cache ({need_gib:.2f} GiB) exceeds the free memory "
                         f"({free_gib:.2f} GiB)")
        return Point(batch_size=batch, load=_static(batch), oom=True)
    ctx.progress.begin(f"batch {batch}", s.repeats)

    def cleanup() -> None:
        ctx.progress.end()
        free_memory(device)

    timed = unless_oom(lambda: _timed_point(ctx, batch), is_oom, cleanup)
    if timed is None:
        ctx.notes.append(f"batch {batch}: out of memory")
        return Point(batch_size=batch, load=_static(batch), oom=True)
    cold, runs, peak, energy_start, energy_end, window_s = timed

    m = point_metrics(runs, batch, s.input_tokens, s.output_tokens)
    point = Point(
        batch_size=batch, load=_static(batch),
        ttft_ms=m.ttft_ms, tpot_ms=m.tpot_ms, itl_ms=m.itl_ms, e2e_ms=m.e2e_ms,
        prefill_tokens_per_s=m.prefill_tokens_per_s,
        decode_tokens_per_s=m.decode_tokens_per_s,
        decode_tokens_per_s_per_sequence=m.decode_tokens_per_s_per_sequence,
        requests_per_s=m.requests_per_s,
        peak_memory_gib=peak.allocated_gib,
        peak_memory_reserved_gib=peak.reserved_gib,
        analytic_memory_gib=analytic_memory_gib(arch, dtype, batch, context),
        energy_j_per_token=joules_per_token(energy_start, energy_end, window_s,
                                            batch * s.output_tokens * len(runs)),
        cold_first_call_ms=cold.e2e_s * 1e3,
        repeats=m.repeats,
    )
    return with_utilizations(point, ctx.shape, ctx.peaks)


def measure_training_block(ctx: _Context, points: list[Point]) -> Training | None:
    """Training at seq_len = input + output and the largest batch that decoded; halve it on OOM."""
    s = ctx.settings
    fitting = [p.batch_size for p in points if not p.oom]
    if not fitting:
        ctx.notes.append("training: not measured, no batch size fit in memory")
        return None
    batch, seq_len = max(fitting), s.input_tokens + s.output_tokens
    while batch >= 1:
        ctx.progress.begin(f"training batch {batch}", s.repeats)

        def cleanup() -> None:
            ctx.progress.end()
            free_memory(ctx.device)

        steps = TrainingSteps(batch, seq_len, min_steps=s.repeats, min_seconds=s.min_seconds)
        result = unless_oom(
            lambda steps=steps: measure_training(ctx.loaded.model, ctx.loaded.arch, ctx.device, steps,
                                                 on_step=ctx.progress.advance),
            is_oom, cleanup)
        if result is not None:
            return Training(
                tokens_per_s=result.tokens_per_s, seq_len=seq_len, batch_size=batch,
                peak_memory_gib=result.peak_memory_gib,
                mfu=training_mfu(result, ctx.peaks.flop_per_s.get(ctx.loaded.dtype)),
                mfu_spec=training_mfu(result, ctx.peaks.flop_per_s_spec),
            )
        ctx.notes.append(f"training: batch {batch} ran out of memory")
        batch //= 2
    return None


def _peaks(
    hw: HardwareMeasurement, bandwidth_spec_gb_per_s: float | None, flop_per_s_spec: float | None
) -> Peaks:
    return Peaks(hw.bandwidth_gb_per_s, dict(hw.flop_per_s), bandwidth_spec_gb_per_s, flop_per_s_spec)


def _hardware(ctx: _Context, catalog_name: str | None) -> Hardware:
    kind = "rocm" if ctx.device == "cuda" and torch.version.hip else ctx.device
    return Hardware(
        device=kind, name=ctx.hw.name, gpu_count=1.0, memory_gib=ctx.hw.memory_gib,
        bandwidth_gb_per_s_spec=ctx.peaks.bandwidth_spec_gb_per_s,
        bandwidth_gb_per_s_measured=ctx.peaks.bandwidth_gb_per_s,
        flop_per_s_spec=ctx.peaks.flop_per_s_spec,
        flop_per_s_measured=ctx.peaks.flop_per_s.get(ctx.loaded.dtype),
        catalog_name=catalog_name,
    )


def model_info(loaded: LoadedModel) -> ModelInfo:
    arch, dtype = loaded.arch, loaded.dtype
    return ModelInfo(
        name=loaded.name, parameters=loaded.parameters, dtype=dtype, source=loaded.source,
        layers=arch.layers, hidden_size=arch.hidden_size, attention_heads=arch.attention_heads,
        kv_heads=arch.kv_heads, head_dim=arch.head_dim, intermediate_size=arch.intermediate_size,
        vocab_size=arch.vocab_size, tied_embeddings=arch.tied_embeddings,
        weights_bytes=arch.weight_bytes(dtype), kv_cache_bytes_per_token=arch.kv_cache_bytes_per_token(dtype),
    )


def run_profile(settings: RunSettings, command: str | None = None, hooks: RunHooks | None = None,
                progress: Progress | None = None) -> RunResult:
    """Measure every batch size (and training with settings.train) and write the profile atomically."""
    device = resolve_device(settings.device)
    dtype = resolve_dtype(settings.dtype, device)
    if settings.out is not None:
        check_out_path(settings.out)  # before anything is measured: a failed write would lose it all
    check_fits(settings, device, dtype)
    loaded = load_model(settings.model, device, dtype)
    out = Path(settings.out) if settings.out is not None else default_out_path(loaded.name, device, dtype)
    hw = measure_hardware(device, (dtype,))
    catalog_name = catalog_name_for(hw.name) if device != "cpu" else None
    energy = EnergyCounter(torch.cuda.current_device()) if device == "cuda" else None
    ctx = _Context(loaded=loaded, device=device, settings=settings, hw=hw,
                   peaks=_peaks(hw, *spec_peaks(catalog_name, dtype)),
                   shape=PointShape(loaded.arch, dtype, settings.input_tokens, settings.output_tokens),
                   energy=energy if energy and energy.available else None,
                   hooks=hooks or RunHooks(), progress=progress or NullProgress())
    load_note, load_warning = machine_load()
    training: Training | None = None
    result = sweep(settings.batch_sizes, lambda batch: measure_point(ctx, batch), ctx.hooks.after_point)
    points, interrupted = result.points, result.interrupted
    points, ctx.peaks, peak_notes = check_peaks(points, ctx.shape, ctx.peaks,
                                                lambda: _peaks(measure_hardware(device, (dtype,)),
                                                               ctx.peaks.bandwidth_spec_gb_per_s,
                                                               ctx.peaks.flop_per_s_spec))
    ctx.notes.extend(peak_notes)
    if settings.train and not interrupted:
        try:
            training = measure_training_block(ctx, points)
        except KeyboardInterrupt:
            interrupted = True
    if interrupted:
        ctx.notes.append(f"interrupted after {len(points)} of {len(settings.batch_sizes)} batch sizes")
    first = [load_warning] if load_warning else []
    notes = [*first, *NOTES, *([CPU_MEMORY_NOTE] if device == "cpu" else []), load_note, *ctx.notes]
    warnings = [*first, *(n for n in ctx.notes if n.startswith("UNRELIABLE"))]
    profile = Profile(
        provenance="measured", partial=interrupted,
        created_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        model=model_info(loaded), hardware=_hardware(ctx, catalog_name),
        workload=WorkloadShape(input_tokens=settings.input_tokens, output_tokens=settings.output_tokens),
        points=points, training=training,
        environment=collect_environment(device, settings.compile, command), notes=notes,
    )
    path = write_profile(profile, out)
    return RunResult(profile=profile, path=path, interrupted=interrupted, warnings=warnings)
