"""`python -m profiles estimate` and `python -m profiles calibrate`: estimated profiles for hardware you
don't have, and efficiencies fitted from a measured profile. Registers itself via register(subparsers).

Torch-free: imports argparse, the estimator, the calibration and the store. Defaults and help text are
read from `EstimateSettings`. Bad input raises ValueError (the CLI prints one line, exit code 2).
"""

from __future__ import annotations

import shlex
import sys

from pydantic import ValidationError

from econ.model.profile import Profile, describe_validation_error, load_profile
from profiles.analytic.calibrate import calibrate, load_calibration, write_calibration
from profiles.analytic.estimate import EstimateSettings, estimate_profile
from profiles.catalog import model_catalog, model_preset
from profiles.gpu_catalog import gpu_catalog, gpu_spec
from profiles.store import check_out_path, write_profile

FIELDS = EstimateSettings.model_fields
TABLE_COLUMNS = (
    ("batch", 6), ("TTFT ms", 10), ("TPOT ms", 9), ("E2E ms", 10), ("decode tok/s", 13),
    ("req/s", 9), ("mem GiB", 9), ("MBU", 6), ("MFU", 6),
)


def _help(field: str) -> str:
    info = FIELDS[field]
    default = info.default
    if default is None:  # the description says what happens without the flag
        return info.description
    shown = ",".join(map(str, default)) if isinstance(default, tuple) else default
    return f"{info.description} Default: {shown}."


def register(subparsers) -> None:
    """Add `estimate` and `calibrate`."""
    est = subparsers.add_parser(
        "estimate", help="estimate a profile from the model and GPU catalogs (roofline, labelled ESTIMATE)",
        description="Write a profile for a catalog model on a catalog GPU without measuring: decode from "
                    "bandwidth, prefill from FLOP/s, with published (or calibrated) efficiencies.",
    )
    est.add_argument("--model", required=True, help="Model preset, e.g. llama-3.1-8b.")
    est.add_argument("--gpu", help="Catalog GPU, e.g. h100-sxm (optional with --calibration: "
                                   "then the calibrated machine itself).")
    est.add_argument("--gpus", type=int, help=_help("gpus"))
    est.add_argument("--dtype", default=FIELDS["dtype"].default, help=_help("dtype"))
    est.add_argument("--kv-dtype", help=_help("kv_dtype"))
    est.add_argument("--batch-sizes", default=",".join(map(str, FIELDS["batch_sizes"].default)),
                     help=_help("batch_sizes") + " Comma-separated.")
    est.add_argument("--input-tokens", type=int, default=FIELDS["input_tokens"].default,
                     help=_help("input_tokens"))
    est.add_argument("--output-tokens", type=int, default=FIELDS["output_tokens"].default,
                     help=_help("output_tokens"))
    est.add_argument("--calibration",
                     help="Calibration file from `profiles calibrate` (replaces the defaults).")
    est.add_argument("--format", choices=("table", "json"), default="table", help="Output format.")
    est.add_argument("--out", help="Write the profile to this file (atomically).")
    est.set_defaults(handler=run_estimate)

    cal = subparsers.add_parser(
        "calibrate", help="fit MBU, MFU and overheads from a measured profile",
        description="Fit the estimator's efficiencies from a measured profile and save them for "
                    "`estimate --calibration FILE`.",
    )
    cal.add_argument("profile", help="Measured profile JSON.")
    cal.add_argument("--out", help="Calibration file to write (default: print it).")
    cal.set_defaults(handler=run_calibrate)


def parse_batch_sizes(text: str) -> tuple[int, ...]:
    """'1,4,16' → (1, 4, 16); ValueError on anything else."""
    try:
        values = tuple(int(part) for part in text.split(",") if part.strip())
    except ValueError:
        raise ValueError(f"--batch-sizes: expected comma-separated integers, got {text!r}") from None
    if not values:
        raise ValueError("--batch-sizes: give at least one batch size")
    return values


def settings_from_args(args) -> EstimateSettings:
    """EstimateSettings from the parsed flags; ValueError naming the flag."""
    try:
        return EstimateSettings(
            gpus=args.gpus, dtype=args.dtype, kv_dtype=args.kv_dtype,
            batch_sizes=parse_batch_sizes(args.batch_sizes),
            input_tokens=args.input_tokens, output_tokens=args.output_tokens,
        )
    except ValidationError as exc:
        raise ValueError(describe_validation_error(exc, prefix="--").replace("_", "-")) from None


