"""`python -m profiles distill` on real tiny models on the CPU: every method's phases, the refusals before
anything is built, LoRA through peft, the stored logits' bytes, and the online step against its parts.
No wall-clock time is asserted: timings are compared as ratios measured in one process."""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch")
peft = pytest.importorskip("peft")

from econ.model.distill_profile import load_distillation_profile  # noqa: E402
from profiles.analytic.distill import LOGIT_INDEX_BYTES, LOGIT_VALUE_BYTES, lora_parameters  # noqa: E402
from profiles.backends.transformers.distill import phases as steps  # noqa: E402
from profiles.backends.transformers.distill.logit_store import shard_size, write_shard  # noqa: E402
from profiles.backends.transformers.distill.losses import forward_kl, top_k_logits, with_lora  # noqa: E402
from profiles.backends.transformers.measure import random_prompt  # noqa: E402
from profiles.backends.transformers.models import load_model  # noqa: E402
from profiles.catalog import model_preset  # noqa: E402
from profiles.cli import main  # noqa: E402

ROOT = Path(__file__).resolve().parents[3]
PAIR = ["--teacher", "tiny-teacher", "--student", "tiny-student", "--device", "cpu"]
FAST = ["--batch-size", "2", "--seq-len", "32", "--repeats", "2", "--min-seconds", "0"]
PHASES = {
    "sequence": ["student_training"],
    "logit-online": ["teacher_scoring", "student_training"],
    "logit-offline": ["teacher_scoring", "logit_write", "student_training"],
    "on-policy": ["student_sampling", "teacher_scoring", "student_training"],
}


def error_line(capsys) -> str:
    err = capsys.readouterr().err.strip()
    assert "Traceback" not in err and len(err.splitlines()) == 1, err
    return err


@pytest.mark.slow
@pytest.mark.parametrize("method", sorted(PHASES))
def test_each_method_writes_its_phases_with_the_roofline_beside_them(method, tmp_path, capsys):
    out = tmp_path / "distill.json"
    assert main(["distill", *PAIR, "--method", method, *FAST, "--out", str(out)]) == 0
    assert "distillation profile written to" in capsys.readouterr().out
    profile = load_distillation_profile(str(out))
    block = profile.distillation
    assert [p.name for p in block.phases] == PHASES[method]
    # tiny-student: embeddings 2 × 2048 × 256 = 1,048,576; 2 layers × (2·256² + 2·256·128 + 3·256·512 + 2·256)
    # = 2 × 590,336 = 1,180,672; final norm 256 → 2,229,504, every one trained in a full fine-tune.
    assert block.student_parameters == block.trainable_parameters == 2_229_504
    for phase in block.phases:
        assert phase.tokens_per_s == pytest.approx(phase.tokens_per_step / phase.seconds_per_step)
        assert phase.analytic.flops_per_step >= 0 and phase.analytic.bytes_per_step > 0
    assert block.step_seconds == pytest.approx(sum(p.seconds_per_step for p in block.phases))
    teacher_s = sum(p.seconds_per_step for p in block.phases if p.name == "teacher_scoring")
    assert block.teacher_share == pytest.approx(teacher_s / block.step_seconds)
    assert (block.teacher_share == 0) == (method == "sequence")
    assert (profile.teacher is None) == (method == "sequence")
    assert profile.environment.torch_version == torch.__version__
    if method == "on-policy":  # half of the 32-token sequence is sampled by default
        assert block.sample_tokens == 16 and block.phases[0].tokens_per_step == 2 * 16


@pytest.mark.parametrize("method", ["logit-online", "logit-offline", "on-policy"])
def test_a_logit_method_with_two_vocabularies_is_one_clear_error(method, capsys):
    # tiny-llama has 512 tokens, tiny-student 2,048: the KL has nothing to compare token by token.
    argv = ["distill", "--teacher", "tiny-llama", "--student", "tiny-student", "--device", "cpu", "--method",
            method]
    assert main(argv) == 2
    line = error_line(capsys)
    assert "--teacher/--student" in line and "512" in line and "2,048" in line and "--method sequence" in line


