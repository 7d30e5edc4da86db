"""A quiet Ctrl-C for `python -m econ`: exit 130 at any moment, never a KeyboardInterrupt traceback.

Imports the standard library only. Python runs `econ/__init__.py` (numpy, pandas, pydantic: about a
second) before `econ/__main__.py`, whose own try/except could catch nothing yet. Importing this module
(the first line of `econ/__init__.py`) therefore replaces the SIGINT handler, only when this process
is `python -m econ` and only in its main thread; an `import econ` anywhere else (a script, the app,
a notebook, another `-m` program) is untouched. The CLI only reads files and prints, so exiting at
once loses nothing.
"""

from __future__ import annotations

import os
import signal
import sys

EXIT_INTERRUPTED = 130  # 128 + SIGINT, the shell's convention


def _exit_quietly(_signum, _frame) -> None:
    os._exit(EXIT_INTERRUPTED)


def running_econ_cli() -> bool:
    """Whether this process was started as `python [options] -m econ ...`."""
    argv = getattr(sys, "orig_argv", [])
    return any(arg == "-m" and argv[i + 1:i + 2] == ["econ"] for i, arg in enumerate(argv))


def quiet_interrupts() -> None:
    """Under `python -m econ`, make Ctrl-C exit quietly with code 130."""
    if running_econ_cli():
        try:
            signal.signal(signal.SIGINT, _exit_quietly)
        except ValueError:  # not the main thread: signals are not ours to handle
            pass


quiet_interrupts()
