"""Quality evidence: error rates per source, the production gap and the router curve, from graded samples.

Imports numpy, pandas and the `econ` evidence modules (samples, proportions, router). Everything here is a
measurement of the graded samples given, labelled as such: per-source error rates with 95% Wilson
intervals, the gap between production and the other sources (a difference of two independent
proportions), and the router curve on production rows (all rows, with a warning, when there are
none). `rates_at(threshold)` gives what a scenario takes from the evidence.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from econ.evidence.proportions import (
    POINTS,
    Proportion,
    difference_interval,
    proportion,
    proportions,
)
from econ.evidence.router import RouterCurve, ThresholdRates, router_curve
from econ.evidence.samples import PRODUCTION, GradedSamples

# "Too few for an interval narrower than ±5 points" (issue 11): the precision a decision needs.
MAX_HALF_WIDTH = 0.05


@dataclass(frozen=True)
class Gap:
    """Production error rate minus the other sources' (pooled), with a 95% interval; rates as fractions."""

    difference: float
    ci95: tuple[float, float]
    others: tuple[str, ...]

    @property
    def significant(self) -> bool:
        return self.ci95[0] > 0 or self.ci95[1] < 0

    @property
    def precise(self) -> bool:
        return (self.ci95[1] - self.ci95[0]) / 2 <= MAX_HALF_WIDTH

    def to_dict(self) -> dict:
        return {"points": self.difference * POINTS, "ci95": [v * POINTS for v in self.ci95],
                "others": list(self.others)}

    def words(self) -> str:
        """'the synthetic validation set flatters the student by 7.0 points (95% CI 4.1–9.9)'."""
        low, high = (v * POINTS for v in self.ci95)
        interval = f"95% CI {low:.1f}–{high:.1f}" if low >= 0 else f"95% CI {low:.1f} to {high:.1f}"
        names = " + ".join(self.others)
        subject = f"the {names} validation set" + ("s" if len(self.others) > 1 else "")
        verb = "flatter" if len(self.others) > 1 else "flatters"
        points = abs(self.difference) * POINTS
        if not self.precise:
            return (f"too few rows to measure the gap within ±{MAX_HALF_WIDTH * POINTS:.0f} points: "
                    f"production minus {subject} is {self.difference * POINTS:+.1f} points ({interval})")
        if self.significant and self.difference > 0:
            return f"{subject} {verb} the student by {points:.1f} points ({interval})"
        if self.significant:
            return f"the student errs {points:.1f} points less on production than on {subject} ({interval})"
        difference = self.difference * POINTS
        return f"no significant gap: production minus {subject} is {difference:+.1f} points ({interval})"


@dataclass(frozen=True)
class EvidenceRates:
    """What a scenario takes from the evidence at one router threshold."""

    threshold: float | None  # None: no confidence column, no router
    fallback: Proportion | None
    error: Proportion  # the distilled system's error rate (residual error at the threshold)
    teacher_error: Proportion | None  # None without teacher_correct
    on_production: bool


@dataclass(frozen=True)
class GradedSampleRates:
    """Measured quality of a student from graded samples: rates with intervals, the production gap, the
    router curve.

    Not `econ.model.quality.Evidence`, which is the scenario's pointer to the samples file.
    """

    origin: str
    rows: int
    weighted: bool
    sources: dict[str, Proportion]  # errors per source
    production_gap: Gap | None
    router: RouterCurve | None
    router_on_production: bool
    teacher_error: Proportion | None  # on the router's rows (production when there are any)
    warnings: tuple[str, ...]

    @property
    def production(self) -> Proportion | None:
        return self.sources.get(PRODUCTION)

    def rates_at(self, threshold: float | None) -> EvidenceRates:
        """Fallback, residual error and teacher error at `threshold` (None: no router, the student's own
        rate)."""
        if threshold is not None and self.router is None:
            raise ValueError(f"{self.origin}: a router threshold needs a student_confidence column")
        if self.router is None:
            error = self.production or _pooled(self.sources)
            return EvidenceRates(None, None, error, self.teacher_error, self.router_on_production)
        at: ThresholdRates = self.router.at(0.0 if threshold is None else threshold)
        return EvidenceRates(at.threshold, at.fallback, at.residual_error, self.teacher_error,
                             self.router_on_production)

    def to_frame(self) -> pd.DataFrame:
        """One row per source: source, rows, n (Σw), errors (Σw), error_rate, ci95_low, ci95_high,
        n_effective."""
        return pd.DataFrame([{"source": name, "rows": p.rows, "n": p.total, "errors": p.count,
                              "error_rate": p.rate, "ci95_low": p.ci95[0], "ci95_high": p.ci95[1],
                              "n_effective": p.n_effective}
                             for name, p in self.sources.items()])

    def measured_on(self) -> str:
        """Which rows the rates are measured on, in words."""
        rows = self.production.rows if self.production else self.rows
        kind = "production" if self.production else "non-production (no production rows)"
        return f"measured on {rows:,} graded {kind} rows of {self.origin}"


