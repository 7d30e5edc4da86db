"""Subcommands of `python -m profiles` (filled in by its issue). Registers itself via register(subparsers)."""


def register(subparsers) -> None:
    """Add this module's subcommands."""
