"""`run`, `pair` and `hw`: the subcommands of `python -m profiles` that measure on this machine.

Imports argparse, subprocess and `profiles.settings` at module level (torch-free, so `list`/`show` work
without torch); torch and the measuring modules are imported inside the handlers only. Defaults and
help text come from `profiles.settings.RunSettings`.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

from profiles.cli.store import fmt
from profiles.interrupts import ctrl_c_deferred
from profiles.settings import (
    RunSettings,
    flag_name,
    model_spec_problem,
    parse_batch_sizes,
    run_settings,
)
from profiles.store import check_out_path

INSTALL_HINT = ("needs torch, transformers, safetensors, psutil and tqdm, which `make run` does not install: "
                "make profile-deps (or pip install -r requirements-profile.txt)")
MEASURE_PACKAGES = ("torch", "transformers", "safetensors", "psutil", "tqdm")
PROJECT_ROOT = Path(__file__).resolve().parents[2]
# Flags shared by `run` and `pair` (everything but --model and --out), in RunSettings' field order.
SHARED_FIELDS = ("device", "dtype", "batch_sizes", "input_tokens", "output_tokens", "repeats",
                 "min_seconds", "train", "compile")
EXIT_INTERRUPTED = 130


def require_torch(command: str) -> None:
    """A ValueError with the install line when a measuring dependency is missing."""
    missing = [name for name in MEASURE_PACKAGES if importlib.util.find_spec(name) is None]
    if missing:
        raise ValueError(f"`{command}` {INSTALL_HINT} (missing: {', '.join(missing)})")


def _help(name: str) -> str:
    info = RunSettings.model_fields[name]
    default = None if info.is_required() else info.default
    if isinstance(default, list):
        default = ",".join(str(v) for v in default)
    shown = "" if default in (None, False) else f" (default: {default})"
    return f"{info.description}{shown}"


def _add_shared(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--device", choices=["auto", "cuda", "mps", "cpu"], help=_help("device"))
    parser.add_argument("--dtype", choices=["bf16", "fp16", "fp32"], help=_help("dtype"))
    parser.add_argument("--batch-sizes", metavar="B1,B2,...", help=_help("batch_sizes"))
    parser.add_argument("--input-tokens", type=str, metavar="N", help=_help("input_tokens"))
    parser.add_argument("--output-tokens", type=str, metavar="N", help=_help("output_tokens"))
    parser.add_argument("--repeats", type=str, metavar="N", help=_help("repeats"))
    parser.add_argument("--min-seconds", type=str, metavar="S", help=_help("min_seconds"))
    parser.add_argument("--train", action="store_true", default=None, help=_help("train"))
    parser.add_argument("--compile", action="store_true", default=None, help=_help("compile"))


def _number(text: str, field: str, kind: type):
    try:
        return kind(text)
    except ValueError:
        raise ValueError(f"{flag_name(field)}: expected a number, got {text!r}") from None


def _shared_values(args: argparse.Namespace) -> dict:
    """Flags the user gave (None means: RunSettings' default), converted with errors naming the flag."""
    values = {}
    for name in SHARED_FIELDS:
        raw = getattr(args, name)
        if raw is None:
            continue
        if name == "batch_sizes":
            raw = parse_batch_sizes(raw)
        elif name in ("input_tokens", "output_tokens", "repeats"):
            raw = _number(raw, name, int)
        elif name == "min_seconds":
            raw = _number(raw, name, float)
        values[name] = raw
    return values


def settings_argv(settings: RunSettings) -> list[str]:
    """The `run` arguments that reproduce `settings` exactly."""
    argv = ["--model", settings.model, "--device", settings.device]
    if settings.dtype:
        argv += ["--dtype", settings.dtype]
    argv += ["--batch-sizes", ",".join(str(b) for b in settings.batch_sizes),
             "--input-tokens", str(settings.input_tokens), "--output-tokens", str(settings.output_tokens),
             "--repeats", str(settings.repeats), "--min-seconds", repr(settings.min_seconds)]
    argv += ["--train"] * settings.train + ["--compile"] * settings.compile
    if settings.out:
        argv += ["--out", settings.out]
    return argv


class TqdmProgress:
    """A tqdm bar on stderr per stage (hidden when stderr is not a terminal)."""

    def __init__(self):
        from tqdm import tqdm

        self._tqdm = tqdm
        self._bar = None

    def begin(self, description: str, total: int | None) -> None:
        self._bar = self._tqdm(total=total, desc=description, unit="run", file=sys.stderr, leave=False,
                               disable=None)

    def advance(self, steps: int = 1) -> None:
        if self._bar is not None:
            self._bar.update(steps)

    def end(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None


def _print_summary(result) -> None:
    profile = result.profile
    hw = profile.hardware
    print(f"{profile.model.name} ({profile.model.parameters:,} parameters, {profile.model.dtype}) on "
          f"{hw.name}: {fmt(hw.bandwidth_gb_per_s_measured)} GB/s copy, {fmt(hw.flop_per_s_measured)} "
          "FLOP/s matmul")
    print(f"{'batch':>5} {'TTFT p50 ms':>11} {'TPOT p50 ms':>11} {'decode tok/s':>12} {'req/s':>8} "
          f"{'peak GiB':>8} {'MBU':>6} {'MFU':>6}")
    for p in profile.points:
        if p.oom:
            print(f"{p.batch_size:>5} out of memory")
            continue
        print(f"{p.batch_size:>5} {fmt(p.ttft_ms.p50):>11} {fmt(p.tpot_ms.p50):>11} "
              f"{fmt(p.decode_tokens_per_s):>12} {fmt(p.requests_per_s):>8} {fmt(p.peak_memory_gib, 3):>8} "
              f"{fmt(p.mbu, 2):>6} {fmt(p.mfu, 2):>6}")
    if profile.training:
        t = profile.training
        print(f"training: {fmt(t.tokens_per_s)} tokens/s at batch {t.batch_size} × {t.seq_len} tokens, "
              f"MFU {fmt(t.mfu, 2)}")
    state = "PARTIAL profile (interrupted)" if result.interrupted else "profile"
    print(f"{state} written to {result.path}")


def handle_run(args: argparse.Namespace) -> int:
    settings = run_settings(model=args.model, out=args.out, **_shared_values(args))
    if args.out is not None:
        check_out_path(args.out)  # before the measurement, which a failed write would lose
    require_torch("run")
    with ctrl_c_deferred():
        from profiles.backends.transformers.runner import run_profile

    command = "python -m profiles run " + " ".join(settings_argv(settings))
    result = run_profile(settings, command=command, progress=TqdmProgress())
    _print_summary(result)
    for warning in result.warnings:
        print(f"warning: {warning.removeprefix('WARNING: ')}", file=sys.stderr)
    return EXIT_INTERRUPTED if result.interrupted else 0


def _model_slug(model: str) -> str:
    path = Path(model)
    return path.resolve().name if path.is_dir() else model


def handle_pair(args: argparse.Namespace) -> int:
    shared = _shared_values(args)
    if args.out_dir is not None and not args.out_dir.strip():
        raise ValueError("--out-dir: no folder name given")
    out_dir = Path(args.out_dir) if args.out_dir is not None else None
    if out_dir is None:
        from profiles.store import DATA_DIR

        out_dir = DATA_DIR
    jobs = []
    for role, model in (("teacher", args.teacher), ("student", args.student)):
        out = check_out_path(out_dir / f"{role}-{_model_slug(model)}.json", "--out-dir")
        jobs.append((role, run_settings(model=model, out=str(out), **shared)))
        problem = model_spec_problem(model)
        if problem:
            raise ValueError(f"--{role}: {problem}")
    require_torch("pair")
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT_ROOT), env.get("PYTHONPATH")]))
    for role, settings in jobs:
        print(f"== {role}: {settings.model}", flush=True)
        # Each model in its own process: no allocator state, compiled graphs or threads carry over.
        process = subprocess.Popen([sys.executable, "-m", "profiles", "run", *settings_argv(settings)],
                                   env=env)
        try:
            code = process.wait()
        except KeyboardInterrupt:  # the child got the same Ctrl-C: let it write its partial profile
            process.wait()
            print(f"interrupted while profiling the {role}", file=sys.stderr)
            return EXIT_INTERRUPTED
        if code != 0:
            print(f"{role} profiling failed (exit {code})", file=sys.stderr)
            return code
    print(f"wrote {jobs[0][1].out} and {jobs[1][1].out}")
    return 0


