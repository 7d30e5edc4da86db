"""What every command line of the project shares: the one-line error parser, exit codes, bounded numbers,
output names that cannot be empty.

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
    return _bounded(int, "a whole number", low, high, f"between {low:,} and {high:,}")


def bounded_float(low: float, high: float, unit: str):
    """An argparse type: a finite number of `unit` in [low, high] (NaN and infinity are out of range)."""
    return _bounded(float, "a number", low, high, f"an amount of {unit} between {low:g} and {high:g}")


def output_name(kind: str = "file"):
    """An argparse type: the name of a file or folder to write. An empty or blank name is refused: as a path
    it means the current folder, and writing there overwrites what is in it."""
    def parse(text: str) -> str:
        if not text.strip():
            raise argparse.ArgumentTypeError(f"no {kind} name given")
        return text
    return parse


def _bounded(kind: type, what: str, low, high, range_words: str):
    def parse(text: str):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not {what}") from None
        if not low <= value <= high:  # also refuses NaN
            raise argparse.ArgumentTypeError(f"{text} is not {range_words}")
        return value
    return parse
