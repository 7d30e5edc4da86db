"""What every command line of the project shares: the one-line error parser, exit codes, bounded numbers.

Imports argparse and sys only. `python -m econ` and `python -m profiles` both build their parsers on
`OneLineParser`, so a bad option reads the same everywhere: one line on stderr and exit code 2.
"""

from __future__ import annotations

import argparse
import sys

EXIT_BAD_INPUT = 2


class OneLineParser(argparse.ArgumentParser):
    """argparse whose bad-option message is one line and exit code 2 (not a usage block)."""

    def error(self, message):
        print(f"error: {self.prog}: {message}", file=sys.stderr)
        raise SystemExit(EXIT_BAD_INPUT)


def bounded_int(low: int, high: int):
    """An argparse type: a whole number in [low, high], else one line naming the value and the range."""
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{value} is not between {low:,} and {high:,}")
        return value
    return parse
