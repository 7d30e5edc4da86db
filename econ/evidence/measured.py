"""A scenario's quality rates measured from graded samples (`quality.evidence`), and what they imply.

Imports `econ.base`, `econ.model` (the `Evidence` pointer of the quality block, and `uncertainty`) and
the other evidence modules. `measured`
reads the file once per (path, size, mtime), takes the fallback rate, the residual error rate and the
teacher's error rate at that threshold (production rows when there are any), and rejects a typed value
of a rate the evidence measures, naming both fields. The warnings about production traffic follow the
evidence; the Monte Carlo draws measured rates from their Jeffreys Beta posteriors and the tornado
moves them across their 95% Wilson intervals.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from pathlib import Path

from econ.base.errors import FieldError
from econ.evidence.proportions import POINTS, Proportion
from econ.evidence.rates import MAX_HALF_WIDTH, EvidenceRates, GradedSampleRates, quality_evidence
from econ.evidence.samples import SamplesError, load_samples
from econ.model.labels import field_name
from econ.model.quality import (
    ALWAYS_MEASURED,
    FALLBACK,
    STUDENT_ERROR,
    TEACHER_ERROR,
    Evidence,
    conflict_message,
)
from econ.model.uncertainty import Beta, UncertainInput

EVIDENCE_CACHE_FILES = 8  # evidence files kept parsed (a 50 MiB file is ~40 MB of arrays)


@functools.lru_cache(maxsize=EVIDENCE_CACHE_FILES)
def _evidence(path: str, size: int, mtime_ns: int) -> GradedSampleRates:
    return quality_evidence(load_samples(path))


def evidence_of(path: str) -> GradedSampleRates:
    """The evidence in a samples file, parsed once per (path, size, modification time)."""
    p = Path(path)
    try:
        stat = p.stat()
        return _evidence(str(p.resolve()), stat.st_size, stat.st_mtime_ns)
    except OSError as exc:
        raise FieldError("quality.evidence.path", f"{path}: cannot read ({exc.strerror})") from None
    except SamplesError as exc:
        raise FieldError("quality.evidence.path", str(exc)) from None


def measured_fields(evidence: Evidence) -> set[str]:
    """The quality fields an evidence block measures (what static_conflicts knows if its file cannot be
    read)."""
    fields = set(ALWAYS_MEASURED) | ({FALLBACK} if evidence.router_threshold is not None else set())
    try:
        found = evidence_of(evidence.path)
    except ValueError:
        return fields
    if found.router is not None:
        fields.add(FALLBACK)
    if found.teacher_error is not None:
        fields.add(TEACHER_ERROR)
    return fields


@dataclass(frozen=True)
class MeasuredQuality:
    """The rates a scenario takes from its evidence, and where they come from."""

    evidence: GradedSampleRates
    at: EvidenceRates
    rates: dict[str, float]  # the measured rates by scenario field name

    @property
    def proportions(self) -> dict[str, Proportion]:
        """Measured proportions by field name; fallback only where a threshold above 0 makes it uncertain."""
        out = {STUDENT_ERROR: self.at.error}
        if self.at.fallback is not None and (self.at.threshold or 0) > 0:
            out[FALLBACK] = self.at.fallback
        if self.at.teacher_error is not None:
            out[TEACHER_ERROR] = self.at.teacher_error
        return out


def measured(evidence: Evidence, typed: set[str]) -> MeasuredQuality:
    """Read the evidence and take its rates at the router threshold; typed values of measured rates
    conflict."""
    found = evidence_of(evidence.path)
    if evidence.router_threshold is not None and found.router is None:
        raise FieldError("quality.evidence.router_threshold",
                         f"{found.origin} has no student_confidence column, "
                         "so there is no router threshold to set")
    at = found.rates_at(evidence.router_threshold)
    rates = {STUDENT_ERROR: at.error.rate}
    if at.fallback is not None:
        rates[FALLBACK] = at.fallback.rate
    if at.teacher_error is not None:
        rates[TEACHER_ERROR] = at.teacher_error.rate
    for field in rates:
        if field in typed:
            raise FieldError("quality", conflict_message(field))
    return MeasuredQuality(found, at, rates)


def evidence_warnings(m: MeasuredQuality) -> list[str]:
    """What the evidence says about the rates: production or not, enough rows, the gap, assumptions left."""
    e, out = m.evidence, []
    production = e.production
    if production is None or production.total <= 0:
        out.append(f"the student's quality was not measured on production traffic: {e.origin} has no "
                   "production rows, and non-production samples usually flatter the student")
    elif (production.ci95[1] - production.ci95[0]) / 2 > MAX_HALF_WIDTH:
        half = (production.ci95[1] - production.ci95[0]) / 2 * POINTS
        out.append(f"the student's quality was measured on only {production.rows:,} production rows: its "
                   f"error rate {production.rate:.1%} is known to ±{half:.1f} points (more than "
                   f"±{MAX_HALF_WIDTH * POINTS:.0f})")
    gap = e.production_gap
    if gap is not None and gap.precise and gap.significant:
        out.append(f"measured on production traffic: {gap.words()}; the scenario uses the production rates")
    if m.at.fallback is None:
        out.append(f"the fallback share {field_name('quality.' + FALLBACK)} is an assumption (typed, not "
                   "measured): the evidence has no student_confidence column")
    elif m.at.teacher_error is None and (m.at.threshold or 0) > 0:
        out.append("teacher errors among fallbacks are assumed 0 (the evidence has no teacher_correct "
                   "column): the measured error rate is a lower bound")
    return out


def posterior_mean_sd(p: Proportion) -> tuple[float, float]:
    """Mean and sd of the Jeffreys posterior Beta(x + 1/2, n − x + 1/2) (effective counts)."""
    a, b = p.posterior()
    total = a + b
    return a / total, math.sqrt(a * b / (total**2 * (total + 1)))


def measured_inputs(m: MeasuredQuality | None) -> dict[str, UncertainInput]:
    """Each measured rate as an uncertain input: its Beta posterior (Monte Carlo), its 95% Wilson interval
    (tornado).

    A Beta(mean, sd) with the posterior's mean and sd is that same Beta(x + 1/2, n − x + 1/2).
    """
    if m is None:
        return {}
    out = {}
    for name, p in m.proportions.items():
        mean, sd = posterior_mean_sd(p)
        out[name] = UncertainInput(input=name, distribution=Beta(mean=mean, sd=sd), low=p.ci95[0],
                                   high=p.ci95[1])
    return out