def _pooled(sources: dict[str, Proportion]) -> Proportion:
    parts = list(sources.values())
    total = sum(p.total for p in parts)
    # Σw² of the pool from each part's n_eff: Σw² = (Σw)² / n_eff.
    sum_sq = sum(p.total**2 / p.n_effective for p in parts if p.n_effective > 0)
    return proportions(np.array([sum(p.rows for p in parts)]), np.array([total]),
                       np.array([sum(p.count for p in parts)]), np.array([sum_sq]))[0]


def source_rates(samples: GradedSamples) -> dict[str, Proportion]:
    """Error rate per source: weighted counts by bincount over the source codes (one pass each)."""
    codes, w, groups = samples.source_code, samples.weight, len(samples.source_names)
    errors = np.where(samples.student_correct, 0.0, w)
    found = proportions(np.bincount(codes, minlength=groups), np.bincount(codes, weights=w, minlength=groups),
                        np.bincount(codes, weights=errors, minlength=groups),
                        np.bincount(codes, weights=w * w, minlength=groups))
    return dict(zip(samples.source_names, found, strict=True))


def _gap(sources: dict[str, Proportion]) -> Gap | None:
    others = {k: v for k, v in sources.items() if k != PRODUCTION and v.total > 0}
    production = sources.get(PRODUCTION)
    if production is None or production.total <= 0 or not others:
        return None
    pooled = _pooled(others)
    return Gap(production.rate - pooled.rate, difference_interval(production, pooled), tuple(sorted(others)))


def _warnings(samples: GradedSamples, sources: dict[str, Proportion], gap: Gap | None) -> list[str]:
    out = []
    if samples.ignored_columns:
        out.append(f"columns ignored: {', '.join(samples.ignored_columns)}")
    production = sources.get(PRODUCTION)
    if production is None or production.total <= 0:
        out.append("no production rows: every rate here is measured on non-production samples, which usually "
                   "flatter the student; the router curve uses all rows")
    elif (production.ci95[1] - production.ci95[0]) / 2 > MAX_HALF_WIDTH:
        out.append(f"only {production.rows:,} production rows: the production error rate's 95% interval is "
                   f"wider than ±{MAX_HALF_WIDTH * POINTS:.0f} points")
    if gap is not None and not gap.precise:
        out.append(gap.words())
    if samples.confidence is None:
        out.append("no student_confidence column: no router curve (fallback rate not measured)")
    elif samples.teacher_correct is None:
        out.append("no teacher_correct column: teacher errors among fallbacks are assumed 0, so the residual "
                   "error rate is a lower bound")
    return out


def quality_evidence(samples: GradedSamples) -> GradedSampleRates:
    """Per-source rates, the production gap and the router curve of graded samples."""
    sources = source_rates(samples)
    gap = _gap(sources)
    production = samples.is_source(PRODUCTION) & (samples.weight > 0)
    on_production = bool(production.any())
    routed = samples.subset(production) if on_production else samples
    teacher = None
    if routed.teacher_correct is not None:
        teacher = proportion(routed.weight, ~routed.teacher_correct)
    router = router_curve(routed) if routed.confidence is not None else None
    return GradedSampleRates(
        origin=samples.origin, rows=samples.rows, weighted=samples.weighted, sources=sources,
        production_gap=gap, router=router, router_on_production=on_production, teacher_error=teacher,
        warnings=tuple(_warnings(samples, sources, gap)),
    )
