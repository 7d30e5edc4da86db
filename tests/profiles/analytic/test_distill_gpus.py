"""GPUs each distillation method needs on a catalog GPU (ZeRO-3 sharding against LoRA), torch-free, with the
arithmetic by hand."""

import pytest

from profiles.analytic.distill_gpus import gpus_needed, method_gpus, state_gib
from profiles.catalog import model_preset
from profiles.cli import main
from profiles.gpu_catalog import gpu_spec

TEACHER, STUDENT = model_preset("llama-3.1-70b"), model_preset("llama-3.1-8b")


def test_full_fine_tuning_shards_sixteen_bytes_per_parameter_and_lora_keeps_two():
    # llama-3.1-8b: 8,030,261,248 parameters × 16 B = 119.66 GiB (full); × 2 B = 14.96 GiB frozen + LoRA r16
    # adapters 16 × 32 × [(4096+4096) + 2 × (4096+1024) + (4096+4096) + 2 × (4096+14336) + (14336+4096)]
    # = 16 × 32 × 81,920 = 41,943,040 × 16 B = 0.625 GiB → 15.58 GiB.
    assert STUDENT.parameters == 8_030_261_248
    assert state_gib(TEACHER, STUDENT, "sequence", None) == pytest.approx(8_030_261_248 * 16 / 2**30)
    assert state_gib(TEACHER, STUDENT, "sequence",
                     16) == pytest.approx((8_030_261_248 * 2 + 41_943_040 * 16) / 2**30)
    # Online adds the resident teacher: 70,553,706,496 × 2 B = 131.41 GiB.
    online = state_gib(TEACHER, STUDENT, "logit-online", None) - state_gib(TEACHER, STUDENT, "sequence", None)
    assert online == pytest.approx(TEACHER.parameters * 2 / 2**30)


def test_the_fewest_gpus_whose_memory_holds_the_shard():
    h100 = gpu_spec("h100-sxm")
    # 79.6 GiB − 1.5 GiB of logits − 1 GiB reserve = 77.1 GiB of room: 119.66 GiB needs 2 GPUs, 251.1 needs 4.
    assert gpus_needed(119.66, 1.5, h100) == 2
    assert gpus_needed(251.1, 1.5, h100) == 4
    assert gpus_needed(1.0, 100.0, h100) is None  # the unsharded part alone overflows a GPU
    lora = method_gpus(TEACHER, STUDENT, "sequence", h100, (16, 4, 2048))
    full = method_gpus(TEACHER, STUDENT, "sequence", h100, (None, 4, 2048))
    assert lora.gpus == 1 < full.gpus == 2
    # Training tokens/s scales with the GPUs and divides by FLOPs per token: full on 2 GPUs at 6·N against
    # LoRA on 1 at 4·N is 2 × 4/6 = 1.333×.
    assert full.tokens_per_s["student_training"] == pytest.approx(
        2 * 4 / 6 * lora.tokens_per_s["student_training"])


def test_the_cli_prints_every_method_full_and_lora(capsys):
    assert main(["estimate-distill", "--teacher", "llama-3.1-70b", "--student", "llama-3.1-8b", "--gpu",
                 "h100-sxm", "--lora-rank", "16"]) == 0
    out = capsys.readouterr().out
    assert out.count("logit-online") == 2 and "ZeRO-3" in out and "(estimate)" in out
    assert main(["estimate-distill", "--teacher", "x", "--student", "llama-3.1-8b", "--gpu", "h100-sxm"]) == 2
    assert main(["estimate-distill", "--teacher", "llama-3.1-70b", "--student", "llama-3.1-8b", "--gpu",
                 "h100-sxm", "--seq-len", "0"]) == 2
