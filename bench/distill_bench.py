"""Distillation benchmark: each method's measured step against its roofline, online KD's overhead over SFT,
and LoRA against full fine-tuning, on the CPU with tiny presets. Figures and ratios are printed; nothing is
asserted on time.

Prints:
  1. per method and phase: measured s/step, the roofline's s/step at the hw-measured peaks (FLOPs ÷ matmul
     FLOP/s, bytes ÷ copy bandwidth, the larger), and measured ÷ roofline;
  2. online KD's step ÷ the SFT step, beside the ratio its parts predict ((SFT + teacher scoring) ÷ SFT);
  3. LoRA (rank 16) ÷ full fine-tuning: training tokens/s and peak memory (each in its own process, so
     neither inherits the other's allocations), and the analytic optimizer state LoRA saves;
  4. teacher scoring through a served teacher (vLLM from .venv-vllm, /v1/completions with prompt_logprobs)
     against the local forward of the same checkpoint, tokens/s and their ratio (skipped without .venv-vllm).

Run: .venv/bin/python bench/distill_bench.py   (imports torch, transformers and peft; ~1-2 min on 2 cores)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import torch  # noqa: E402

from profiles.backends.transformers.distill.run import run_distill  # noqa: E402
from profiles.catalog import model_preset  # noqa: E402
from profiles.distill_settings import distill_settings  # noqa: E402

TEACHER, STUDENT = "tiny-teacher", "tiny-student"
SHAPE = dict(batch_size=4, seq_len=128, repeats=5, min_seconds=1.0, device="cpu")
METHODS = ("sequence", "logit-offline", "logit-online", "on-policy")
LORA_RANK = 16
SERVED_TOP_K = 8  # vLLM serves at most 20 log-probs per position by default
# LoRA against full fine-tuning at a small batch: the weights-dominated regime of a real fine-tune, where
# the optimizer state is what differs (at large batches the activations dominate a tiny model's memory).
LORA_SHAPE = (1, 32)
GIB = 2**30


def method_table(folder: Path) -> dict[str, dict]:
    blocks = {}
    print(f"1. step per method vs roofline ({TEACHER} -> {STUDENT}, batch {SHAPE['batch_size']} × "
          f"{SHAPE['seq_len']} tokens, fp32, {torch.get_num_threads()} threads)")
    print(
        f"   {'method':<14} {'phase':<17} {'s/step':>9} {'roofline s':>10} {'meas/roof':>9} {'tokens/s':>10}")
    for method in METHODS:
        settings = distill_settings(teacher=TEACHER, student=STUDENT, method=method,
                                    out=str(folder / f"{method}.json"), **SHAPE)
        profile, _ = run_distill(settings)
        block = profile.distillation
        blocks[method] = block
        for p in block.phases:
            roof = p.analytic.seconds_per_step if p.analytic else None
            ratio = f"{p.seconds_per_step / roof:9.1f}" if roof else f"{'-':>9}"
            roof_text = f"{roof:10.5f}" if roof else f"{'-':>10}"
            print(
                f"   {method:<14} {p.name:<17} {p.seconds_per_step:9.5f} {roof_text} {ratio} "
                f"{p.tokens_per_s:10,.0f}")
        print(
            f"   {method:<14} {'(step)':<17} {block.step_seconds:9.5f}   teacher share "
            f"{block.teacher_share:.0%}")
    return blocks


def online_overhead(blocks: dict) -> None:
    sft = blocks["sequence"].step_seconds
    online = blocks["logit-online"]
    scoring = online.phase("teacher_scoring").seconds_per_step
    print("\n2. online KD over SFT (same student, same tokens, one process)")
    print(f"   online step ÷ SFT step: {online.step_seconds / sft:.2f}×; its parts predict "
          f"(SFT + teacher scoring) ÷ SFT = {(sft + scoring) / sft:.2f}×")


def _own_process(folder: Path, name: str, extra: list[str]) -> dict:
    out = folder / f"{name}.json"
    argv = [sys.executable, "-m", "profiles", "distill", "--teacher", TEACHER, "--student", TEACHER,
            "--device", "cpu", "--method", "sequence", "--batch-size", str(LORA_SHAPE[0]), "--seq-len",
            str(LORA_SHAPE[1]), "--repeats", "5", "--min-seconds", "1",
            *extra, "--out", str(out)]
    subprocess.run(argv, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, check=True,
                   capture_output=True)
    return json.loads(out.read_text())["distillation"]


def lora_vs_full(folder: Path) -> None:
    full = _own_process(folder, "full", [])
    lora = _own_process(folder, "lora", ["--lora-rank", str(LORA_RANK)])
    f, lo = full["phases"][0], lora["phases"][0]
    frozen = model_preset(TEACHER).parameters
    print(f"\n3. LoRA rank {LORA_RANK} vs full fine-tuning ({TEACHER} as the student, SFT step, batch "
          f"{LORA_SHAPE[0]} × {LORA_SHAPE[1]} tokens, own processes)")
    print(f"   trainable parameters: {lora['trainable_parameters']:,} of {full['trainable_parameters']:,}")
    print(f"   training tokens/s: LoRA {lo['tokens_per_s']:,.0f}, full {f['tokens_per_s']:,.0f} → "
          f"LoRA ÷ full = {lo['tokens_per_s'] / f['tokens_per_s']:.2f}× (FLOPs predict 6/4 = 1.50× at most)")
    print(f"   peak memory (process RSS): LoRA {lo['peak_memory_gib']:.3f} GiB, full "
          f"{f['peak_memory_gib']:.3f} GiB → LoRA ÷ full = "
          f"{lo['peak_memory_gib'] / f['peak_memory_gib']:.2f}×; gap "
          f"{f['peak_memory_gib'] - lo['peak_memory_gib']:.3f} GiB vs the frozen weights' AdamW moments "
          f"{2 * 4 * frozen / GIB:.3f} GiB")


def served_vs_local(folder: Path) -> None:
    from profiles.backends.endpoint.launch import DEFAULT_VLLM_PYTHON, launched_vllm
    from profiles.backends.endpoint.scoring import ServedTeacher
    from profiles.backends.transformers.distill import phases as steps
    from profiles.backends.transformers.measure import random_prompt
    from profiles.backends.transformers.models import load_model, save_id_tokenizer, save_preset

    print(f"\n4. teacher scoring: served by vLLM vs the local forward ({TEACHER}, batch "
          f"{SHAPE['batch_size']} × {SHAPE['seq_len']} tokens, top-{SERVED_TOP_K})")
    if not DEFAULT_VLLM_PYTHON.exists():
        print("   skipped: no .venv-vllm")
        return
    checkpoint = folder / TEACHER
    save_preset(TEACHER, checkpoint)
    save_id_tokenizer(checkpoint, model_preset(TEACHER).vocab_size)
    tokens = random_prompt(SHAPE["batch_size"], SHAPE["seq_len"], model_preset(TEACHER).vocab_size, "cpu")
    local = steps.StepParts(load_model(str(checkpoint), "cpu", "fp32").model, None, None, tokens,
                            SERVED_TOP_K)
    with launched_vllm(checkpoint, "teacher", str(DEFAULT_VLLM_PYTHON)) as server:
        served = steps.StepParts(None, None, None, tokens, SERVED_TOP_K,
                                 ServedTeacher(server.base_url, "teacher", SERVED_TOP_K))
        timings = {}
        for _ in range(3):  # alternate, so drift on a shared machine hits both alike
            for name, parts in (("local", local), ("served", served)):
                def score(mark, parts=parts):
                    steps.teacher_logits(parts, tokens)
                    mark()
                timings.setdefault(name, []).append(steps.time_phases("cpu", score, 1, (3, 0.5)).seconds[0])
    tokens_per_step = SHAPE["batch_size"] * SHAPE["seq_len"]
    rates = {name: tokens_per_step / min(seconds) for name, seconds in timings.items()}
    print(f"   local forward {rates['local']:,.0f} tokens/s, served {rates['served']:,.0f} tokens/s → "
          f"served ÷ local = {rates['served'] / rates['local']:.2f}× (vLLM shares the same 2 CPU cores, "
          "fp32, eager)")


def main() -> None:
    print(f"load average at start: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    with tempfile.TemporaryDirectory(prefix="distill-bench-") as tmp:
        folder = Path(tmp)
        blocks = method_table(folder)
        online_overhead(blocks)
        lora_vs_full(folder)
        served_vs_local(folder)


if __name__ == "__main__":
    main()
