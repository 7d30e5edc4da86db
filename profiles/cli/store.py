"""`list`, `show`, `compare` and `validate`: reading profile files. Registers via register(subparsers).

Torch-free: imports argparse, the profile schema and `profiles.store` only, so these work on a machine
with nothing but pydantic (a test proves it with torch blocked).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from econ.io.formats import si
from econ.model.profile import Point, Profile, ProfileError, load_profile
from profiles.store import DATA_DIR, list_profiles

# Point metrics shown by `show` and compared by `compare`: (label, getter, higher is better).
POINT_METRICS: tuple[tuple[str, Callable[[Point], float | None], bool], ...] = (
    ("TTFT p50 ms", lambda p: p.ttft_ms.p50 if p.ttft_ms else None, False),
    ("TTFT p99 ms", lambda p: p.ttft_ms.p99 if p.ttft_ms else None, False),
    ("TPOT p50 ms", lambda p: p.tpot_ms.p50 if p.tpot_ms else None, False),
    ("TPOT p99 ms", lambda p: p.tpot_ms.p99 if p.tpot_ms else None, False),
    ("ITL p99 ms", lambda p: p.itl_ms.p99 if p.itl_ms else None, False),
    ("prefill tok/s", lambda p: p.prefill_tokens_per_s, True),
    ("decode tok/s", lambda p: p.decode_tokens_per_s, True),
    ("requests/s", lambda p: p.requests_per_s, True),
    ("peak GiB", lambda p: p.peak_memory_gib, False),
    ("MBU", lambda p: p.mbu, True),
    ("MFU", lambda p: p.mfu, True),
    ("J/token", lambda p: p.energy_j_per_token, False),
)


def fmt(value: float | None, digits: int = 4) -> str:
    """Readable number: 196G / 1.2M above a million, 16,731 above a thousand (econ.io.formats.si, as the
    app)."""
    return si(value, digits)


def table(header: list[str], rows: list[list[str]], left: int = 1) -> str:
    """The first `left` columns left-aligned, the others right-aligned, widths fitted to the content."""
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    lines = []
    for row in [header, *rows]:
        cells = [str(c).ljust(w) if i < left else str(c).rjust(w)
                 for i, (c, w) in enumerate(zip(row, widths, strict=True))]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def describe(profile: Profile) -> str:
    """One line: model, dtype, hardware, workload, provenance."""
    flags = " PARTIAL" if profile.partial else ""
    return (f"{profile.model.name} {profile.model.dtype} on {profile.hardware.name} "
            f"({profile.hardware.device}), {profile.workload.input_tokens} in / "
            f"{profile.workload.output_tokens} out, {profile.provenance}{flags}")


def handle_list(args: argparse.Namespace) -> int:
    folder = Path(args.folder) if args.folder else DATA_DIR
    if not folder.is_dir():
        raise ValueError(f"{folder}: no such folder")
    rows = []
    for path, item in list_profiles(folder):
        if isinstance(item, ProfileError):
            rows.append([path.name, "INVALID", str(item).split(": ", 1)[-1][:80], "", "", ""])
            continue
        fitting = item.fitting_points()
        best = max((p.decode_tokens_per_s or 0 for p in fitting), default=None)
        rows.append([path.name, item.provenance + (" partial" if item.partial else ""),
                     f"{item.model.name} {item.model.dtype}", item.hardware.name,
                     f"{item.workload.input_tokens}/{item.workload.output_tokens}",
                     fmt(best)])
    if not rows:
        print(f"no profiles in {folder}")
        return 0
    print(table(["file", "provenance", "model", "hardware", "in/out", "best decode tok/s"], rows, left=5))
    return 0


def handle_show(args: argparse.Namespace) -> int:
    profile = load_profile(args.file)
    hw = profile.hardware
    print(describe(profile))
    parameters = f"{profile.model.parameters:,}" if profile.model.parameters else "not reported"
    print(f"parameters {parameters} ({profile.model.source}); "
          f"bandwidth measured {fmt(hw.bandwidth_gb_per_s_measured)} GB/s, spec "
          f"{fmt(hw.bandwidth_gb_per_s_spec)} GB/s; FLOP/s measured {fmt(hw.flop_per_s_measured)}, spec "
          f"{fmt(hw.flop_per_s_spec)}")
    header = ["load" if profile.served else "batch", *[label for label, _, _ in POINT_METRICS], "runs"]
    rows = []
    for p in profile.points:
        label = f"{p.load.kind} {p.load.value:g}" if profile.served else str(p.batch_size)
        if p.oom:
            rows.append([label, "oom", *[""] * len(POINT_METRICS)])
        else:
            rows.append([label, *[fmt(get(p)) for _, get, _ in POINT_METRICS], fmt(p.repeats)])
    print(table(header, rows))
    if profile.training:
        t = profile.training
        print(f"training: {fmt(t.tokens_per_s)} tokens/s at batch {t.batch_size} × {t.seq_len} tokens, "
              f"peak {fmt(t.peak_memory_gib)} GiB, MFU {fmt(t.mfu)} (spec {fmt(t.mfu_spec)})")
    env = profile.environment
    if env:
        print(f"environment: torch {env.torch_version}, transformers {env.transformers_version}, "
              f"threads {env.threads}, driver {env.driver or '-'}, commit {env.git_commit or '-'}"
              f"{', compiled' if env.compiled else ''}")
    for note in [*profile.assumptions, *profile.notes]:
        print(f"- {note}")
    return 0


def ratio(a: float | None, b: float | None) -> str:
    """B / A, or '-' when either is missing or A is zero."""
    if a is None or b is None or a == 0:
        return "-"
    return f"{b / a:.3g}×"


def compare_rows(a: Profile, b: Profile) -> list[list[str]]:
    """Rows [batch, metric, A, B, B/A] for every batch size either profile has."""
    points_a = {p.batch_size: p for p in a.points}
    points_b = {p.batch_size: p for p in b.points}
    rows = []
    for batch in sorted(set(points_a) | set(points_b)):
        pa, pb = points_a.get(batch), points_b.get(batch)
        for label, get, _ in POINT_METRICS:
            va = get(pa) if pa and not pa.oom else None
            vb = get(pb) if pb and not pb.oom else None
            if va is None and vb is None:
                continue
            rows.append([str(batch), label, "oom" if pa and pa.oom else fmt(va),
                         "oom" if pb and pb.oom else fmt(vb), ratio(va, vb)])
    ta = a.training.tokens_per_s if a.training else None
    tb = b.training.tokens_per_s if b.training else None
    if ta is not None or tb is not None:
        rows.append(["train", "training tok/s", fmt(ta), fmt(tb), ratio(ta, tb)])
    return rows


def handle_compare(args: argparse.Namespace) -> int:
    a, b = load_profile(args.a), load_profile(args.b)
    print(f"A: {args.a}: {describe(a)}")
    print(f"B: {args.b}: {describe(b)}")
    if (a.workload.input_tokens,
        a.workload.output_tokens) != (b.workload.input_tokens, b.workload.output_tokens):
        print("warning: the two profiles were measured at different token counts")
    print(table(["batch", "metric", "A", "B", "B/A"], compare_rows(a, b), left=2))
    return 0


def profile_problems(profile: Profile) -> list[str]:
    """Consistency checks beyond the schema: distinct ascending batches, measured fields on fitting points."""
    problems = []
    if profile.served:  # served: distinct ascending loads; a load where every request failed has no latency
        loads = [p.load.value for p in profile.points]
        if loads != sorted(set(loads)):
            problems.append("points: loads must be distinct and ascending")
    else:
        batches = [p.batch_size for p in profile.points]
        if batches != sorted(set(batches)):
            problems.append("points: batch sizes must be distinct and ascending")
    for p in profile.points:
        failed = p.errors is not None and p.requests_per_s == 0
        if not p.oom and not failed and (p.ttft_ms is None or p.tpot_ms is None or p.requests_per_s is None):
            problems.append(
                f"points: batch {p.batch_size} is not oom but lacks ttft_ms, tpot_ms or requests_per_s")
    if not profile.fitting_points():
        problems.append("points: no load completed a request; econ cannot derive capacity" if profile.served
                        else "points: no batch size fits in memory; econ cannot derive capacity")
    return problems


def handle_validate(args: argparse.Namespace) -> int:
    profile = load_profile(args.file)
    problems = profile_problems(profile)
    if problems:
        raise ValueError(f"{args.file}: {'; '.join(problems)}")
    print(f"ok: {args.file}: {describe(profile)}, {len(profile.points)} points")
    return 0


def register(subparsers) -> None:
    """Add `list`, `show`, `compare` and `validate`."""
    p = subparsers.add_parser("list", help="List the profile files in a folder.")
    p.add_argument("folder", nargs="?", metavar="FOLDER", help="Folder to list (default: profiles/data).")
    p.set_defaults(handler=handle_list)
    p = subparsers.add_parser("show", help="Show one profile file.")
    p.add_argument("file", metavar="FILE")
    p.set_defaults(handler=handle_show)
    p = subparsers.add_parser("compare", help="Side-by-side table of two profiles with ratios B/A.")
    p.add_argument("a", metavar="A.json")
    p.add_argument("b", metavar="B.json")
    p.set_defaults(handler=handle_compare)
    p = subparsers.add_parser("validate", help="Check a profile file against the schema (exit 2 if invalid).")
    p.add_argument("file", metavar="FILE")
    p.set_defaults(handler=handle_validate)
