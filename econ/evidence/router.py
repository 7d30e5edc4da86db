"""The router curve: fallback rate and residual error rate at every confidence threshold.

Imports numpy and `econ.evidence.samples`/`econ.evidence.proportions`. Semantics (what a router-plus-fallback
system does):
a request whose student confidence is *strictly below* the threshold goes to the teacher; one at or
above it keeps the student's answer. So threshold 0 never falls back, and a request whose confidence
ties the threshold stays with the student. The residual error rate is student errors among kept
requests plus teacher errors among fallbacks (teacher errors assumed 0 without `teacher_correct`).
The rows are sorted by confidence once; cumulative sums of weight, student errors and teacher errors
give every threshold's rates in O(n log n), and any threshold in between is a binary search.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from econ.evidence.proportions import Proportion, wilson_interval
from econ.evidence.samples import GradedSamples

NEVER_FALL_BACK = 0.0  # the threshold at which no confidence is below it


@dataclass(frozen=True)
class ThresholdRates:
    """What the router does at one threshold, as measured proportions with 95% intervals."""

    threshold: float
    fallback: Proportion  # share sent to the teacher
    residual_error: Proportion  # error rate of the whole system (student kept + teacher fallback)


@dataclass(frozen=True)
class RouterCurve:
    """Rates at every distinct threshold (0 and each distinct confidence), from one sorted pass."""

    threshold: np.ndarray  # ascending, starts at 0
    fallback_rate: np.ndarray
    error_rate: np.ndarray
    teacher_graded: bool  # teacher errors among fallbacks measured (else assumed 0)
    _confidence: np.ndarray  # sorted
    _prefix: np.ndarray  # (3, n + 1): cumulative weight, student errors, teacher errors below each row
    _rows: int
    _n_effective: float

    def at(self, threshold: float) -> ThresholdRates:
        """Fallback and residual error at any threshold in [0, 1] (rows below it fall back)."""
        below = int(np.searchsorted(self._confidence, threshold, side="left"))
        total, student_errors, teacher_errors = self._prefix[:, -1]
        fallback_w = self._prefix[0, below]
        residual = (student_errors - self._prefix[1, below]) + self._prefix[2, below]
        counts = np.array([fallback_w, residual])
        n_eff = self._n_effective
        low, high = wilson_interval(counts / total * n_eff, np.full(2, n_eff))
        fallback = Proportion(self._rows, float(total), float(fallback_w), n_eff,
                              (float(low[0]), float(high[0])))
        error = Proportion(self._rows, float(total), float(residual), n_eff, (float(low[1]), float(high[1])))
        return ThresholdRates(float(threshold), fallback, error)


def router_curve(samples: GradedSamples) -> RouterCurve:
    """Sort once by confidence; cumulative sums give fallback and residual error at each distinct
    threshold."""
    if samples.confidence is None:
        raise ValueError(f"{samples.origin}: no student_confidence column, so there is no router curve")
    order = np.argsort(samples.confidence, kind="stable")
    conf = samples.confidence[order]
    w = samples.weight[order]
    student_err = np.where(samples.student_correct[order], 0.0, w)
    teacher_graded = samples.teacher_correct is not None
    teacher_err = np.where(samples.teacher_correct[order], 0.0, w) if teacher_graded else np.zeros_like(w)
    prefix = np.zeros((3, conf.size + 1))
    np.cumsum(w, out=prefix[0, 1:])
    np.cumsum(student_err, out=prefix[1, 1:])
    np.cumsum(teacher_err, out=prefix[2, 1:])
    # The first row of each distinct confidence: at that threshold every row before it falls back.
    first = np.flatnonzero(np.concatenate(([True], conf[1:] != conf[:-1])))
    thresholds = conf[first]
    if thresholds[0] > NEVER_FALL_BACK:
        first = np.concatenate(([0], first))
        thresholds = np.concatenate(([NEVER_FALL_BACK], thresholds))
    total, student_total = prefix[0, -1], prefix[1, -1]
    fallback_rate = prefix[0, first] / total
    error_rate = (student_total - prefix[1, first] + prefix[2, first]) / total
    n_effective = float(total**2 / np.dot(w, w))
    return RouterCurve(thresholds, fallback_rate, error_rate, teacher_graded, conf, prefix, int(conf.size),
                       n_effective)
