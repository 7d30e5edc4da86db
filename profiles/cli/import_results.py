"""`python -m profiles import FILE [FILE ...] [--slo-ttft-ms MS] [--slo-tpot-ms MS] [--attainment F]
[--gpus N] --out served.json`: another benchmark's results as a served profile; with an SLO, the
capacity at it, computed as `profiles load --find-capacity` does. Registers itself via register(subparsers).

Imports argparse and the torch-free `profiles.importers`; a bad file or flag is one line (exit 2).
"""

from __future__ import annotations

import argparse
import math

from profiles.importers import imported_profile
from profiles.load.served import Slo
from profiles.store import write_profile

DEFAULT_ATTAINMENT = 0.99  # as `profiles load`


def _positive(text: str | None, flag: str, most: float = math.inf) -> float | None:
    if text is None:
        return None
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and 0 < value <= most):
        bound = f" and at most {most:g}" if math.isfinite(most) else ""
        raise ValueError(f"{flag}: expected a number above 0{bound}, got {text!r}")
    return value


def _capacity_line(profile) -> str:
    search = profile.capacity
    limits = " and ".join(f"{name} <= {limit:g} ms" for name, limit in
                          (("TTFT", search.slo_ttft_ms), ("TPOT", search.slo_tpot_ms)) if limit is not None)
    share = f"{search.attainment:.0%} of requests with {limits}"
    if search.requests_per_s is None:
        return f"capacity: none of the imported loads had {share}"
    return f"capacity: {search.requests_per_s:.3g} req/s achieved at {search.kind} {search.load:g} ({share})"


def handle_import(args: argparse.Namespace) -> int:
    gpus = _positive(args.gpus, "--gpus")
    slo = Slo(_positive(args.slo_ttft_ms, "--slo-ttft-ms"), _positive(args.slo_tpot_ms, "--slo-tpot-ms"))
    attainment = _positive(args.attainment, "--attainment", 1.0) or DEFAULT_ATTAINMENT
    if args.attainment is not None and not slo.given:
        raise ValueError("--attainment: give --slo-ttft-ms or --slo-tpot-ms too")
    profile = imported_profile(args.files, gpus, slo if slo.given else None, attainment)
    path = write_profile(profile, args.out)
    print(f"imported {len(profile.points)} point(s) from {profile.imported.tool} into {path}")
    if profile.capacity is not None:
        print(_capacity_line(profile))
    for note in profile.notes[1:]:
        print(f"note: {note}")
    return 0


def register(subparsers) -> None:
    """Add `import`."""
    command = subparsers.add_parser(
        "import", help="Turn another benchmark's result files into a served profile: `vllm bench serve "
        "--save-result` JSON (one load each), `vllm bench sweep serve` summary.csv, GuideLLM's benchmarks "
        "JSON, AIPerf's profile_export_aiperf.json (one load each).")
    command.add_argument("files", nargs="+", metavar="FILE", help="Result files of one tool.")
    command.add_argument("--slo-ttft-ms", metavar="MS", help="TTFT limit per request: record each load's "
                         "SLO attainment and the capacity at the SLO.")
    command.add_argument("--slo-tpot-ms", metavar="MS", help="TPOT limit per request (first token excluded).")
    command.add_argument("--attainment", metavar="F", help="Share of requests that must meet every SLO for "
                         f"a load to pass (default {DEFAULT_ATTAINMENT}, as `profiles load`).")
    command.add_argument("--gpus", metavar="N", help="GPUs behind the benchmarked server (default 1).")
    command.add_argument("--out", required=True, metavar="FILE", help="Served profile to write.")
    command.set_defaults(handler=handle_import)
