"""How many GPUs of a kind each distillation method needs, and its phases' tokens/s there: an estimate for
hardware the user does not have.

Torch-free: imports the catalogs, `econ.base.units` and `profiles.analytic.distill`. Memory per GPU, with the
training state sharded over the GPUs (ZeRO-3 / FSDP):
- full fine-tuning: 16 bytes per student parameter (bf16 weights and gradients, fp32 master weights and two
  fp32 AdamW moments: 2 + 2 + 4 + 8, the ZeRO paper's mixed-precision figure), sharded;
- LoRA: the frozen student weights at 2 bytes, plus 16 bytes per adapter parameter, sharded;
- a resident teacher (online KD, on-policy) at 2 bytes per parameter, sharded the same way;
- the step's logits (three vocabulary-wide fp32 tensors per token of one GPU's micro-batch), not sharded;
- the runtime reserve per GPU (the roofline's).
Throughput: compute phases at `TRAINING_MFU` of the data-sheet peak (2·N, 6·N or 4·N FLOPs per token);
sampling is a decode, bound by reading the weights once per step at the default MBU.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from econ.base.flops import FORWARD_FLOP_PER_PARAM, LORA_TRAIN_FLOP_PER_PARAM, TRAIN_FLOP_PER_PARAM
from econ.base.units import GB, GIB
from profiles.analytic.distill import LOGIT_TENSORS_IN_TRAINING, LOGITS_DTYPE_BYTES, lora_parameters
from profiles.analytic.efficiency import DEFAULT_MBU
from profiles.analytic.roofline import RUNTIME_RESERVE_GIB
from profiles.catalog import ModelArchitecture
from profiles.gpu_catalog import GpuSpec

MIXED_PRECISION_STATE_BYTES = 16  # ZeRO (Rajbhandari et al. 2020), mixed-precision AdamW per parameter
HALF_BYTES = 2  # bf16 weights
# Training at scale usually reaches 40-50% MFU (REFERENCE.md: LLaMA-65B on 2048 A100s ≈ 48%): the low end.
TRAINING_MFU = 0.40
MAX_GPUS = 4096
RESIDENT_TEACHER = ("logit-online", "on-policy")


@dataclass(frozen=True)
class MethodGpus:
    """One method on one GPU kind: GPUs needed, memory per GPU, and each phase's tokens/s on those GPUs."""

    method: str
    finetune: str
    gpus: int | None  # None: does not fit on MAX_GPUS
    state_gib: float
    per_gpu_gib: float | None
    tokens_per_s: dict[str, float]


def state_gib(teacher: ModelArchitecture, student: ModelArchitecture, method: str,
              lora_rank: int | None) -> float:
    """Everything that shards: student training state, plus the teacher when it stays resident, GiB."""
    if lora_rank is None:
        student_bytes = MIXED_PRECISION_STATE_BYTES * student.parameters
    else:
        student_bytes = HALF_BYTES * student.parameters + MIXED_PRECISION_STATE_BYTES * lora_parameters(
            student, lora_rank)
    teacher_bytes = HALF_BYTES * teacher.parameters if method in RESIDENT_TEACHER else 0
    return (student_bytes + teacher_bytes) / GIB


def gpus_needed(state: float, unsharded_gib: float, gpu: GpuSpec) -> int | None:
    """The fewest GPUs whose memory holds state ÷ n + the unsharded part + the runtime reserve."""
    room = gpu.memory_gib - unsharded_gib - RUNTIME_RESERVE_GIB
    if room <= 0:
        return None
    n = max(1, math.ceil(state / room))
    return n if n <= MAX_GPUS else None


def phase_tokens_per_s(teacher: ModelArchitecture, student: ModelArchitecture, gpu: GpuSpec, gpus: int,
                       shape: tuple[int, str | None]) -> dict[str, float]:
    """Tokens/s of scoring, sampling (decode at `batch`) and training on `gpus` GPUs; shape = (batch,
    finetune)."""
    batch, finetune = shape
    peak = gpu.flop_per_s("bf16") * TRAINING_MFU * gpus
    train_flops = LORA_TRAIN_FLOP_PER_PARAM if finetune == "lora" else TRAIN_FLOP_PER_PARAM
    decode_step_s = student.decode_weight_bytes("bf16") / (gpu.bandwidth_gb_per_s * GB * DEFAULT_MBU * gpus)
    return {
        "teacher_scoring": peak / (FORWARD_FLOP_PER_PARAM * teacher.non_embedding_parameters),
        "student_sampling": batch / decode_step_s,
        "student_training": peak / (train_flops * student.non_embedding_parameters),
    }


def method_gpus(teacher: ModelArchitecture, student: ModelArchitecture, method: str, gpu: GpuSpec,
                settings: tuple[int | None, int, int]) -> MethodGpus:
    """GPUs one method needs on `gpu`, settings = (lora_rank, batch per GPU, seq_len)."""
    lora_rank, batch, seq_len = settings
    state = state_gib(teacher, student, method, lora_rank)
    logits = LOGIT_TENSORS_IN_TRAINING * batch * seq_len * student.vocab_size * LOGITS_DTYPE_BYTES / GIB
    n = gpus_needed(state, logits, gpu)
    finetune = "full" if lora_rank is None else "lora"
    rates = phase_tokens_per_s(teacher, student, gpu, n, (batch, finetune)) if n else {}
    return MethodGpus(method, finetune, n, state, state / n + logits + RUNTIME_RESERVE_GIB if n else None,
                      rates)
