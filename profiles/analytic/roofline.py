"""Analytic bytes and FLOPs of prefill, decode and training, and the utilizations (MBU, MFU) they give.

Torch-free: imports the model catalog only. FLOPs follow the PaLM paper's appendix B convention
(Chowdhery et al. 2022): a matmul weight costs 2 FLOPs per token forward, 6 forward + backward, and
attention over a context of T tokens costs 4·L·d·T per token forward (12·L·d·T with backward),
counting the full attention matrix as PaLM and nanoGPT's estimate_mfu do. Bytes follow DESIGN.md:
a decode step reads every matmul weight (layers + LM head) once and the KV cache of its context.
"""

from __future__ import annotations

from profiles.catalog import BYTES_PER_DTYPE, ModelArchitecture

GIB = 2**30  # memory in GiB (DESIGN.md conventions)

# PaLM appendix B: FLOPs per parameter per token.
FORWARD_FLOP_PER_PARAM = 2
TRAIN_FLOP_PER_PARAM = 6
# PaLM appendix B: attention FLOPs per token per layer per hidden unit per context token.
FORWARD_ATTENTION_FLOP = 4
TRAIN_ATTENTION_FLOP = 12


def layer_matmul_parameters(arch: ModelArchitecture) -> int:
    """Weights of the decoder layers (no embedding, no LM head)."""
    return arch.layers * arch.layer_parameters


def lm_head_parameters(arch: ModelArchitecture) -> int:
    """vocab × hidden: the LM head matmul (shared with the embedding when tied)."""
    return arch.vocab_size * arch.hidden_size


def decode_bytes(arch: ModelArchitecture, dtype: str, batch: int, input_tokens: int, output_tokens: int) -> float:
    """Bytes read by all output−1 decode steps: Σ_k [weights + batch × kv/token × (input + k)], k = 1..output−1.

    Σ_k (input + k) = (output−1)·input + (output−1)·output/2.
    """
    steps = output_tokens - 1
    context_token_steps = steps * input_tokens + steps * output_tokens / 2
    return steps * arch.decode_weight_bytes(dtype) + batch * arch.kv_cache_bytes_per_token(dtype) * context_token_steps


def decode_flops(arch: ModelArchitecture, batch: int, input_tokens: int, output_tokens: int) -> float:
    """FLOPs of all decode steps: batch × Σ_k [2·N + 4·L·d·(input + k)], N = layers + LM head."""
    steps = output_tokens - 1
    context_token_steps = steps * input_tokens + steps * output_tokens / 2
    n = arch.non_embedding_parameters
    attention = FORWARD_ATTENTION_FLOP * arch.layers * arch.hidden_size * context_token_steps
    return batch * (FORWARD_FLOP_PER_PARAM * n * steps + attention)


def prefill_flops(arch: ModelArchitecture, batch: int, input_tokens: int) -> float:
    """FLOPs of the prefill: batch × [2·N_layers·T + 2·V·d (LM head, last token only) + 4·L·d·T²]."""
    t = input_tokens
    layers = FORWARD_FLOP_PER_PARAM * layer_matmul_parameters(arch) * t
    head = FORWARD_FLOP_PER_PARAM * lm_head_parameters(arch)
    attention = FORWARD_ATTENTION_FLOP * arch.layers * arch.hidden_size * t * t
    return batch * (layers + head + attention)


def training_flops_per_token(arch: ModelArchitecture, seq_len: int) -> float:
    """6·N + 12·L·d·T per token (PaLM appendix B), N = layers + LM head."""
    return (TRAIN_FLOP_PER_PARAM * arch.non_embedding_parameters
            + TRAIN_ATTENTION_FLOP * arch.layers * arch.hidden_size * seq_len)


def analytic_memory_gib(arch: ModelArchitecture, dtype: str, batch: int, context_tokens: int) -> float:
    """Weights + KV cache at this batch and context, GiB."""
    return (arch.weight_bytes(dtype) + batch * context_tokens * arch.kv_cache_bytes_per_token(dtype)) / GIB


def kv_cache_gib(arch: ModelArchitecture, dtype: str, batch: int, context_tokens: int) -> float:
    """KV cache alone, GiB."""
    return batch * context_tokens * arch.kv_cache_bytes_per_token(dtype) / GIB


def utilization(achieved: float, peak: float | None) -> float | None:
    """achieved / peak, or None when the peak is unknown."""
    if peak is None or peak <= 0:
        return None
    return achieved / peak


def bytes_per_element(dtype: str) -> float:
    return BYTES_PER_DTYPE[dtype]
