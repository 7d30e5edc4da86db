"""Profiler benchmark: how fast and how steady our measured decode loop is, measured side by side in one run.

Prints (no asserts on time; targets from issue 3):
  1. decode tokens/s of our loop vs transformers generate() (same model object, static cache, fixed
     output length with min_new_tokens = max_new_tokens), batch 1 and batch 8, CPU — target ≥ 1.0×;
  2. batch-1 decode of the llama-100m fp32 preset on CPU: MBU against the hw-measured copy bandwidth —
     target ≥ 60%;
     beside it, the ceiling of the kernel decode runs on: batch-1 F.linear streamed over the model's own
     weight matrices (what any PyTorch decode loop on this CPU could reach at best);
  3. CV of repeated runs of the same point (TPOT and E2E per run) — target ≤ 5%.
generate()'s decode is timed per step too, by a logits processor that stamps the clock after each
forward, so both sides report batch × (output − 1) / (last token − first token). Runs alternate
(ours, generate, ours, ...) so that drift on a shared machine hits both sides alike.

Run: .venv/bin/python bench/profiler_bench.py   (imports torch, transformers and profiles)
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
import torch  # noqa: E402
from transformers import LogitsProcessor, LogitsProcessorList  # noqa: E402

from profiles.analytic.roofline import decode_bytes  # noqa: E402
from profiles.backends.transformers.hw import GB, measure_hardware  # noqa: E402
from profiles.backends.transformers.measure import DecodeSession  # noqa: E402
from profiles.backends.transformers.metrics import RunTiming, point_metrics  # noqa: E402
from profiles.backends.transformers.models import load_model  # noqa: E402

MODEL = "llama-100m"  # ~125M parameters, ~100M of them read per decode step
DTYPE = "fp32"
INPUT_TOKENS = 128
OUTPUT_TOKENS = 32
BATCHES = (1, 8)
REPEATS = 7  # timed runs per side per batch, after one untimed warm-up each
TARGET_RATIO = 1.0
TARGET_MBU = 0.60
TARGET_CV = 0.05


class StepStamps(LogitsProcessor):
    """Records perf_counter each time generate() has the logits of a new token (once per forward)."""

    def __init__(self):
        self.times: list[float] = []

    def __call__(self, input_ids, scores):
        self.times.append(time.perf_counter())
        return scores


def generate_timed(model, prompt: torch.Tensor) -> RunTiming:
    stamps = StepStamps()
    start = time.perf_counter()
    with torch.inference_mode():
        out = model.generate(prompt, attention_mask=torch.ones_like(prompt), max_new_tokens=OUTPUT_TOKENS,
                             min_new_tokens=OUTPUT_TOKENS, do_sample=False, cache_implementation="static",
                             logits_processor=LogitsProcessorList([stamps]), pad_token_id=0)
    assert out.shape[1] == INPUT_TOKENS + OUTPUT_TOKENS
    return RunTiming(np.asarray(stamps.times) - start)


GEMV_PASSES = 10  # timed passes over all weight matrices (best one kept)


def gemv_ceiling_gb_per_s(model: torch.nn.Module) -> float:
    """Best bytes/s of batch-1 F.linear over every Linear weight of the model (read once per pass)."""
    weights = [m.weight for m in model.modules() if isinstance(m, torch.nn.Linear)]
    inputs = {w.shape[1]: torch.randn(1, w.shape[1], dtype=w.dtype) for w in weights}
    total_bytes = sum(w.numel() * w.element_size() for w in weights)
    best = float("inf")
    with torch.inference_mode():
        for i in range(GEMV_PASSES + 1):
            start = time.perf_counter()
            for w in weights:
                torch.nn.functional.linear(inputs[w.shape[1]], w)
            if i:  # the first pass is a warm-up
                best = min(best, time.perf_counter() - start)
    return total_bytes / best / GB


def pct(x: float | None) -> str:
    return "-" if x is None else f"{x:.1%}"


def main() -> None:
    torch.manual_seed(0)
    loaded = load_model(MODEL, "cpu", DTYPE)
    hw = measure_hardware("cpu", (DTYPE,))
    print(f"{MODEL} {DTYPE} ({loaded.parameters / 1e6:.1f}M parameters) on {hw.name}, "
          f"{torch.get_num_threads()} threads, torch {torch.__version__}; {INPUT_TOKENS} in / "
          f"{OUTPUT_TOKENS} out; {REPEATS} runs per side")
    print(f"machine load average (1 min) at start: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs "
          "(other processes on the machine skew every CPU figure below)")
    print(
        f"hw: copy bandwidth {hw.bandwidth_gb_per_s:.1f} GB/s, fp32 matmul {hw.flop_per_s[DTYPE] / 1e9:.0f} "
        "GFLOP/s")
    print()
    print(f"{'batch':>5} {'ours tok/s':>11} {'generate tok/s':>15} {'ratio':>7} {'ours TTFT ms':>13} "
          f"{'gen TTFT ms':>12} {'TPOT CV':>8} {'E2E CV':>7} {'MBU':>7}")
    summary = []
    for batch in BATCHES:
        session = DecodeSession(loaded.model, "cpu", batch, INPUT_TOKENS, OUTPUT_TOKENS)
        session.run()
        generate_timed(loaded.model, session.prompt)
        ours, gens = [], []
        for _ in range(REPEATS):
            ours.append(session.run())
            gens.append(generate_timed(loaded.model, session.prompt))
        m = point_metrics(ours, batch, INPUT_TOKENS, OUTPUT_TOKENS)
        g = point_metrics(gens, batch, INPUT_TOKENS, OUTPUT_TOKENS)
        ratio = m.decode_tokens_per_s / g.decode_tokens_per_s
        bytes_per_s = decode_bytes(loaded.arch, DTYPE, batch, INPUT_TOKENS, OUTPUT_TOKENS) / m.mean_decode_s
        mbu = bytes_per_s / (hw.bandwidth_gb_per_s * GB)
        print(f"{batch:>5} {m.decode_tokens_per_s:>11.1f} {g.decode_tokens_per_s:>15.1f} {ratio:>6.2f}× "
              f"{m.ttft_ms.p50:>13.1f} {g.ttft_ms.p50:>12.1f} {pct(m.tpot_ms.cv):>8} {pct(m.e2e_ms.cv):>7} "
              f"{pct(mbu):>7}")
        summary.append(
            {"batch": batch, "ratio": ratio, "mbu": mbu, "cv": m.tpot_ms.cv, "bytes_per_s": bytes_per_s})
    print()
    for row in summary:
        print(f"(1) batch {row['batch']}: our loop / generate() decode tokens/s = {row['ratio']:.2f}× "
              f"(target ≥ {TARGET_RATIO:.1f}×)")
    first = summary[0]
    ceiling = gemv_ceiling_gb_per_s(loaded.model)
    print(f"(2) batch {first['batch']} decode: {first['bytes_per_s'] / GB:.1f} GB/s achieved = MBU "
          f"{first['mbu']:.1%} of the measured {hw.bandwidth_gb_per_s:.1f} GB/s (target ≥ {TARGET_MBU:.0%})")
    print(f"    kernel ceiling: batch-1 F.linear over the model's weights streams {ceiling:.1f} GB/s "
          f"({ceiling / hw.bandwidth_gb_per_s:.1%} of copy); our decode reaches "
          f"{first['bytes_per_s'] / GB / ceiling:.1%} of that ceiling")
    for row in summary:
        print(f"(3) batch {row['batch']}: CV of TPOT across {REPEATS} runs = {pct(row['cv'])} "
              f"(target ≤ {TARGET_CV:.0%})")
    print(f"machine load average (1 min) at the end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
