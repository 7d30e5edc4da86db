"""Write examples/quality_samples.csv: a SYNTHETIC graded-samples file for trying `python -m econ quality`.

Imports numpy and pandas only. Nothing here is a measurement of any real model: the rows are drawn
from a seeded generator chosen to look like a typical router-plus-fallback evaluation.
- 600 `production` rows with exactly 54 student errors (9.0%) and 18 teacher errors (3.0%), and
  400 `synthetic` rows (the teacher-generated validation set) with exactly 8 student errors (2.0%):
  the synthetic set flatters the student by 7.0 points.
- `student_confidence` is higher on correct answers (a Beta(8, 2) draw) than on wrong ones
  (Beta(3, 3)), rounded to 2 decimals so that thresholds tie, as real router scores often do.
- `request_id` is an extra column: `econ quality` ignores it and says so.
Run: .venv/bin/python examples/make_quality_samples.py   (the output is the same on every run)
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

SEED = 11
OUT = Path(__file__).with_name("quality_samples.csv")
# (source, rows, student errors, teacher errors): the counts the tests and the README quote
SOURCES = (("production", 600, 54, 18), ("synthetic", 400, 8, 4))
CONFIDENCE_CORRECT = (8.0, 2.0)  # Beta shape of the router score on a correct answer (mean 0.8)
CONFIDENCE_WRONG = (3.0, 3.0)  # ... and on a wrong one (mean 0.5): the router separates them, imperfectly
CONFIDENCE_DECIMALS = 2


def graded_samples(sources=SOURCES, seed: int = SEED) -> pd.DataFrame:
    """Rows with exactly the given error counts per source, errors placed at random, seeded."""
    rng = np.random.default_rng(seed)
    parts, next_id = [], 1
    for source, rows, student_errors, teacher_errors in sources:
        student = np.ones(rows, dtype=int)
        student[rng.choice(rows, student_errors, replace=False)] = 0
        teacher = np.ones(rows, dtype=int)
        teacher[rng.choice(rows, teacher_errors, replace=False)] = 0
        confidence = np.where(student == 1, rng.beta(*CONFIDENCE_CORRECT, rows),
                              rng.beta(*CONFIDENCE_WRONG, rows))
        parts.append(pd.DataFrame({
            "request_id": np.arange(next_id, next_id + rows),
            "source": source,
            "student_correct": student,
            "teacher_correct": teacher,
            "student_confidence": np.round(confidence, CONFIDENCE_DECIMALS),
        }))
        next_id += rows
    return pd.concat(parts, ignore_index=True)


if __name__ == "__main__":
    graded_samples().to_csv(OUT, index=False)
    print(f"wrote {OUT} (synthetic example data, seed {SEED})")