def run_estimate(args) -> int:
    if args.model not in model_catalog():
        model_preset(args.model)  # raises, listing the known presets
    settings = settings_from_args(args)
    if args.out is not None:
        check_out_path(args.out)
    command = "python -m profiles " + shlex.join(sys.argv[1:]) if sys.argv[1:] else None
    if args.calibration is not None:
        calibration = load_calibration(args.calibration, field="--calibration")
        efficiency = calibration.efficiency
        if args.gpu is None:
            if settings.dtype != calibration.source.dtype:
                raise ValueError(f"--dtype {settings.dtype}: the calibrated machine was measured at "
                                 f"{calibration.source.dtype}; estimate a catalog --gpu to change dtype")
            gpu = calibration.hardware_spec()
        else:
            gpu = gpu_spec(args.gpu)
    else:
        if args.gpu is None:
            raise ValueError(
                f"--gpu is required (without --calibration); known: {', '.join(sorted(gpu_catalog()))}")
        gpu = gpu_spec(args.gpu)
        efficiency = None
    kwargs = {"efficiency": efficiency} if efficiency is not None else {}
    profile = estimate_profile(args.model, gpu, settings, command=command, **kwargs)
    if settings.gpus is None and profile.hardware.gpu_count > 1:
        print(f"note: {args.model} at {settings.dtype} does not fit on one {gpu.name}; estimated with the "
              f"minimum, --gpus {profile.hardware.gpu_count:g}", file=sys.stderr)
    if args.out is not None:
        write_profile(profile, args.out)
    if args.format == "json":
        print(profile.model_dump_json(indent=2, exclude_none=True))
    else:
        print(format_table(profile))
    if args.out is not None:
        print(f"wrote {args.out}", file=sys.stderr if args.format == "json" else sys.stdout)
    return 0


def _cell(value: float | None, fmt: str) -> str:
    return "-" if value is None else format(value, fmt)


def format_table(profile: Profile) -> str:
    """The estimate as a plain-text table, headed ESTIMATE, with every assumption listed below it."""
    hw, wl = profile.hardware, profile.workload
    lines = [
        f"ESTIMATE (not a measurement): {profile.model.name} {profile.model.dtype} on "
        f"{hw.gpu_count:g} × {hw.name}, {wl.input_tokens} input / {wl.output_tokens} output tokens",
        "  ".join(name.rjust(width) for name, width in TABLE_COLUMNS),
    ]
    for p in profile.points:
        if p.oom:
            cells = [str(p.batch_size), "oom", "", "", "", "", _cell(p.analytic_memory_gib, ".1f"), "", ""]
        else:
            cells = [
                str(p.batch_size), _cell(p.ttft_ms.mean, ".1f"), _cell(p.tpot_ms.mean, ".2f"),
                _cell(p.e2e_ms.mean, ".0f"), _cell(p.decode_tokens_per_s, ".0f"),
                _cell(p.requests_per_s, ".2f"), _cell(p.analytic_memory_gib, ".1f"), _cell(p.mbu_spec, ".2f"),
                _cell(p.mfu_spec, ".2f"),
            ]
        lines.append("  ".join(c.rjust(width) for c, (_, width) in zip(cells, TABLE_COLUMNS, strict=True)))
    lines.append("Assumed:")
    lines.extend(f"  - {a}" for a in profile.assumptions)
    lines.extend(f"Note: {n}" for n in profile.notes)
    return "\n".join(lines)


def run_calibrate(args) -> int:
    if args.out is not None:
        check_out_path(args.out)
    profile = load_profile(args.profile)
    calibration = calibrate(profile, origin=args.profile)
    if args.out is not None:
        write_calibration(calibration, args.out)
        eff = calibration.efficiency
        print(
            f"wrote {args.out}: MBU {eff.mbu:.3g}, prefill MFU {eff.mfu:.3g} (+ {eff.prefill_layer_ms:.3g} "
            f"ms per layer), decode MFU {eff.decode_mfu:.3g}, "
            f"overhead {eff.step_overhead_ms:.3g} ms/step, {eff.prefill_overhead_ms:.3g} ms/prefill; "
            f"fitted: {', '.join(calibration.fitted) or 'none'}; reproduces decode tokens/s within "
            f"{calibration.decode_max_relative_error:.1%}"
        )
    else:
        print(calibration.model_dump_json(indent=2, exclude_none=True))
    return 0
