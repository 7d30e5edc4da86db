"""The run behind `python -m profiles distill`: check the pair, build the models, time the method's phases,
put the roofline beside each, and write the distillation profile atomically.

Imports torch and the measuring modules (measuring commands only). Before any model is built: a logit
method with two vocabularies is refused, and so is a pair whose resident memory (both models online and
on-policy; the larger side offline) exceeds the free memory, with the GiB it needed. Offline, the teacher
scores and writes its logits first and is freed before the student is built.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from dataclasses import dataclass
from pathlib import Path

import torch

from econ.base.units import GB
from econ.model.distill_profile import (
    TEACHER_PHASES,
    DistillationBlock,
    DistillationProfile,
    DistillPhase,
    PhaseCheck,
)
from econ.model.profile import Hardware, ModelInfo
from profiles.analytic import distill as analytic
from profiles.backends.endpoint.scoring import ServedTeacher
from profiles.backends.transformers.device import free_memory, resolve_device, resolve_dtype
from profiles.backends.transformers.distill import phases as steps
from profiles.backends.transformers.distill.logit_store import shard_size
from profiles.backends.transformers.distill.losses import trainable_parameters, with_lora
from profiles.backends.transformers.environment import collect_environment
from profiles.backends.transformers.hw import HardwareMeasurement, measure_hardware
from profiles.backends.transformers.measure import DecodeSession, random_prompt
from profiles.backends.transformers.memory import available_memory_gib
from profiles.backends.transformers.models import LoadedModel, load_model, resolve_model
from profiles.backends.transformers.preflight import WEIGHTS_MEMORY_SHARE
from profiles.backends.transformers.runner import model_info
from profiles.distill_settings import DistillSettings
from profiles.spec import catalog_name_for, spec_peaks
from profiles.store import DATA_DIR, check_out_path, write_text_atomically

UNTIMED_BY_ROOFLINE = ("logit_write",)
# Matches the training measurement of `profiles run --train`; the value changes nothing about speed.
LEARNING_RATE = 1e-5
NOTES = (
    "Weights are random for presets and tokens are random ids: speed and memory do not depend on either.",
    "Phases of one step are timed in one pass (a clock mark between them) and add up to the step.",
    "analytic: FLOPs and bytes of the roofline (profiles/analytic/distill.py) at the hw-measured matmul "
    "FLOP/s and copy bandwidth; measured_over_analytic above 1 is the share of the peak not reached.",
)
SEQUENCE_NOTE = ("sequence: the teacher only writes text; its generation is measured by `profiles run` on "
                 "the teacher (decode tokens/s), so no teacher phase is timed here.")
CPU_MEMORY_NOTE = "peak_memory_gib on CPU is the whole process RSS (sampled), not the phase's own allocation."


@dataclass(frozen=True)
class Measured:
    """One timed phase before it becomes a DistillPhase: seconds, tokens, peak memory, roofline cost."""

    name: str
    seconds: float
    tokens: int
    peak_gib: float
    cost: analytic.PhaseCost
    steps: int


def default_out_path(settings: DistillSettings, student: str) -> Path:
    return DATA_DIR / f"distill-{settings.method}-{Path(student).name}.json"


def check_pair(settings: DistillSettings, device: str, dtype: str) -> tuple[float, float]:
    """Refuse a vocabulary mismatch (logit methods), a sequence too long, or a pair that does not fit;
    else (memory needed, memory free), GiB."""
    teacher, _ = resolve_model(settings.teacher)
    student, _ = resolve_model(settings.student)
    if settings.uses_logits and teacher.vocab_size != student.vocab_size:
        raise ValueError(f"--teacher/--student: the {settings.method} method compares the two models' "
                         f"distributions token by token, but their vocabularies differ (teacher "
                         f"{teacher.vocab_size:,} tokens, student {student.vocab_size:,}); use one "
                         "tokenizer, or --method sequence")
    for role, arch in (("teacher", teacher), ("student", student)):
        if settings.seq_len > arch.max_position_embeddings:
            raise ValueError(f"--seq-len: {settings.seq_len} exceeds the {role}'s max_position_embeddings "
                             f"({arch.max_position_embeddings})")
    trainable = (student.parameters if settings.lora_rank is None
                 else analytic.lora_parameters(student, settings.lora_rank))
    # A served teacher lives on its own machine: only the student's side needs memory here.
    method = "sequence" if settings.teacher_url else settings.method
    need = analytic.memory_needed_gib(teacher, student, dtype, method, trainable,
                                      (settings.batch_size, settings.seq_len))
    free = available_memory_gib(device)
    if need > WEIGHTS_MEMORY_SHARE * free:
        together = "together " if settings.method in ("logit-online", "on-policy") else ""
        raise ValueError(f"--teacher {settings.teacher} and --student {settings.student} do not fit "
                         f"{together}on {device}: the {settings.method} step needs about {need:.2f} GiB "
                         f"({dtype}, batch {settings.batch_size} × {settings.seq_len} tokens), {free:.2f} "
                         "GiB is free")
    return need, free


def _teacher(settings: DistillSettings, device: str,
             dtype: str) -> tuple[LoadedModel | None, ServedTeacher | None, ModelInfo]:
    """The local teacher (loaded), or the served one (only its shape is read here), and its ModelInfo."""
    if settings.teacher_url is None:
        loaded = load_model(settings.teacher, device, dtype)
        return loaded, None, model_info(loaded)
    arch, _ = resolve_model(settings.teacher)
    served = ServedTeacher(settings.teacher_url, settings.teacher_model, settings.top_k)
    info = ModelInfo(name=settings.teacher_model, parameters=arch.parameters, source="endpoint",
                     layers=arch.layers, hidden_size=arch.hidden_size, vocab_size=arch.vocab_size)
    return None, served, info


def _student(settings: DistillSettings, device: str,
             dtype: str) -> tuple[LoadedModel, torch.nn.Module, torch.optim.Optimizer]:
    loaded = load_model(settings.student, device, dtype)
    model = with_lora(loaded.model, settings.lora_rank)
    model.train()
    params = [p for p in model.parameters() if p.requires_grad]
    return loaded, model, torch.optim.AdamW(params, lr=LEARNING_RATE)


def _timed(device: str, step, names: list[tuple[str, int, analytic.PhaseCost]],
           settings: DistillSettings) -> list[Measured]:
    times = steps.time_phases(device, step, len(names), (settings.repeats, settings.min_seconds))
    return [Measured(name, seconds, tokens, peak, cost, times.steps) for (name, tokens, cost), seconds, peak
            in zip(names, times.seconds, times.peak_gib, strict=True)]


def _measure_offline(settings: DistillSettings, device: str, dtype: str, notes: list[str]):
    """Teacher scoring + shard write; the teacher freed; then the student step that reads the shard back."""
    tokens_per_step = settings.batch_size * settings.seq_len
    teacher, served, teacher_info = _teacher(settings, device, dtype)
    arch, _ = resolve_model(settings.teacher)
    tokens = random_prompt(settings.batch_size, settings.seq_len, arch.vocab_size, device)
    io = analytic.logit_io_cost(settings.batch_size, settings.seq_len, settings.top_k, arch.vocab_size)
    with tempfile.TemporaryDirectory(prefix="distill-logits-") as folder:
        shard = Path(folder) / "logits.safetensors"
        # type: ignore[arg-type]
        parts = steps.StepParts(teacher.model if teacher else None, None, None, tokens,
                                settings.top_k, served)
        scoring = analytic.scoring_cost(arch, dtype, settings.batch_size, settings.seq_len)
        measured = _timed(device, steps.scoring_step(parts, shard),
                          [("teacher_scoring", tokens_per_step, scoring),
                           ("logit_write", tokens_per_step, io)],
                          settings)
        size = shard_size(shard)
        notes.append(f"logits stored: {size.file_bytes:,} bytes for {size.tokens:,} tokens, "
                     f"{size.header_bytes:,} of them the safetensors header")
        del parts, teacher
        free_memory(device)
        loaded, model, optimizer = _student(settings, device, dtype)
        parts = steps.StepParts(None, model, optimizer, tokens, settings.top_k)
        train = _training_cost(settings, loaded, dtype, model) + io
        measured += _timed(device, steps.stored_kl_step(parts, shard, device),
                           [("student_training", tokens_per_step, train)], settings)
    return measured, teacher_info, (loaded, model), size.bytes_per_token


def _training_cost(settings: DistillSettings, loaded: LoadedModel, dtype: str, model) -> analytic.PhaseCost:
    lora = None if settings.lora_rank is None else trainable_parameters(model)
    return analytic.training_cost(loaded.arch, dtype, settings.batch_size, settings.seq_len, lora)


def _measure_resident(settings: DistillSettings, device: str, dtype: str):
    """sequence, logit-online and on-policy: the models built once, the method's step timed."""
    b, length = settings.batch_size, settings.seq_len
    teacher, served, teacher_info = (None, None, None) if settings.method == "sequence" \
        else _teacher(settings, device, dtype)
    teacher_arch = resolve_model(settings.teacher)[0]
    loaded, model, optimizer = _student(settings, device, dtype)
    tokens = random_prompt(b, length, loaded.arch.vocab_size, device)
    parts = steps.StepParts(teacher.model if teacher else None, model, optimizer, tokens, settings.top_k,
                            served)
    train = ("student_training", b * length, _training_cost(settings, loaded, dtype, model))
    if settings.method == "sequence":
        measured = _timed(device, steps.sft_step(parts), [train], settings)
    elif settings.method == "logit-online":
        scoring = ("teacher_scoring", b * length, analytic.scoring_cost(teacher_arch, dtype, b, length))
        measured = _timed(device, steps.online_step(parts), [scoring, train], settings)
    else:
        sample = settings.sampled_tokens
        session = DecodeSession(model, device, b, length - sample, sample)
        names = [("student_sampling", b * sample,
                  analytic.sampling_cost(loaded.arch, dtype, b, length - sample, sample)),
                 ("teacher_scoring", b * length, analytic.scoring_cost(teacher_arch, dtype, b, length)),
                 train]
        measured = _timed(device, steps.on_policy_step(parts, session), names, settings)
    return measured, teacher_info, (loaded, model)


