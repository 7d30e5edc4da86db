"""`python -m profiles`: argparse entry point. Each group of subcommands registers itself from its own module.

Imports argparse and the command modules; torch is imported only inside the measuring commands'
handlers. Handlers return an exit code; a ValueError (bad input) becomes one line on stderr and exit 2.
"""

from __future__ import annotations

import argparse
import os
import sys

from econ.cli.args import EXIT_BAD_INPUT, OneLineParser
from profiles.cli import catalogs as commands_catalogs
from profiles.cli import distill as commands_distill
from profiles.cli import estimate as commands_estimate
from profiles.cli import import_results as commands_import
from profiles.cli import load as commands_load
from profiles.cli import measure as commands_measure
from profiles.cli import store as commands_store

EXIT_ENVIRONMENT = 1
EXIT_INTERRUPTED = 130


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog="python -m profiles",
        description="Measure or estimate LLM serving and training throughput; write profile files for econ.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in (commands_measure, commands_distill, commands_load, commands_estimate, commands_store,
                   commands_catalogs, commands_import):
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        return int(args.handler(args) or 0)
    except ValueError as exc:  # bad input: one clear line, no traceback
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # output piped into `head` and closed early: not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except OSError as exc:  # the file system refused a write that passed its checks (disk full, ...)
        print(f"error: {exc.filename or 'output'}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_ENVIRONMENT


if __name__ == "__main__":
    sys.exit(main())
