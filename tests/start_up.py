"""Test helpers for Ctrl-C at a known moment of a child Python's start-up (imported as `start_up`).

A child started with `python -X importtime` writes one stderr line as each module finishes importing, so
a test can wait until the child is in the phase it means to interrupt (say, numpy imported while pandas
still loads) and send SIGINT then, instead of sleeping and hoping.
"""

from __future__ import annotations

import os
import re
import subprocess

IMPORT_LINE_PREFIX = "import time:"


def wait_until_imported(process: subprocess.Popen, module: str) -> None:
    """Read the child's stderr (text, from `-X importtime`) until `module` has finished importing.

    Fails with what the child wrote when it ends first."""
    done = re.compile(rf"\|\s+{re.escape(module)}$")
    seen = []
    for line in process.stderr:
        seen.append(line)
        if done.search(line.rstrip("\n")):
            return
    process.wait()
    raise AssertionError(f"the child ended (exit {process.returncode}) before importing {module}:\n"
                         + "".join(seen[-40:]))


def not_import_lines(stderr: str) -> list[str]:
    """The child's own stderr lines, the `-X importtime` report left out."""
    return [line for line in stderr.splitlines() if not line.startswith(IMPORT_LINE_PREFIX)]


def full_pipe() -> tuple[int, int]:
    """(read end, write end) of a pipe whose buffer is already full: a child given the write end as its
    stdout blocks at its first print, so it cannot finish before the test interrupts it."""
    read_end, write_end = os.pipe()
    os.set_blocking(write_end, False)
    try:
        while True:
            os.write(write_end, b"\0" * 65536)
    except BlockingIOError:
        pass
    os.set_blocking(write_end, True)
    return read_end, write_end
