"""A `DistillationRun` priced phase by phase: teacher scoring, student sampling, student training, logit
storage.

Imports `econ.base`, `econ.model` (the run, the scenario's sides, the distillation profile) and
`econ.serving.capacity.profile_of` only. Per phase: tokens (from the run's volumes) ÷ tokens/s (from its
side's source) = seconds; × GPUs ÷ 3600 = GPU-hours; × $/GPU-hour = USD. Phases run one after another, so
the run's elapsed time is the sum of its phases' seconds. Storage: stored bytes ÷ 1e9 × $/GB-month × months.
The gates (an API teacher with a logit method, two vocabularies, online KD that does not fit) raise a
FieldError naming the field.
"""

from __future__ import annotations

from dataclasses import dataclass

from econ.base.errors import FieldError
from econ.base.flops import FORWARD_FLOP_PER_PARAM, LORA_TRAIN_FLOP_PER_PARAM, TRAIN_FLOP_PER_PARAM
from econ.base.units import GB, SECONDS_PER_HOUR
from econ.model.distill_profile import DistillationProfile, load_distillation_profile
from econ.model.distill_run import API_MAX_TOP_K, DistillationRun, PhaseSide
from econ.model.profile import ProfileError
from econ.model.scenario import ApiServing, SelfHostedServing
from econ.serving.capacity import profile_of

FIELD = "distillation.training_usd"
# Stored logits per token: int32 id + fp16 value per kept logit (profiles/analytic/distill.py writes these).
LOGIT_INDEX_BYTES = 4
LOGIT_VALUE_BYTES = 2
# Each phase's side in the run, and its FLOPs per parameter per token for the roofline estimate.
PHASE_SIDES = {"teacher_scoring": "scoring", "student_sampling": "sampling", "student_training": "training"}


@dataclass(frozen=True)
class PhaseSpend:
    """One priced phase: its tokens, seconds on its GPUs, GPU-hours and USD, and how its speed was known."""

    name: str
    tokens: float
    seconds: float
    gpu_hours: float
    usd: float
    how: str


@dataclass(frozen=True)
class RunSpend:
    """Every phase of a run, the logits' storage, and what a re-distillation would cost."""

    phases: tuple[PhaseSpend, ...]
    storage_usd: float
    storage_gb: float
    redistill_usd: float
    notes: tuple[str, ...] = ()

    @property
    def total_usd(self) -> float:
        return sum(p.usd for p in self.phases) + self.storage_usd

    @property
    def elapsed_s(self) -> float:
        return sum(p.seconds for p in self.phases)

    @property
    def gpu_hours(self) -> float:
        return sum(p.gpu_hours for p in self.phases)

    def lines_usd(self) -> dict[str, float]:
        """USD by upfront line: teacher_scoring_usd, student_sampling_usd, student_training_usd,
        logit_storage_usd."""
        lines = {f"{name}_usd": 0.0 for name in PHASE_SIDES}
        for phase in self.phases:
            lines[f"{phase.name}_usd"] = phase.usd
        return {**lines, "logit_storage_usd": self.storage_usd}


def phase_tokens(run: DistillationRun) -> dict[str, float]:
    """Tokens each phase handles: scoring once offline, every epoch online, every step on-policy."""
    if run.method == "on-policy":
        rollouts = run.steps * run.prompts_per_step
        scored = rollouts * (run.prompt_tokens + run.sampled_tokens)
        return {"student_sampling": rollouts * run.sampled_tokens, "teacher_scoring": scored,
                "student_training": scored}
    once = run.examples * (run.prompt_tokens + run.completion_tokens)
    trained = once * run.epochs
    scoring = {"logit-offline": once, "logit-online": trained}.get(run.method)
    return {**({"teacher_scoring": scoring} if scoring is not None else {}), "student_training": trained}


