"""`python -m profiles import FILE [FILE ...] [--gpus N] --out served.json`: another benchmark's results
as a served profile. Registers itself via register(subparsers).

Imports argparse and the torch-free `profiles.importers`; a bad file is one line (exit 2).
"""

from __future__ import annotations

import argparse
import math

from profiles.importers import imported_profile
from profiles.store import write_profile


def handle_import(args: argparse.Namespace) -> int:
    gpus = None
    if args.gpus is not None:
        try:
            gpus = float(args.gpus)
        except ValueError:
            gpus = math.nan
        if not (math.isfinite(gpus) and gpus > 0):
            raise ValueError(f"--gpus: expected a positive number, got {args.gpus!r}")
    profile = imported_profile(args.files, gpus)
    path = write_profile(profile, args.out)
    print(f"imported {len(profile.points)} point(s) from {profile.imported.tool} into {path}")
    for note in profile.notes[1:]:
        print(f"note: {note}")
    return 0


def register(subparsers) -> None:
    """Add `import`."""
    command = subparsers.add_parser(
        "import", help="Turn another benchmark's result files into a served profile (vllm bench serve "
        "--save-result JSON; one file per load).")
    command.add_argument("files", nargs="+", metavar="FILE", help="Result files, one load each.")
    command.add_argument("--gpus", metavar="N", help="GPUs behind the benchmarked server (default 1).")
    command.add_argument("--out", required=True, metavar="FILE", help="Served profile to write.")
    command.set_defaults(handler=handle_import)
