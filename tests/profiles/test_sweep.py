"""The backend-neutral sweep: both minimums, warm-up not counted, OOM is a point, Ctrl-C keeps what
finished."""

from __future__ import annotations

import pytest

from profiles.sweep import minimums_met, repeat_until_minimums, sweep, unless_oom, warm_up


def test_a_point_needs_both_the_count_and_the_duration():
    assert not minimums_met(10, 0.5, min_count=10, min_seconds=1.0)
    assert not minimums_met(9, 2.0, min_count=10, min_seconds=1.0)
    assert minimums_met(10, 1.0, min_count=10, min_seconds=1.0)
    assert minimums_met(3, 0.0, min_count=10, min_seconds=1.0, max_count=3)  # the cap ends it


def test_repeat_until_minimums_runs_exactly_the_minimum_count_when_time_is_not_binding():
    calls = []
    out = repeat_until_minimums(lambda: calls.append(1) or len(calls), 5, 0.0, 100, on_run=None)
    assert out == [1, 2, 3, 4, 5]


def test_warm_up_runs_at_least_once_and_is_not_counted():
    calls = []
    warm_up(lambda: calls.append(1), 0.0)
    assert calls == [1]


class FakeOom(RuntimeError):
    pass


def test_out_of_memory_is_a_result_and_cleanup_runs_either_way():
    cleaned = []

    def boom():
        raise FakeOom("out of memory")

    assert unless_oom(boom, lambda e: isinstance(e, FakeOom), lambda: cleaned.append(1)) is None
    assert unless_oom(lambda: 7, lambda e: True, lambda: cleaned.append(1)) == 7
    with pytest.raises(ValueError):  # anything but OOM propagates
        unless_oom(lambda: int("x"), lambda e: isinstance(e, FakeOom), lambda: cleaned.append(1))
    assert cleaned == [1, 1, 1]


def test_ctrl_c_keeps_finished_points_and_marks_the_sweep_interrupted():
    def measure(value):
        if value == 3:
            raise KeyboardInterrupt
        return value * 10

    result = sweep([1, 2, 3, 4], measure)
    assert result.points == [10, 20] and result.interrupted
    with pytest.raises(KeyboardInterrupt):  # nothing finished: nothing to keep
        sweep([3], measure)
    done = sweep([1, 2], measure)
    assert done.points == [10, 20] and not done.interrupted
