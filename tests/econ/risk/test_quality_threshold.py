"""The router threshold priced in dollars: the sweep is `evaluate` at each threshold, the optimum is its
maximum."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from builders import scenario

import econ
from econ.evidence.rates import quality_evidence
from econ.evidence.samples import load_samples, parse_samples
from econ.risk.threshold import sweep_indices, threshold_sweep

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "quality_samples.csv"


@pytest.fixture(scope="module")
def evidence():
    return quality_evidence(load_samples(EXAMPLE))


def typed(s: econ.Scenario, fallback: float, error: float, teacher: float) -> econ.Scenario:
    q = s.quality.model_copy(update={"fallback_rate": fallback, "student_error_rate": error,
                                     "teacher_error_rate": teacher})
    return s.model_copy(update={"quality": q})


def test_each_swept_npv_is_evaluate_of_the_scenario_typed_with_that_thresholds_rates(evidence):
    s = scenario(quality__usd_per_error=0.5)
    sweep = threshold_sweep(s, evidence)
    teacher = evidence.teacher_error.rate  # 18 / 600 = 0.03
    for row in sweep.curve.iloc[[0, 10, 40, len(sweep.curve) - 1]].itertuples():
        result = econ.evaluate(typed(s, row.fallback_rate, row.error_rate, teacher))
        assert row.npv_usd == pytest.approx(result.npv_usd, rel=1e-12)
    assert sweep.best_npv_usd == sweep.curve["npv_usd"].max()
    assert sweep.best_threshold == sweep.curve.loc[sweep.curve["npv_usd"].idxmax(), "threshold"]


def test_with_free_errors_the_optimum_is_never_fall_back(evidence):
    sweep = threshold_sweep(scenario(quality__usd_per_error=0), evidence)
    assert sweep.best_threshold == 0.0 and sweep.errors_free
    assert 'the optimum is simply "never fall back"' in sweep.words()


def test_a_costly_error_pushes_the_best_threshold_up(evidence):
    cheap = threshold_sweep(scenario(quality__usd_per_error=0.01), evidence)
    dear = threshold_sweep(scenario(quality__usd_per_error=5.0), evidence)
    assert dear.best_threshold >= cheap.best_threshold
    fallback_at = dear.curve.set_index("threshold")["fallback_rate"]
    assert fallback_at[dear.best_threshold] > 0


def test_a_long_curve_is_swept_at_most_limit_points_evenly_along_the_fallback_rate():
    rng = np.random.default_rng(0)
    text = pd.DataFrame({"source": "production", "student_correct": rng.integers(0, 2, 5000),
                         "student_confidence": rng.random(5000)}).to_csv(index=False)
    curve = quality_evidence(parse_samples(text)).router
    picked = sweep_indices(curve, limit=50)
    assert curve.threshold.size > 5000 and picked.size <= 51 and picked[0] == 0
    steps = np.diff(curve.fallback_rate[picked])
    assert steps.max() < 2.5 / 49  # no gap much wider than an even 1/49 step
