"""The analytic side of a distillation step: FLOPs, bytes and memory of each phase, from the one roofline.

Torch-free: imports `econ.base.units` (the FLOPs-per-parameter rules) and `profiles.analytic.roofline`. The
profiler puts these beside every measured phase; `profiles estimate` can price the same phases for hardware
the user does not have.

- Teacher scoring: a prefill that keeps the logits of every token: 2·(N_layers + LM head)·T + causal
  attention per sequence; reads the weights once, writes the KV cache and the fp32 logits.
- Student training: the roofline's 6·N + attention per token (full); LoRA drops the frozen weights' weight
  gradient, 4·N + attention (`LORA_TRAIN_FLOP_PER_PARAM`).
- Student sampling: the prompt's prefill plus C − 1 decode steps (the roofline's decode FLOPs and bytes).
- Stored logits: k × (index + value bytes) per token, int32 indices and fp16 values (a plain top-32 is
  32 × 6 = 192 bytes per token, the figure DistillKit's docs compare against); k = 0 stores the whole
  vocabulary as fp16 values without indices.
"""

from __future__ import annotations

from dataclasses import dataclass

from econ.base.flops import LORA_TRAIN_FLOP_PER_PARAM, TRAIN_FLOP_PER_PARAM
from econ.base.units import GIB
from profiles.analytic.roofline import (
    FORWARD_FLOP_PER_PARAM,
    attention_flops,
    decode_bytes,
    decode_flops,
    layer_matmul_parameters,
    lm_head_parameters,
    prefill_flops,
    training_flops_per_token,
)
from profiles.catalog import BYTES_PER_DTYPE, ModelArchitecture

LOGIT_INDEX_BYTES = 4  # int32 token ids (vocabularies above 65,536 rule out int16)
LOGIT_VALUE_BYTES = 2  # fp16 logit values
LOGITS_DTYPE_BYTES = 4  # logits are computed and softmaxed in fp32
# A training step holds the logits, their softmax and its gradient at once: three vocab-wide tensors per
# token (an estimate; chunked cross-entropy kernels hold less).
LOGIT_TENSORS_IN_TRAINING = 3
# AdamW keeps two moments per trainable parameter, plus its gradient: three copies at the weight dtype.
TRAINABLE_STATE_COPIES = 3
# A training step reads the weights in the forward and again in the backward.
TRAINING_WEIGHT_READS = 2
# Per trainable parameter per step: gradient write, two moments read and written, weight written.
OPTIMIZER_BYTES_PER_TRAINABLE = 6
DTYPE_BYTES = BYTES_PER_DTYPE


@dataclass(frozen=True)
class PhaseCost:
    """FLOPs and bytes of one step of a phase."""

    flops: float
    bytes: float

    def seconds(self, flop_per_s: float | None, bandwidth_bytes_per_s: float | None) -> float | None:
        """max(FLOPs ÷ FLOP/s, bytes ÷ bytes/s): the roofline time, or None without both peaks."""
        if not flop_per_s or not bandwidth_bytes_per_s:
            return None
        return max(self.flops / flop_per_s, self.bytes / bandwidth_bytes_per_s)

    def __add__(self, other: PhaseCost) -> PhaseCost:
        return PhaseCost(self.flops + other.flops, self.bytes + other.bytes)


def logit_bytes_per_token(top_k: int, vocab_size: int) -> int:
    """k × (index + value bytes); the full vocabulary (k = 0) as values only."""
    if top_k == 0:
        return vocab_size * LOGIT_VALUE_BYTES
    return top_k * (LOGIT_INDEX_BYTES + LOGIT_VALUE_BYTES)


def scoring_cost(arch: ModelArchitecture, dtype: str, batch: int, tokens: int) -> PhaseCost:
    """Teacher scoring: every token's logits, batch × [2·(N_layers + head)·T + 2·L·d·T(T+1)]."""
    matmuls = FORWARD_FLOP_PER_PARAM * (layer_matmul_parameters(arch) + lm_head_parameters(arch)) * tokens
    flops = batch * (matmuls + float(attention_flops(arch, tokens)))
    written = batch * tokens * (arch.kv_cache_bytes_per_token(dtype) + arch.vocab_size * LOGITS_DTYPE_BYTES)
    return PhaseCost(flops, arch.decode_weight_bytes(dtype) + written)


