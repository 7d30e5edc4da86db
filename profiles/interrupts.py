"""Ctrl-C held back while native extension modules import.

Imports the standard library only. A KeyboardInterrupt raised inside the initialisation of a native
module is not a clean exit: pydantic-core (Rust, pyo3) panics with a traceback, torch (pybind11) aborts
the process with exit code -6. While such imports run, SIGINT is blocked; once they are done it is
delivered, and the command ends with its one quiet "interrupted" line like any other Ctrl-C.
"""

from __future__ import annotations

import contextlib
import signal


@contextlib.contextmanager
def ctrl_c_deferred():
    """Block SIGINT in this thread for the block (threads started inside inherit the block); a Ctrl-C
    that arrives meanwhile is raised as KeyboardInterrupt when the block ends."""
    can_block = hasattr(signal, "pthread_sigmask")  # POSIX; elsewhere the block runs unprotected
    if can_block:
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        if can_block:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