def test_a_pair_that_does_not_fit_says_the_memory_it_needed(capsys):
    argv = ["distill", "--teacher", "llama-3.1-405b", "--student", "llama-3.2-1b", "--device", "cpu",
            "--method", "logit-online"]
    assert main(argv) == 2
    line = error_line(capsys)
    # Teacher 405,853,388,800 × 4 bytes = 1,511.92 GiB + its logits 4 × 256 × 128,256 × 4 B = 0.49 GiB;
    # student 1,235,814,400 × 4 B × (weights + gradient + 2 moments) = 18.42 GiB + 3 logit tensors 1.47 GiB
    # → 1,532.29 GiB.
    assert "do not fit together on cpu" in line and "needs about 1532.29 GiB" in line
    assert "GiB is free" in line


@pytest.mark.parametrize("argv, expected", [
    (["--method", "sequence", "--sample-tokens", "8"], "--sample-tokens: only the on-policy method samples"),
    (["--method", "on-policy", "--seq-len", "16", "--sample-tokens", "16"],
     "--sample-tokens: 16 leaves no prompt"),
    (["--method", "logit-online", "--top-k", "-1"], "--top-k:"),
    (["--method", "sequence", "--lora-rank", "0"], "--lora-rank:"),
    (["--method", "sequence", "--batch-size", "two"], "--batch-size: expected a number"),
])
def test_bad_flags_are_one_line_and_exit_2(argv, expected, capsys):
    assert main(["distill", *PAIR, *argv]) == 2
    assert expected in error_line(capsys)


def test_lora_trains_exactly_the_parameters_peft_counts():
    loaded = load_model("tiny-student", "cpu", "fp32")
    model = with_lora(loaded.model, 8)
    trainable, total = model.get_nb_trainable_parameters()
    assert trainable == sum(p.numel() for p in model.parameters() if p.requires_grad)
    # rank 8 × per layer [(256+256) q + 2 × (256+128) k, v + (256+256) o + 2 × (256+512) gate, up + (512+256)
    # down]
    # = 8 × 2 layers × (512 + 768 + 512 + 1,536 + 768 = 4,096) = 65,536.
    assert trainable == lora_parameters(model_preset("tiny-student"), 8) == 65_536
    assert total == 2_229_504 + 65_536


def _distill_in_own_process(tmp_path: Path, name: str, extra: list[str]) -> dict:
    out = tmp_path / f"{name}.json"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1"}
    argv = [sys.executable, "-m", "profiles", "distill", "--teacher", "tiny-teacher", "--student",
            "tiny-teacher", "--device", "cpu", "--method", "sequence", "--batch-size", "1", "--seq-len", "16",
            "--repeats", "2", "--min-seconds", "0", *extra, "--out", str(out)]
    result = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return json.loads(out.read_text())["distillation"]


@pytest.mark.slow
def test_lora_peak_memory_is_below_full_fine_tuning_by_the_frozen_weights_optimizer_state(tmp_path):
    # Each in its own process, so neither inherits the other's allocations. tiny-teacher as the student:
    # 2 × 2048 × 384 embeddings + 4 × 1,573,632 per layer + 384 = 7,867,776 parameters (fp32). Full
    # fine-tuning adds a gradient and AdamW's two moments for every one
    # of them (3 × 4 bytes each); LoRA keeps those only for the adapters. The promise: the gap is at least
    # the two moments of the frozen weights, 2 × 4 bytes × 7,867,776 = 62.9 MB = 0.0586 GiB.
    full = _distill_in_own_process(tmp_path, "full", [])
    lora = _distill_in_own_process(tmp_path, "lora", ["--lora-rank", "8"])
    frozen = full["trainable_parameters"]  # every base weight is frozen under LoRA
    assert frozen == model_preset("tiny-teacher").parameters == 7_867_776
    optimizer_state_gib = 2 * 4 * frozen / 2**30
    gap_gib = full["phases"][0]["peak_memory_gib"] - lora["phases"][0]["peak_memory_gib"]
    assert gap_gib >= optimizer_state_gib, (gap_gib, optimizer_state_gib)
    assert lora["trainable_parameters"] == lora_parameters(model_preset("tiny-teacher"), 8)