def training_cost(arch: ModelArchitecture, dtype: str, batch: int, seq_len: int,
                  trainable_parameters: int | None = None) -> PhaseCost:
    """Student step: (6·N, or 4·N for LoRA) + 3 × causal attention per token; trainable_parameters None =
    full."""
    per_token = training_flops_per_token(arch, seq_len)
    if trainable_parameters is not None:  # LoRA: no weight gradient for the frozen weights
        per_token -= (TRAIN_FLOP_PER_PARAM - LORA_TRAIN_FLOP_PER_PARAM) * arch.non_embedding_parameters
    trainable = arch.parameters if trainable_parameters is None else trainable_parameters
    weight_bytes = TRAINING_WEIGHT_READS * arch.decode_weight_bytes(dtype)
    optimizer_bytes = OPTIMIZER_BYTES_PER_TRAINABLE * trainable * DTYPE_BYTES[dtype]
    logits = LOGIT_TENSORS_IN_TRAINING * batch * seq_len * arch.vocab_size * LOGITS_DTYPE_BYTES
    return PhaseCost(batch * seq_len * per_token, weight_bytes + optimizer_bytes + logits)


def sampling_cost(arch: ModelArchitecture, dtype: str, batch: int, prompt_tokens: int,
                  sample_tokens: int) -> PhaseCost:
    """Student sampling: the prompt's prefill, then C − 1 decode steps reading weights and KV cache."""
    flops = prefill_flops(arch, batch,
                          prompt_tokens) + decode_flops(arch, batch, prompt_tokens, sample_tokens)
    read = arch.decode_weight_bytes(dtype) + decode_bytes(arch, dtype, batch, prompt_tokens, sample_tokens)
    return PhaseCost(flops, read)


def logit_io_cost(batch: int, seq_len: int, top_k: int, vocab_size: int) -> PhaseCost:
    """Writing (or reading) one step's stored logits: bytes only."""
    return PhaseCost(0.0, batch * seq_len * logit_bytes_per_token(top_k, vocab_size))


def student_training_gib(arch: ModelArchitecture, dtype: str, trainable: int, batch: int,
                         seq_len: int) -> float:
    """Weights + gradient and two AdamW moments of the trainable parameters + the step's logits, GiB."""
    state = (arch.weight_bytes(dtype) + TRAINABLE_STATE_COPIES * trainable * DTYPE_BYTES[dtype])
    logits = LOGIT_TENSORS_IN_TRAINING * batch * seq_len * arch.vocab_size * LOGITS_DTYPE_BYTES
    return (state + logits) / GIB


def teacher_scoring_gib(arch: ModelArchitecture, dtype: str, batch: int, seq_len: int) -> float:
    """Teacher weights + its logits for the batch, GiB (inference: no activations kept)."""
    return (arch.weight_bytes(dtype) + batch * seq_len * arch.vocab_size * LOGITS_DTYPE_BYTES) / GIB


def memory_needed_gib(teacher: ModelArchitecture, student: ModelArchitecture, dtype: str, method: str,
                      trainable: int, shape: tuple[int, int]) -> float:
    """Peak resident memory of a method: both models at once online and on-policy; offline scores first
    and trains after (the larger of the two); sequence needs the student alone. shape = (batch, seq_len)."""
    batch, seq_len = shape
    student_gib = student_training_gib(student, dtype, trainable, batch, seq_len)
    if method == "sequence":
        return student_gib
    teacher_gib = teacher_scoring_gib(teacher, dtype, batch, seq_len)
    if method == "logit-offline":
        return max(student_gib, teacher_gib)
    return student_gib + teacher_gib


def lora_parameters(arch: ModelArchitecture, rank: int) -> int:
    """rank × (in + out) for every linear layer of the decoder (q, k, v, o, gate, up, down), as peft's
    all-linear LoRA adds them."""
    h, i = arch.hidden_size, arch.intermediate_size
    q, kv = arch.attention_heads * arch.head_dim, arch.kv_heads * arch.head_dim
    per_layer = (h + q) + 2 * (h + kv) + (q + h) + 2 * (h + i) + (i + h)
    return rank * arch.layers * per_layer
