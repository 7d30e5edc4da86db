"""Benchmark of the cost model: one 36-month evaluate, and the vectorized path over 100,000 variants × 60
months.

Prints figures and their ratio to the targets in issue 2 (5 ms; 2 s on the 2-core CI machine).
Run: .venv/bin/python bench/econ_bench.py
"""

from __future__ import annotations

import numpy as np
from timing import best_of

import econ

TARGET_EVALUATE_MS = 5.0
TARGET_MANY_S = 2.0
VARIANTS = 100_000


def main() -> None:
    s36 = econ.example_scenario().model_copy(update={"horizon_months": 36})
    econ.evaluate(s36)  # warm caches and imports
    one_s = best_of(lambda: econ.evaluate(s36), 50)
    print(f"evaluate, 36 months:                 {one_s * 1e3:8.2f} ms   target {TARGET_EVALUATE_MS:.0f} ms "
          f"  ({one_s * 1e3 / TARGET_EVALUATE_MS:.2f}x of target)")

    s60 = econ.example_scenario().model_copy(update={"horizon_months": 60})
    x, _ = econ.numeric_inputs(s60)
    rng = np.random.default_rng(0)
    variants = econ.vary(
        x,
        requests_per_day=rng.uniform(1e3, 1e6, VARIANTS),
        monthly_growth=rng.uniform(-0.02, 0.15, VARIANTS),
        student__gpu_usd_per_hour=rng.uniform(1.0, 7.0, VARIANTS),
        student__requests_per_s_per_replica=rng.uniform(5, 80, VARIANTS),
        fallback_rate=rng.uniform(0, 0.2, VARIANTS),
    )
    many_s = best_of(lambda: econ.evaluate_many(variants), 3)
    result = econ.evaluate_many(variants)
    print(f"evaluate_many, {VARIANTS:,} × 60 months: {many_s:8.3f} s    target {TARGET_MANY_S:.0f} s    "
          f"({many_s / TARGET_MANY_S:.2f}x of target)")
    print(f"  sanity: median NPV ${np.median(result.npv_usd):,.0f}, "
          f"{np.mean(~np.isnan(result.payback_months)):.0%} of variants pay back within 60 months")
    print(f"  per variant-month: {many_s / (VARIANTS * 60) * 1e9:.1f} ns")


if __name__ == "__main__":
    main()