@pytest.mark.slow
def test_stored_logits_take_k_times_index_plus_value_bytes_plus_the_header(tmp_path, capsys):
    out = tmp_path / "offline.json"
    argv = ["distill", *PAIR, "--method", "logit-offline", "--top-k", "32", "--batch-size", "2", "--seq-len",
            "64", "--repeats", "2", "--min-seconds", "0", "--out", str(out)]
    assert main(argv) == 0
    block = load_distillation_profile(str(out)).distillation
    # 32 × (4-byte int32 id + 2-byte fp16 value) = 192 bytes per token; the header (~160 bytes over the
    # shard's 2 × 64 = 128 tokens, ~1.3 bytes per token) stays under 1% of it.
    assert block.logit_bytes_per_token_analytic == 32 * (LOGIT_INDEX_BYTES + LOGIT_VALUE_BYTES) == 192
    assert block.logit_bytes_per_token == pytest.approx(192, rel=0.01)
    assert block.logit_bytes_per_token > 192


def test_a_shard_is_its_tensors_bytes_plus_the_header_exactly(tmp_path):
    values, ids = torch.randn(2, 8, 4), torch.randint(0, 100, (2, 8, 4))
    path = tmp_path / "shard.safetensors"
    write_shard(path, values, ids)
    size = shard_size(path)
    # 2 × 8 tokens × 4 kept × (2 + 4) bytes = 384 bytes of tensors; the rest is the header.
    assert size.tokens == 16 and size.file_bytes == 384 + size.header_bytes
    write_shard(path, torch.randn(2, 8, 100), None)  # the full vocabulary: fp16 values, no ids
    assert shard_size(path).file_bytes - shard_size(path).header_bytes == 2 * 8 * 100 * 2


def test_the_top_k_kl_is_zero_when_the_student_matches_the_teacher_and_positive_otherwise():
    logits = torch.randn(2, 5, 50)
    values, ids = top_k_logits(logits, 50)  # k = the vocabulary: the full distribution, reordered
    assert forward_kl(logits, values, ids).item() == pytest.approx(0.0, abs=1e-6)
    assert forward_kl(logits, *top_k_logits(logits, 0)).item() == pytest.approx(0.0, abs=1e-6)
    assert forward_kl(torch.randn(2, 5, 50), values, ids).item() > 0.01


def _step_seconds(step, phases: int = 1) -> float:
    """Mean seconds of a whole step (all its phases) over at least 3 timed steps."""
    return sum(steps.time_phases("cpu", step, phases, (3, 0.0)).seconds)


@pytest.mark.slow
def test_an_online_kd_step_costs_the_sft_step_plus_a_teacher_forward_plus_the_kl():
    # Measured in one process, one thread (a second engineer's job on a 2-core machine stalls a 2-thread
    # OpenMP barrier), interleaved rounds and medians; only ratios are compared. Expected:
    # online ≈ SFT step + teacher forward over the same 4 × 64 tokens + the top-32 KL (its forward and
    # backward over (4, 64, 2048) logits); the tolerance is 20% of the online step.
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        torch.manual_seed(0)
        teacher, student = load_model("tiny-teacher", "cpu",
                                      "fp32"), load_model("tiny-student", "cpu", "fp32")
        student.model.train()
        tokens = random_prompt(4, 64, 2048, "cpu")
        optimizer = torch.optim.AdamW(student.model.parameters(), lr=1e-5)
        parts = steps.StepParts(teacher.model, student.model, optimizer, tokens, 32)
        values, ids = steps.teacher_logits(parts, tokens)
        leaf = torch.randn(4, 64, 2048, requires_grad=True)

        def kl_alone(mark):
            forward_kl(leaf, values, ids).backward()
            mark()

        def teacher_alone(mark):
            steps.teacher_logits(parts, tokens)
            mark()

        rounds = {"online": [], "sft": [], "teacher": [], "kl": []}
        for _ in range(3):
            rounds["online"].append(_step_seconds(steps.online_step(parts), phases=2))
            rounds["sft"].append(_step_seconds(steps.sft_step(parts)))
            rounds["teacher"].append(_step_seconds(teacher_alone))
            rounds["kl"].append(_step_seconds(kl_alone))
        online, sft, teacher_s, kl = (float(np.median(rounds[k])) for k in ("online", "sft", "teacher", "kl"))
    finally:
        torch.set_num_threads(threads)
    parts_sum = sft + teacher_s + kl
    assert abs(online - parts_sum) / online <= 0.20, dict(online=online, sft=sft, teacher=teacher_s, kl=kl)