def handle_hw(args: argparse.Namespace) -> int:
    require_torch("hw")
    with ctrl_c_deferred():
        from profiles.backends.transformers.device import TORCH_DTYPES, resolve_device
        from profiles.backends.transformers.hw import measure_hardware
    from profiles.spec import catalog_name_for, spec_peaks

    device = resolve_device(args.device or "auto")
    hw = measure_hardware(device, tuple(TORCH_DTYPES))
    catalog = catalog_name_for(hw.name) if device != "cpu" else None
    specs = {dtype: spec_peaks(catalog, dtype) for dtype in TORCH_DTYPES}
    if args.json:
        print(json.dumps({"device": device, "name": hw.name, "memory_gib": hw.memory_gib,
                          "catalog_name": catalog, "bandwidth_gb_per_s_measured": hw.bandwidth_gb_per_s,
                          "bandwidth_gb_per_s_spec": specs["fp32"][0],
                          "flop_per_s_measured": hw.flop_per_s,
                          "flop_per_s_spec": {d: s[1] for d, s in specs.items()}}, indent=2))
        return 0
    print(f"{hw.name} ({device}, {hw.memory_gib:.1f} GiB{', catalog ' + catalog if catalog else ''})")
    spec_bw = specs["fp32"][0]
    bw = hw.bandwidth_gb_per_s
    share = f" = {bw / spec_bw:.0%} of the {spec_bw:.0f} GB/s data sheet" if spec_bw else ""
    print(f"memory bandwidth (copy): {bw:.1f} GB/s{share}")
    for dtype, flops in hw.flop_per_s.items():
        spec = specs[dtype][1]
        print(f"matmul {dtype}: {flops / 1e12:.3f} TFLOP/s"
              + (f" = {flops / spec:.0%} of the {spec / 1e12:.0f} TFLOP/s data sheet" if spec else ""))
    return 0


