"""`distill`: the subcommand of `python -m profiles` that measures one distillation method's step.

Imports argparse and the torch-free settings at module level; torch, transformers, peft and safetensors
only inside the handler. Defaults and help text come from `profiles.distill_settings.DistillSettings`.
"""

from __future__ import annotations

import argparse
import json
import shlex
from dataclasses import asdict

from profiles.cli.measure import EXIT_INTERRUPTED, require_torch
from profiles.cli.store import fmt
from profiles.distill_settings import DistillSettings, distill_settings
from profiles.interrupts import ctrl_c_deferred
from profiles.store import check_out_path

FLAGS = ("teacher", "student", "method", "lora_rank", "top_k", "batch_size", "seq_len", "sample_tokens",
         "device", "dtype", "repeats", "min_seconds", "teacher_url", "teacher_model", "out")
NUMBERS = {"lora_rank": int, "top_k": int, "batch_size": int, "seq_len": int, "sample_tokens": int,
           "repeats": int, "min_seconds": float}


def _help(name: str) -> str:
    info = DistillSettings.model_fields[name]
    default = None if info.is_required() else info.default
    return info.description + ("" if default is None else f" (default: {default})")


def _values(args: argparse.Namespace) -> dict:
    values = {}
    for name in FLAGS:
        raw = getattr(args, name)
        if raw is None:
            continue
        if name in NUMBERS:
            try:
                raw = NUMBERS[name](raw)
            except ValueError:
                raise ValueError(f"--{name.replace('_', '-')}: expected a number, got {raw!r}") from None
        values[name] = raw
    return values


def _print_summary(profile, path) -> None:
    d = profile.distillation
    finetune = f"LoRA rank {d.lora_rank}" if d.lora_rank else "full fine-tune"
    print(f"{d.method} distillation, {finetune}: {d.trainable_parameters:,} of {d.student_parameters:,} "
          f"student parameters trained; batch {d.batch_size} × {d.seq_len} tokens on {profile.hardware.name}")
    print(
        f"{'phase':<17} {'tokens/s':>10} {'s/step':>9} {'peak GiB':>8} {'roofline s':>10} {'× roofline':>10}")
    for p in d.phases:
        a = p.analytic
        print(f"{p.name:<17} {fmt(p.tokens_per_s):>10} {fmt(p.seconds_per_step, 4):>9} "
              f"{fmt(p.peak_memory_gib, 3):>8} {fmt(a.seconds_per_step if a else None, 4):>10} "
              f"{fmt(a.measured_over_analytic if a else None, 3):>10}")
    print(f"teacher share of the step: {d.teacher_share:.0%}; memory needed ≈ {d.memory_needed_gib:.2f} GiB")
    if d.logit_bytes_per_token is not None:
        print(f"stored logits: {d.logit_bytes_per_token:,.1f} bytes/token measured "
              f"({d.logit_bytes_per_token_analytic:,.0f} analytic before the header)")
    print(f"distillation profile written to {path}")


def handle_distill(args: argparse.Namespace) -> int:
    settings = distill_settings(**_values(args))
    if settings.out is not None:
        check_out_path(settings.out)
    require_torch("distill")
    with ctrl_c_deferred():
        from profiles.backends.transformers.distill.run import run_distill

    command = "python -m profiles distill " + shlex.join(
        arg for name in FLAGS if getattr(args, name) is not None
        for arg in (f"--{name.replace('_', '-')}", str(getattr(args, name))))
    try:
        profile, path = run_distill(settings, command=command)
    except KeyboardInterrupt:
        print("interrupted: nothing written", flush=True)
        return EXIT_INTERRUPTED
    _print_summary(profile, path)
    return 0


