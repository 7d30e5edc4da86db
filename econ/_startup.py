"""A quiet Ctrl-C while `python -m econ` loads: exit 130, no KeyboardInterrupt traceback from the imports.

Imports the standard library only. Python runs `econ/__init__.py` (numpy, pandas, pydantic: about a
second) before `econ/__main__.py`, whose own try/except can catch nothing yet. Importing this module
(the first line of `econ/__init__.py`) replaces the SIGINT handler, only under `python -m` and in the
main thread, and only until `econ` has loaded (`restore_interrupts()`, its last line); an `import econ`
anywhere else (a script, the app, a notebook) is untouched.
"""

from __future__ import annotations

import os
import signal
import sys
import threading

EXIT_INTERRUPTED = 130  # 128 + SIGINT, the shell's convention
_previous: list = []


def _exit_quietly(_signum, _frame) -> None:
    os._exit(EXIT_INTERRUPTED)  # nothing is half-done while modules load: no clean-up to run


def quiet_interrupts() -> None:
    """Under `python -m` in the main thread, make Ctrl-C exit quietly until restore_interrupts()."""
    if sys.argv[:1] == ["-m"] and threading.current_thread() is threading.main_thread():
        _previous.append(signal.signal(signal.SIGINT, _exit_quietly))


def restore_interrupts() -> None:
    """Put back the SIGINT handler quiet_interrupts() replaced."""
    while _previous:
        signal.signal(signal.SIGINT, _previous.pop())


quiet_interrupts()