def _phase(m: Measured, hw: HardwareMeasurement, dtype: str, served: bool) -> DistillPhase:
    # Writing a shard goes through serialisation and the file system, which the roofline does not model, and
    # a served teacher runs on another machine: their bytes and FLOPs are given, not a time at these peaks.
    elsewhere = m.name in UNTIMED_BY_ROOFLINE or (served and m.name == "teacher_scoring")
    analytic_s = None if elsewhere else m.cost.seconds(hw.flop_per_s.get(dtype), hw.bandwidth_gb_per_s * GB)
    check = PhaseCheck(flops_per_step=m.cost.flops, bytes_per_step=m.cost.bytes, seconds_per_step=analytic_s,
                       measured_over_analytic=m.seconds / analytic_s if analytic_s else None)
    return DistillPhase(name=m.name, tokens_per_s=m.tokens / m.seconds, tokens_per_step=m.tokens,
                        seconds_per_step=m.seconds, steps=m.steps, peak_memory_gib=m.peak_gib, analytic=check)


def _hardware(hw: HardwareMeasurement, device: str, dtype: str) -> Hardware:
    catalog = catalog_name_for(hw.name) if device != "cpu" else None
    bandwidth_spec, flop_spec = spec_peaks(catalog, dtype)
    return Hardware(device=device, name=hw.name, memory_gib=hw.memory_gib,
                    bandwidth_gb_per_s_spec=bandwidth_spec, bandwidth_gb_per_s_measured=hw.bandwidth_gb_per_s,
                    flop_per_s_spec=flop_spec, flop_per_s_measured=hw.flop_per_s.get(dtype),
                    catalog_name=catalog)