def register(subparsers) -> None:
    """Add `run`, `pair` and `hw`."""
    run = subparsers.add_parser("run", help="Profile one model on this machine; write a profile file.",
                                description="Measure TTFT, TPOT, ITL, throughput, memory (and training with "
                                "--train) per batch size; write a profile file econ can read.")
    run.add_argument("--model", required=True, help=_help("model"))
    _add_shared(run)
    run.add_argument("--out", metavar="FILE", help=_help("out"))
    run.set_defaults(handler=handle_run)

    pair = subparsers.add_parser("pair", help="Profile a teacher and a student, each in its own process.")
    pair.add_argument("--teacher", required=True, help="Teacher: preset name or checkpoint folder.")
    pair.add_argument("--student", required=True, help="Student: preset name or checkpoint folder.")
    _add_shared(pair)
    pair.add_argument("--out-dir", metavar="DIR", help="Folder for teacher-NAME.json and student-NAME.json "
                      "(default: profiles/data).")
    pair.set_defaults(handler=handle_pair)

    hw = subparsers.add_parser("hw", help="Measure memory bandwidth and matmul FLOP/s of a device.")
    hw.add_argument("--device", choices=["auto", "cuda", "mps", "cpu"], help=_help("device"))
    hw.add_argument("--json", action="store_true", help="Print JSON instead of text.")
    hw.set_defaults(handler=handle_hw)