def handle_estimate_distill(args: argparse.Namespace) -> int:
    """GPUs of one kind each method needs (full fine-tuning sharded ZeRO-3 style, and LoRA), with phase
    tokens/s."""
    from econ.model.distill_profile import METHODS
    from profiles.analytic.distill_gpus import TRAINING_MFU, method_gpus
    from profiles.catalog import model_preset
    from profiles.gpu_catalog import gpu_spec

    teacher, student, gpu = model_preset(args.teacher), model_preset(args.student), gpu_spec(args.gpu)
    numbers = {name: int(getattr(args, name)) for name in ("lora_rank", "batch_size", "seq_len")
               if getattr(args,
                          name) is not None and str(getattr(args,
                                                            name)).isdigit() and int(getattr(args, name)) > 0}
    for name in ("lora_rank", "batch_size", "seq_len"):
        if getattr(args, name) is not None and name not in numbers:
            raise ValueError(
                f"--{name.replace('_', '-')}: expected a whole number above 0, got {getattr(args, name)!r}")
    batch, seq_len = numbers.get("batch_size", 4), numbers.get("seq_len", 2048)
    ranks = [None] + ([numbers["lora_rank"]] if "lora_rank" in numbers else [])
    rows = [method_gpus(teacher, student, m, gpu, (rank, batch, seq_len)) for rank in ranks for m in METHODS]
    if args.json:
        print(json.dumps([asdict(r) for r in rows], indent=2))
        return 0
    print(f"{args.teacher} -> {args.student} on {gpu.name} ({gpu.memory_gib:g} GiB): training state sharded "
          f"over the GPUs (ZeRO-3), batch {batch} × {seq_len} tokens per GPU, {TRAINING_MFU:.0%} MFU "
          "(estimate)")
    print(f"{'method':<14} {'tune':<5} {'GPUs':>5} {'state GiB':>10} {'GiB/GPU':>8} {'score tok/s':>12} "
          f"{'sample tok/s':>12} {'train tok/s':>12}")
    for r in rows:
        if r.gpus is None:
            print(f"{r.method:<14} {r.finetune:<5} does not fit on up to 4,096 GPUs")
            continue
        t = r.tokens_per_s
        print(f"{r.method:<14} {r.finetune:<5} {r.gpus:>5} {r.state_gib:>10,.1f} {r.per_gpu_gib:>8,.1f} "
              f"{fmt(t['teacher_scoring']):>12} {fmt(t['student_sampling']):>12} "
              f"{fmt(t['student_training']):>12}")
    return 0


def register(subparsers) -> None:
    """Add `distill` and `estimate-distill`."""
    est = subparsers.add_parser(
        "estimate-distill", help="Estimate the GPUs each distillation method needs on a GPU you do not have.",
        description="GPUs of one catalog kind each method needs (full fine-tuning with AdamW state sharded "
        "ZeRO-3 style, and LoRA with --lora-rank), and each phase's tokens/s on them: an estimate.")
    est.add_argument("--teacher", required=True, help="Teacher preset name.")
    est.add_argument("--student", required=True, help="Student preset name.")
    est.add_argument("--gpu", required=True, help="GPU catalog name (python -m profiles gpus).")
    est.add_argument("--lora-rank", metavar="R", help="Also estimate LoRA at this rank.")
    est.add_argument("--batch-size", metavar="B", help="Sequences per GPU per step (default: 4).")
    est.add_argument("--seq-len", metavar="L", help="Tokens per sequence (default: 2048).")
    est.add_argument("--json", action="store_true", help="Print JSON instead of a table.")
    est.set_defaults(handler=handle_estimate_distill)
    parser = subparsers.add_parser(
        "distill", help="Measure one distillation method's step (per phase) on this machine.",
        description="Time each phase of a distillation method with real models (presets with random weights "
                    "or "
        "local checkpoints), with peak memory and the roofline beside each; write a distillation profile.")
    parser.add_argument("--teacher", required=True, help=_help("teacher"))
    parser.add_argument("--student", required=True, help=_help("student"))
    parser.add_argument("--method", required=True,
                        choices=["sequence", "logit-online", "logit-offline", "on-policy"],
                        help=_help("method"))
    for name in ("lora_rank", "top_k", "batch_size", "seq_len", "sample_tokens", "repeats", "min_seconds"):
        parser.add_argument(f"--{name.replace('_', '-')}", metavar="N", help=_help(name))
    parser.add_argument("--device", choices=["auto", "cuda", "mps", "cpu"], help=_help("device"))
    parser.add_argument("--dtype", choices=["bf16", "fp16", "fp32"], help=_help("dtype"))
    parser.add_argument("--teacher-url", metavar="URL", help=_help("teacher_url"))
    parser.add_argument("--teacher-model", metavar="NAME", help=_help("teacher_model"))
    parser.add_argument("--out", metavar="FILE", help=_help("out"))
    parser.set_defaults(handler=handle_distill)
