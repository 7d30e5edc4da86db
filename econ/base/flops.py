"""FLOP counts of a decoder transformer: the one rule for forward, attention and training FLOPs.

Imports numpy only. The roofline of `profiles.analytic` (measured MFU, estimates, calibration) and the
training estimate of `econ.chain.spend` both count FLOPs here, so a training run is priced with the same
N and the same attention term that the profiler measures MFU against (PaLM, Chowdhery et al. 2022,
appendix B). N is the parameters the matmuls use: the decoder layers plus the LM head, no embedding lookup.
"""

from __future__ import annotations

import numpy as np

# PaLM appendix B: FLOPs per parameter per token (forward; forward + backward).
FORWARD_FLOP_PER_PARAM = 2
TRAIN_FLOP_PER_PARAM = 6
# LoRA: forward (2) + the backward to the activations (2); the frozen weights get no weight gradient
# (the other 2), so about 2/3 of full fine-tuning's FLOPs (Hu et al. 2021; the adapters themselves are
# a rounding error at ranks of 8-64).
LORA_TRAIN_FLOP_PER_PARAM = 4
# Backward ≈ 2 × forward, so training = 3 × the forward attention.
TRAIN_PASSES = 3
# QKᵀ and AV: 2 matmuls × 2 FLOPs per multiply-accumulate, per query, context token and hidden unit.
ATTENTION_FLOP_PER_QUERY_CONTEXT = 4


def attention_flops(layers: int, hidden_size: int, queries, past=0) -> np.ndarray:
    """Causal attention of `queries` new tokens after `past` cached ones: Σ_{t=past+1..past+queries}
    4·L·d·t."""
    q, p = np.asarray(queries, float), np.asarray(past, float)
    context_sum = q * p + q * (q + 1) / 2
    return ATTENTION_FLOP_PER_QUERY_CONTEXT * layers * hidden_size * context_sum


def training_flops_per_token(parameters: float, sequence_tokens: int, layers: int = 0,
                             hidden_size: int = 0) -> float:
    """6·N + 3 × the causal forward attention per token of a `sequence_tokens` sequence, 6·L·d·(T+1).

    Without the architecture (layers = hidden_size = 0) the attention term is left out: 6·N·D, which
    for an 8B model on 1,000-token sequences is 1.6% low (6·32·4096·1001 ≈ 7.9e8 of 4.9e10 per token).
    """
    attention = TRAIN_PASSES * attention_flops(layers, hidden_size, sequence_tokens) / sequence_tokens
    return float(TRAIN_FLOP_PER_PARAM * parameters + attention)
