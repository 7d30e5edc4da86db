"""Quality evidence from graded samples: known counts and intervals, the gap, the router curve, properties."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from econ.evidence.proportions import proportion
from econ.evidence.rates import quality_evidence
from econ.evidence.samples import parse_samples

ROOT = Path(__file__).resolve().parents[3]
EXAMPLE = ROOT / "examples" / "quality_samples.csv"


def csv_text(**columns) -> str:
    return pd.DataFrame(columns).to_csv(index=False)


def counts_csv(groups) -> str:
    """Rows with exactly `errors` wrong answers in `rows` rows per source."""
    sources, correct = [], []
    for source, rows, errors in groups:
        sources += [source] * rows
        correct += [0] * errors + [1] * (rows - errors)
    return csv_text(source=sources, student_correct=correct)


def test_54_errors_in_600_production_rows_is_9_percent_with_its_wilson_interval():
    ev = quality_evidence(parse_samples(counts_csv([("production", 600, 54)])))
    p = ev.sources["production"]
    assert (p.rows, p.count, p.rate) == (600, 54, pytest.approx(0.09))
    # Wilson, z = 1.959964, z² = 3.841459, p̂ = 54/600 = 0.09:
    #   centre = (54 + z²/2) / (600 + z²) = 55.920729 / 603.841459 = 0.0926078
    #   half   = z / (600 + z²) · √(600·0.09·0.91 + z²/4) = 0.00324583 · √50.100365 = 0.0229745
    #   → [0.0696334, 0.1155823]
    assert p.ci95 == pytest.approx((0.0696334, 0.1155823), abs=1e-6)


def test_the_gap_of_9_against_2_percent_is_7_points_with_newcombs_interval():
    ev = quality_evidence(parse_samples(counts_csv([("production", 600, 54), ("synthetic", 400, 8)])))
    gap = ev.production_gap
    # Wilson of 8/400: [0.0101684, 0.0389634]. Newcomb: δ = 0.09 − 0.02 = 0.07;
    #   low  = δ − √((0.09 − 0.0696334)² + (0.0389634 − 0.02)²) = 0.07 − √(0.00041478 + 0.00035961) = 0.042172
    #   high = δ + √((0.1155823 − 0.09)² + (0.02 − 0.0101684)²) = 0.07 + √(0.00065446 + 0.00009666) = 0.097407
    assert gap.difference == pytest.approx(0.07)
    assert gap.ci95 == pytest.approx((0.042172, 0.097407), abs=1e-5)
    assert gap.significant and gap.precise
    assert gap.words() == "the synthetic validation set flatters the student by 7.0 points (95% CI 4.2–9.7)"
    assert gap.to_dict()["points"] == pytest.approx(7.0)


def test_without_production_rows_there_is_no_gap_and_a_warning_says_so():
    ev = quality_evidence(parse_samples(counts_csv([("synthetic", 400, 8)])))
    assert ev.production_gap is None
    assert any(w.startswith("no production rows") for w in ev.warnings)


def test_too_few_production_rows_for_a_5_point_interval_is_said():
    # 3 errors in 30: Wilson half-width ≈ 11 points; the gap interval is wider still.
    ev = quality_evidence(parse_samples(counts_csv([("production", 30, 3), ("synthetic", 400, 8)])))
    assert not ev.production_gap.precise
    assert ev.production_gap.words().startswith("too few rows to measure the gap within ±5 points")
    assert any(w.startswith("only 30 production rows") for w in ev.warnings)


def test_a_gap_whose_interval_spans_zero_is_not_significant():
    ev = quality_evidence(parse_samples(counts_csv([("production", 2000, 100), ("synthetic", 2000, 96)])))
    assert not ev.production_gap.significant
    assert ev.production_gap.words().startswith("no significant gap: production minus the synthetic")


# --- Router curve ----------------------------------------------------------------------------

TINY = csv_text(source=["production"] * 4, student_correct=[0, 1, 0, 1], teacher_correct=[1, 1, 0, 1],
                student_confidence=[0.2, 0.5, 0.5, 0.9])


def test_router_curve_of_four_rows_worked_by_hand():
    curve = quality_evidence(parse_samples(TINY)).router
    # threshold 0: nobody falls back; errors = student's 2 of 4.
    # 0.2: nothing is *below* 0.2 (the 0.2 row ties and stays): same as 0.
    # 0.5: row 1 (0.2, student wrong, teacher right) falls back → kept errors: row 3 → 1/4.
    # 0.9: rows 1–3 fall back; teacher wrong on row 3; row 4 kept and right → 1/4.
    assert curve.threshold.tolist() == [0.0, 0.2, 0.5, 0.9]
    assert curve.fallback_rate.tolist() == [0.0, 0.0, 0.25, 0.75]
    assert curve.error_rate.tolist() == [0.5, 0.5, 0.25, 0.25]
    everything = curve.at(0.95)  # above every confidence: all four to the teacher, whose error is 1/4
    assert (everything.fallback.rate, everything.residual_error.rate) == (1.0, 0.25)
    between = curve.at(0.7)  # between points: the same rows fall back as at 0.9
    assert (between.fallback.rate, between.residual_error.rate) == (0.75, 0.25)


def test_without_teacher_grades_teacher_errors_among_fallbacks_count_as_zero_and_are_said():
    text = csv_text(source=["production"] * 2, student_correct=[0, 1], student_confidence=[0.1, 0.8])
    ev = quality_evidence(parse_samples(text))
    assert ev.router.at(0.5).residual_error.rate == 0.0
    assert any("teacher errors among fallbacks are assumed 0" in w for w in ev.warnings)


def test_the_router_uses_production_rows_when_there_are_any():
    text = csv_text(source=["production", "synthetic"], student_correct=[1, 0], student_confidence=[0.9, 0.1])
    ev = quality_evidence(parse_samples(text))
    assert ev.router_on_production and ev.router.error_rate.tolist() == [0.0, 0.0]


samples_rows = st.lists(
    st.tuples(st.booleans(), st.booleans(), st.integers(0, 20).map(lambda v: v / 20)),
    min_size=1, max_size=60,
)


def rows_csv(rows, teacher=None, weight=None) -> str:
    cols = {"source": ["production"] * len(rows), "student_correct": [int(r[0]) for r in rows],
            "teacher_correct": [int(r[1]) if teacher is None else teacher for r in rows],
            "student_confidence": [r[2] for r in rows]}
    if weight is not None:
        cols["weight"] = [weight] * len(rows)
    return csv_text(**cols)


@settings(max_examples=60, deadline=None)
@given(samples_rows)
def test_raising_the_threshold_never_lowers_the_fallback_rate(rows):
    curve = quality_evidence(parse_samples(rows_csv(rows))).router
    assert np.all(np.diff(curve.fallback_rate) >= 0)
    grid = np.linspace(0, 1, 41)
    assert np.all(np.diff([curve.at(t).fallback.rate for t in grid]) >= 0)


@settings(max_examples=60, deadline=None)
@given(samples_rows)
def test_with_a_perfect_teacher_residual_error_never_rises_with_the_threshold(rows):
    curve = quality_evidence(parse_samples(rows_csv(rows, teacher=1))).router
    assert np.all(np.diff(curve.error_rate) <= 1e-12)


@settings(max_examples=60, deadline=None)
@given(samples_rows)
def test_weights_of_2_give_the_same_rates_as_duplicated_rows(rows):
    weighted = quality_evidence(parse_samples(rows_csv(rows, weight=2)))
    doubled = quality_evidence(parse_samples(rows_csv(rows + rows)))
    assert weighted.sources["production"].rate == pytest.approx(doubled.sources["production"].rate)
    np.testing.assert_allclose(weighted.router.threshold, doubled.router.threshold)
    np.testing.assert_allclose(weighted.router.fallback_rate, doubled.router.fallback_rate)
    np.testing.assert_allclose(weighted.router.error_rate, doubled.router.error_rate)


def test_uniform_weights_do_not_narrow_the_interval_but_uneven_ones_widen_it():
    wrong = np.array([True] * 54 + [False] * 546)
    plain = proportion(np.ones(600), wrong)
    # Kish: n_eff = (Σw)²/Σw² = (1200)²/2400 = 600 with every weight 2: the same interval as weights of 1.
    assert proportion(np.full(600, 2.0), wrong).ci95 == pytest.approx(plain.ci95)
    uneven = proportion(np.where(np.arange(600) % 2 == 0, 1.0, 3.0), wrong)
    # Σw = 1200, Σw² = 300·1 + 300·9 = 3000 → n_eff = 480 < 600: a wider interval.
    assert uneven.n_effective == pytest.approx(480)
    assert uneven.ci95[1] - uneven.ci95[0] > plain.ci95[1] - plain.ci95[0]


def test_jeffreys_posterior_of_54_in_600():
    p = proportion(np.ones(600), np.array([True] * 54 + [False] * 546))
    assert p.posterior() == (54.5, 546.5)  # Beta(x + 1/2, n − x + 1/2)
    assert p.posterior_mean() == pytest.approx(54.5 / 601)


def test_the_shipped_example_has_the_counts_its_generator_promises():
    ev = quality_evidence(parse_samples(EXAMPLE.read_bytes(), origin="example"))
    assert (ev.sources["production"].count, ev.sources["production"].rows) == (54, 600)
    assert (ev.sources["synthetic"].count, ev.sources["synthetic"].rows) == (8, 400)
    assert ev.teacher_error.count == 18
    assert ev.warnings == ("columns ignored: request_id",)