def run_distill(settings: DistillSettings, command: str | None = None) -> tuple[DistillationProfile, Path]:
    """Measure the method's phases and write the distillation profile; (profile, path)."""
    device = resolve_device(settings.device)
    dtype = resolve_dtype(settings.dtype, device)
    if settings.out is not None:
        check_out_path(settings.out)  # before anything is measured: a failed write would lose it all
    need, free = check_pair(settings, device, dtype)
    hw = measure_hardware(device, (dtype,))
    notes: list[str] = []
    stored = None
    if settings.method == "logit-offline":
        measured, teacher_info, (loaded, model), stored = _measure_offline(settings, device, dtype, notes)
    else:
        measured, teacher_info, (loaded, model) = _measure_resident(settings, device, dtype)
    block = _block(settings, measured, hw, dtype, (loaded, model, need, free, stored))
    profile = DistillationProfile(
        provenance="measured", created_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        teacher=teacher_info, student=model_info(loaded), hardware=_hardware(hw, device, dtype),
        distillation=block, environment=collect_environment(device, False, command),
        notes=[*NOTES, *([CPU_MEMORY_NOTE] if device == "cpu" else []),
               *([SEQUENCE_NOTE] if settings.method == "sequence" else []), *notes,
               *([f"teacher_scoring: served by {settings.teacher_model} at {settings.teacher_url} "
                  "(/completions, prompt_logprobs, echo, max_tokens 0; one request per sequence, all at "
                  "once): its tokens/s include HTTP and the server's queue"]
                 if settings.teacher_url else [])],
    )
    out = Path(settings.out) if settings.out is not None else default_out_path(settings, loaded.name)
    text = profile.model_dump_json(indent=2, exclude_none=True) + "\n"
    return profile, write_text_atomically(text, out)


def _block(settings: DistillSettings, measured: list[Measured], hw: HardwareMeasurement, dtype: str,
           student: tuple) -> DistillationBlock:
    loaded, model, need, free, stored = student
    phases = [_phase(m, hw, dtype, settings.teacher_url is not None) for m in measured]
    step_s = sum(m.seconds for m in measured)
    teacher_s = sum(m.seconds for m in measured if m.name in TEACHER_PHASES)
    vocab = loaded.arch.vocab_size
    return DistillationBlock(
        method=settings.method, finetune=settings.finetune, lora_rank=settings.lora_rank,
        top_k=settings.top_k if settings.uses_logits else None, batch_size=settings.batch_size,
        seq_len=settings.seq_len,
        sample_tokens=settings.sampled_tokens if settings.method == "on-policy" else None, phases=phases,
        step_seconds=step_s, teacher_share=teacher_s / step_s,
        trainable_parameters=trainable_parameters(model), student_parameters=loaded.parameters,
        vocab_size=vocab, logit_bytes_per_token=stored,
        logit_bytes_per_token_analytic=(analytic.logit_bytes_per_token(settings.top_k, vocab)
                                        if settings.method == "logit-offline" else None),
        memory_needed_gib=need, memory_available_gib=free,
    )
