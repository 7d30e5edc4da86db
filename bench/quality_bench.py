"""Benchmark of quality evidence: 1,000,000 graded rows → per-source rates and the full router curve,
and a scenario swept over 200 thresholds through evaluate_many.

Prints figures and their ratio to the targets in issue 11 (< 2 s and < 200 ms on the 2-core CI machine).
The rows come from examples/make_quality_samples.py (seeded, synthetic), with a weight column and
confidences to 4 decimals (~10,000 distinct thresholds). Reading the CSV text is timed on its own and
with the analysis, so both figures are visible; so is the error path (a bad cell on the last row, found by
re-reading every cell as text), which has no target.
Run: .venv/bin/python bench/quality_bench.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
from timing import best_of

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "examples"))
from make_quality_samples import graded_samples  # noqa: E402

import econ  # noqa: E402
from econ.evidence.rates import quality_evidence  # noqa: E402
from econ.evidence.samples import SamplesError, parse_samples  # noqa: E402
from econ.risk.threshold import threshold_sweep  # noqa: E402

TARGET_RATES_AND_CURVE_S = 2.0
TARGET_SWEEP_MS = 200.0
ROWS = 1_000_000
SWEEP_THRESHOLDS = 200
# 70% production at 9% errors, 30% synthetic at 2%: the shipped example's rates, scaled up.
SOURCES = (("production", 700_000, 63_000, 21_000), ("synthetic", 300_000, 6_000, 3_000))
CONFIDENCE_DECIMALS = 4


def million_rows_csv() -> bytes:
    rows = graded_samples(SOURCES, seed=1)
    rows["student_confidence"] = rows["student_confidence"] + np.random.default_rng(2).integers(
        0, 100, len(rows)) / 10 ** CONFIDENCE_DECIMALS
    rows["student_confidence"] = rows["student_confidence"].clip(0, 1).round(CONFIDENCE_DECIMALS)
    rows["weight"] = np.random.default_rng(3).choice([0.5, 1.0, 2.0], len(rows))
    return rows.to_csv(index=False).encode()


def _error_line(data: bytes) -> str:
    try:
        parse_samples(data, origin="bench.csv")
    except SamplesError as exc:
        return str(exc)
    raise AssertionError("the bad row was accepted")


def main() -> None:
    data = million_rows_csv()
    samples = parse_samples(data)
    assert samples.rows == ROWS
    evidence = quality_evidence(samples)
    parse_s = best_of(lambda: parse_samples(data), 3)
    analysis_s = best_of(lambda: quality_evidence(samples), 3)
    total_s = best_of(lambda: quality_evidence(parse_samples(data)), 3)

    bad = data[: data.rstrip().rfind(b"\n") + 1] + b"999,production,maybe,1,0.5,1\n"  # last row is bad
    error_s = best_of(lambda: _error_line(bad), 1)
    error_text = _error_line(bad)

    s = econ.example_scenario()
    s = s.model_copy(update={"quality": s.quality.model_copy(update={"usd_per_error": 0.5})})
    sweep = threshold_sweep(s, evidence, limit=SWEEP_THRESHOLDS)
    sweep_ms = best_of(lambda: threshold_sweep(s, evidence, limit=SWEEP_THRESHOLDS), 20) * 1e3

    print(f"rows                              {ROWS:,} ({len(data) / 2**20:.1f} MiB CSV, weighted, "
          f"{evidence.router.threshold.size:,} distinct thresholds)")
    print(f"parse CSV                         {parse_s:.3f} s")
    print(f"per-source rates + router curve   {analysis_s:.3f} s   target < {TARGET_RATES_AND_CURVE_S:.0f} "
          f"s   ratio {analysis_s / TARGET_RATES_AND_CURVE_S:.2f}")
    print(f"parse + rates + router curve      {total_s:.3f} s   target < {TARGET_RATES_AND_CURVE_S:.0f} s   "
          f"ratio {total_s / TARGET_RATES_AND_CURVE_S:.2f}")
    print(f"bad cell on the last row → error   {error_s:.3f} s   (text re-read, line and column named; "
          f"no target) → {error_text}")
    print(f"sweep {len(sweep.curve)} thresholds (evaluate_many, {s.horizon_months} months)  {sweep_ms:.1f} "
          f"ms   target < {TARGET_SWEEP_MS:.0f} ms   ratio {sweep_ms / TARGET_SWEEP_MS:.2f}")
    print(f"check: production error rate {evidence.sources['production'].rate:.4f} (9% of rows by "
          f"construction, weights drawn at random); {sweep.words()}")


if __name__ == "__main__":
    main()