def stored_gb(run: DistillationRun) -> float:
    """Offline: logits of every completion token, k × (4 + 2) bytes each (the whole vocabulary at k = 0),
    GB."""
    if run.method != "logit-offline":
        return 0.0
    per_token = run.vocab_size * LOGIT_VALUE_BYTES if run.top_k == 0 else run.top_k * (
        LOGIT_INDEX_BYTES + LOGIT_VALUE_BYTES)
    return run.examples * run.completion_tokens * per_token / GB


def _flops_per_param(run: DistillationRun, phase: str) -> float:
    if phase != "student_training":
        return FORWARD_FLOP_PER_PARAM
    return LORA_TRAIN_FLOP_PER_PARAM if run.finetune == "lora" else TRAIN_FLOP_PER_PARAM


def distill_profile_of(ref: str | DistillationProfile, field: str) -> DistillationProfile:
    """The distillation profile behind a side's profile field (a path or an embedded profile)."""
    if isinstance(ref, DistillationProfile):
        return ref
    try:
        return load_distillation_profile(ref)
    except ProfileError as exc:
        raise FieldError(f"{field}.profile", str(exc)) from None


def side_tokens_per_s(run: DistillationRun, phase: str, side: PhaseSide, field: str) -> tuple[float, str]:
    """The phase's tokens/s on the side's GPUs, and where it came from."""
    if side.tokens_per_s is not None:
        return side.tokens_per_s, f"a typed {side.tokens_per_s:,.0f} tokens/s"
    if side.profile is not None:
        profile = distill_profile_of(side.profile, field)
        measured = profile.distillation.phase(phase)
        if measured is None:
            raise FieldError(f"{field}.profile",
                             f"the {profile.distillation.method} profile has no {phase} phase")
        tokens_per_s = measured.tokens_per_s * side.gpus / profile.hardware.gpu_count
        source = f"{profile.provenance} {profile.distillation.method} profile"
        return tokens_per_s, f"{tokens_per_s:,.0f} tokens/s from a {source}"
    flops_per_token = _flops_per_param(run, phase) * side.parameters
    tokens_per_s = side.peak_flop_per_s * side.mfu * side.gpus / flops_per_token
    return tokens_per_s, f"{_flops_per_param(run, phase):.0f}·N FLOP/token at {side.mfu:.0%} MFU (estimate)"


def price_phase(run: DistillationRun, phase: str, tokens: float) -> PhaseSpend:
    """tokens ÷ tokens/s = seconds; × GPUs ÷ 3600 = GPU-hours; × $/GPU-hour = USD."""
    side_name = PHASE_SIDES[phase]
    side: PhaseSide = getattr(run, side_name)
    tokens_per_s, how = side_tokens_per_s(run, phase, side, f"{FIELD}.{side_name}")
    seconds = tokens / tokens_per_s
    gpu_hours = seconds / SECONDS_PER_HOUR * side.gpus
    return PhaseSpend(phase, tokens, seconds, gpu_hours, gpu_hours * side.gpu_usd_per_hour,
                      f"{tokens:,.0f} tokens at {how}: {gpu_hours:,.2f} GPU-hours")


def run_spend(run: DistillationRun, teacher: ApiServing | SelfHostedServing, student=None) -> RunSpend:
    """Every phase of the run in USD, after the gates; the re-distillation skips scoring when logits are
    reused."""
    api_teacher = isinstance(teacher, ApiServing)
    check_gates(run, teacher, student)
    volumes = phase_tokens(run)
    notes = []
    if api_teacher and run.method == "logit-offline":
        volumes.pop("teacher_scoring")
        notes.append(f"API teacher: its top-{run.top_k} logprobs over its own generated tokens come with the "
                     "generation (priced in data generation); no prompt logprobs, so no scoring phase")
    phases = tuple(price_phase(run, name, tokens) for name, tokens in volumes.items())
    gb = stored_gb(run)
    storage_usd = gb * run.storage_usd_per_gb_month * run.months_kept
    reuse = run.method == "logit-offline" and run.redistill_reuses_logits
    redistill = sum(p.usd for p in phases if not (reuse and p.name == "teacher_scoring")) + storage_usd
    notes.extend(f"{p.name.replace('_', ' ')}: {p.how}" for p in phases)
    if gb:
        notes.append(
            f"logit storage: {gb:,.1f} GB × ${run.storage_usd_per_gb_month}/GB-month × {run.months_kept:g} "
            "months")
    return RunSpend(phases, storage_usd, gb, redistill, tuple(notes))


