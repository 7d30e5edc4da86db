"""The distillation losses and the student's trainable weights: forward KL over the teacher's top-k (or the
whole vocabulary), per-token reverse KL for on-policy updates, and LoRA through peft.

Imports torch and peft (measuring commands only).
- Top-k KL (DistillKit's sparse form): the teacher's k logits renormalised by a softmax over those k;
  the student's log-probabilities over the full vocabulary, gathered at the teacher's k ids;
  Σ_k p_T (log p_T − log q_S), averaged over tokens.
- Full KL (k = 0, torchtune's KD loss up to its mixing with cross-entropy): Σ_v p_T (log p_T − log q_S).
- Per-token reverse KL (on-policy, as in Thinking Machines' 2025 write-up and TRL's distillation trainer):
  on each token the student sampled, log q_S(x) − log p_T(x) is the reverse-KL estimate; the update is the
  score-function gradient of it, mean[(log q_S(x) − log p_T(x)).detach() · log q_S(x)]. It needs only the
  teacher's log-probability of the sampled token, which is what a served teacher's prompt_logprobs returns.
"""

from __future__ import annotations

import warnings

import torch
import torch.nn.functional as F
from peft import LoraConfig, get_peft_model

# LoRA on every linear layer of the decoder (peft's "all-linear" leaves the LM head out), alpha = 2·rank,
# no dropout: the QLoRA paper's placement and a common default.
LORA_TARGETS = "all-linear"
LORA_ALPHA_PER_RANK = 2


def top_k_logits(logits: torch.Tensor, top_k: int) -> tuple[torch.Tensor, torch.Tensor | None]:
    """(values, ids) of the k largest logits per token; the whole vocabulary (ids None) when k = 0."""
    if top_k == 0:
        return logits, None
    values, ids = torch.topk(logits, top_k, dim=-1)
    return values, ids


def forward_kl(student_logits: torch.Tensor, teacher_values: torch.Tensor,
               teacher_ids: torch.Tensor | None) -> torch.Tensor:
    """KL(p_T ‖ q_S) per token, averaged: over the teacher's top-k ids, or the whole vocabulary (ids None)."""
    log_q = F.log_softmax(student_logits.float(), dim=-1)
    if teacher_ids is not None:
        log_q = torch.gather(log_q, -1, teacher_ids.long())
    log_p = F.log_softmax(teacher_values.float(), dim=-1)
    return (log_p.exp() * (log_p - log_q)).sum(-1).mean()


def sampled_log_probs(logits: torch.Tensor, sampled_ids: torch.Tensor) -> torch.Tensor:
    """log softmax(logits) at the sampled ids: (batch, tokens)."""
    log_probs = F.log_softmax(logits.float(), dim=-1)
    return torch.gather(log_probs, -1, sampled_ids.long().unsqueeze(-1)).squeeze(-1)


def reverse_kl_loss(student_logits: torch.Tensor, teacher_log_probs: torch.Tensor,
                    sampled_ids: torch.Tensor) -> torch.Tensor:
    """mean[(log q_S(x) − log p_T(x)).detach() · log q_S(x)] over the sampled tokens: its gradient is that of
    the per-token reverse KL on the student's own samples."""
    log_q = sampled_log_probs(student_logits, sampled_ids)
    return ((log_q - teacher_log_probs).detach() * log_q).mean()


def with_lora(model: torch.nn.Module, rank: int | None) -> torch.nn.Module:
    """The model itself (full fine-tune) or peft's LoRA wrapper of it at this rank (frozen base weights)."""
    if rank is None:
        return model
    config = LoraConfig(r=rank, lora_alpha=LORA_ALPHA_PER_RANK * rank, lora_dropout=0.0,
                        target_modules=LORA_TARGETS, task_type="CAUSAL_LM")
    # peft 0.21 calls a transformers 5 attribute deprecated for v6: not the user's
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="`is_gradient_checkpointing` is deprecated",
                                category=FutureWarning)
        return get_peft_model(model, config)


def trainable_parameters(model: torch.nn.Module) -> int:
    """Parameters with requires_grad (what the optimizer updates)."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)
