"""The analytic side of a distillation step, torch-free: FLOPs, bytes, memory and stored-logit sizes
worked out by hand on the tiny presets."""

import pytest

from profiles.analytic.distill import (
    PhaseCost,
    logit_bytes_per_token,
    lora_parameters,
    memory_needed_gib,
    scoring_cost,
    training_cost,
)
from profiles.analytic.roofline import training_flops_per_token
from profiles.catalog import model_preset

STUDENT, TEACHER = model_preset("tiny-student"), model_preset("tiny-teacher")


def test_a_plain_top_32_stores_192_bytes_per_token_and_the_full_vocabulary_two_per_entry():
    assert logit_bytes_per_token(32, 128_256) == 32 * (4 + 2) == 192
    assert logit_bytes_per_token(20, 128_256) == 120
    assert logit_bytes_per_token(0, 2048) == 2048 * 2  # fp16 values, no ids


def test_lora_costs_two_thirds_of_full_fine_tuning_in_the_matmuls():
    # tiny-student non-embedding N = 2 layers × 590,336 + LM head 2048 × 256 = 1,704,960.
    n = STUDENT.non_embedding_parameters
    assert n == 1_704_960
    full = training_cost(STUDENT, "fp32", 1, 64)
    lora = training_cost(STUDENT, "fp32", 1, 64, trainable_parameters=65_536)
    # Per token: full 6·N + attention, LoRA 4·N + the same attention: the gap is 2·N per token exactly.
    assert full.flops == pytest.approx(64 * training_flops_per_token(STUDENT, 64))
    assert full.flops - lora.flops == pytest.approx(64 * 2 * n)
    attention_per_token = training_flops_per_token(STUDENT, 64) - 6 * n
    assert lora.flops / full.flops == pytest.approx(
        (4 * n + attention_per_token) / (6 * n + attention_per_token))


def test_scoring_keeps_every_tokens_logits():
    # 4 layers × 1,573,632 (the roofline counts a layer whole) + LM head 2048 × 384 = 7,080,960 weights; 2
    # FLOPs per token over
    # 8 tokens, plus causal attention 4·L·d·T(T+1)/2 = 4 × 4 × 384 × 36 = 221,184, for 3 sequences.
    cost = scoring_cost(TEACHER, "fp32", 3, 8)
    assert cost.flops == pytest.approx(3 * (2 * 7_080_960 * 8 + 221_184))


def test_online_and_on_policy_hold_both_models_offline_the_larger_side_sequence_the_student():
    shape = (2, 64)
    sides = {m: memory_needed_gib(TEACHER, STUDENT, "fp32", m, STUDENT.parameters, shape)
             for m in ("sequence", "logit-offline", "logit-online", "on-policy")}
    assert sides["logit-online"] == sides["on-policy"] > sides["logit-offline"] >= sides["sequence"]
    # Student: 2,229,504 × 4 B × (weights + gradient + two moments) + 3 × 2 × 64 × 2048 × 4 B of logits.
    assert sides["sequence"] == pytest.approx((2_229_504 * 16 + 3 * 128 * 2048 * 4) / 2**30)


def test_lora_parameters_follow_the_rank():
    assert lora_parameters(STUDENT, 16) == 2 * lora_parameters(STUDENT, 8) == 131_072


def test_the_roofline_time_is_the_slower_of_compute_and_memory():
    assert PhaseCost(1e12, 1e9).seconds(1e12, 1e10) == 1.0  # compute: 1 s; memory: 0.1 s
    assert PhaseCost(1e9, 1e11).seconds(1e12, 1e10) == 10.0
    assert PhaseCost(1e9, 1e9).seconds(None, 1e10) is None