def _vocab(side: PhaseSide | None, role: str, serving, field: str) -> tuple[int | None, str]:
    """A model's vocabulary from the side's distillation profile, else from the serving profile."""
    if side is not None and side.profile is not None:
        info = getattr(distill_profile_of(side.profile, field), role)
        if info is not None and info.vocab_size is not None:
            return info.vocab_size, f"{field}.profile"
    if isinstance(serving, SelfHostedServing) and serving.profile is not None:
        size = profile_of(serving.profile, role).model.vocab_size
        return size, f"{role}.profile"
    return None, ""


def _check_api_teacher(run: DistillationRun) -> None:
    if run.method in ("logit-online", "on-policy"):
        raise FieldError(f"{FIELD}.method", f"an API teacher cannot serve {run.method}: it returns no prompt "
                         f"logprobs and at most {API_MAX_TOP_K} logprobs of its own generated tokens; use "
                         f"sequence, or logit-offline with top_k ≤ {API_MAX_TOP_K} over the teacher's own "
                         "outputs")
    if run.method == "logit-offline" and not 0 < run.top_k <= API_MAX_TOP_K:
        raise FieldError(f"{FIELD}.top_k",
                         f"an API teacher returns at most {API_MAX_TOP_K} logprobs per token "
                         f"(and never the whole vocabulary); got {run.top_k}")
    if run.method == "logit-offline" and run.scoring is not None:
        raise FieldError(f"{FIELD}.scoring",
                         "an API teacher's logprobs come with its generation; there is no "
                         "scoring phase to price: remove scoring")


def check_gates(run: DistillationRun, teacher, student) -> None:
    """API teacher with a logit method; two vocabularies for a logit method; online KD that does not fit."""
    if isinstance(teacher, ApiServing):
        _check_api_teacher(run)
    elif run.uses_logits and run.scoring is None:
        raise FieldError(f"{FIELD}.scoring", f"{run.method} with a self-hosted teacher needs the teacher's "
                         "scoring side (tokens/s source, GPUs, price)")
    if run.uses_logits:
        teacher_vocab, teacher_from = _vocab(run.scoring, "teacher", teacher, f"{FIELD}.scoring")
        student_vocab, student_from = _vocab(run.training, "student", student, f"{FIELD}.training")
        if teacher_vocab and student_vocab and teacher_vocab != student_vocab:
            raise FieldError(f"{FIELD}.method",
                             f"{run.method} compares the two models' distributions token by "
                             f"token, but the teacher's vocabulary has {teacher_vocab:,} tokens "
                             f"({teacher_from}) and the student's {student_vocab:,} ({student_from}); use "
                             "sequence, or one tokenizer")
    if run.method == "logit-online":
        _check_online_fits(run)


def _check_online_fits(run: DistillationRun) -> None:
    side = run.training
    need = run.memory_needed_gib
    if need is None and side.profile is not None:
        block = distill_profile_of(side.profile, f"{FIELD}.training").distillation
        need = block.memory_needed_gib if block.method == "logit-online" else None
    if need is None or side.gpu_memory_gib is None:
        return
    memory = side.gpu_memory_gib * side.gpus
    if need > memory:
        raise FieldError(f"{FIELD}.training.gpu_memory_gib", f"online KD keeps teacher and student resident "
                         f"together: they need {need:,.1f} GiB, the {side.gpus:g} GPU(s) given hold "
                         f"{memory:,.1f} GiB; add GPUs, serve the teacher (score through an endpoint), or "
                         "use logit-offline")
