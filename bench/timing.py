"""Shared timing helper of the benchmark scripts (imported as `timing` from the bench/ folder)."""

from __future__ import annotations

import time


def best_of(fn, repeats: int) -> float:
    """Fastest wall time of `repeats` calls, seconds (the least disturbed by other load)."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)
