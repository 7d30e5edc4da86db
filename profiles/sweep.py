"""The backend-neutral sweep: the rules every measuring backend shares, whatever it runs.

Torch-free and HTTP-free: imports the standard library only, so the static-batch loop over
transformers and the endpoint load generator count, warm up and stop the same way.
- Warm-up: untimed runs until a minimum time has passed (not counted).
- The one repeat-until-minimums rule: a point is done when it has both a minimum count *and* a
  minimum duration (or hits the cap).
- Out of memory at one point is a result (the caller records an OOM point); every other error
  propagates.
- Ctrl-C during a sweep keeps the finished points and marks the result interrupted (the profile is
  written with partial=true); Ctrl-C before any point finished propagates.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")
V = TypeVar("V")


def minimums_met(count: int, elapsed_s: float, min_count: int, min_seconds: float,
                 max_count: int | None = None) -> bool:
    """True once count ≥ min_count and elapsed_s ≥ min_seconds, or count reached max_count."""
    if max_count is not None and count >= max_count:
        return True
    return count >= min_count and elapsed_s >= min_seconds


def warm_up(run: Callable[[], object], min_seconds: float) -> None:
    """Untimed runs until min_seconds have passed (at least one)."""
    started = time.perf_counter()
    run()
    while time.perf_counter() - started < min_seconds:
        run()


def repeat_until_minimums(run: Callable[[], T], min_count: int, min_seconds: float, max_count: int,
                          on_run: Callable[[], None] | None = None) -> list[T]:
    """run() until minimums_met. Python's garbage collector is paused meanwhile: a collection inside
    a timed step is a pause of the harness, not of the model."""
    results: list[T] = []
    started = time.perf_counter()
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        while not minimums_met(len(results), time.perf_counter() - started, min_count, min_seconds,
                               max_count):
            results.append(run())
            if on_run is not None:
                on_run()
    finally:
        if gc_was_enabled:
            gc.enable()
    return results


def unless_oom(measure: Callable[[], T], is_oom: Callable[[BaseException], bool],
               cleanup: Callable[[], None]) -> T | None:
    """measure(), or None when it ran out of memory; cleanup() runs either way (after the failed
    frame is released); any other error propagates."""
    try:
        return measure()
    except Exception as exc:  # only out-of-memory is a result; anything else is a bug to show
        if not is_oom(exc):
            raise
        return None
    finally:
        cleanup()


@dataclass(frozen=True)
class SweepResult(Generic[T]):
    points: list[T]
    interrupted: bool


def sweep(values: Iterable[V], measure_one: Callable[[V], T],
          after_point: Callable[[T], None] | None = None) -> SweepResult[T]:
    """measure_one(v) for every v in order; Ctrl-C keeps the finished points (interrupted=True)."""
    points: list[T] = []
    try:
        for value in values:
            point = measure_one(value)
            points.append(point)
            if after_point is not None:
                after_point(point)
    except KeyboardInterrupt:
        if not points:
            raise
        return SweepResult(points=points, interrupted=True)
    return SweepResult(points=points, interrupted=False)
