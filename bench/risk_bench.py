"""Benchmark of the risk analysis: a 10,000-draw × 60-month Monte Carlo and a tornado of every input.

Prints figures and their ratio to the targets in issue 6 (1 s and 200 ms on the 2-core CI machine).
Both run end to end from a Scenario (flattening, drawing, one vectorized evaluate_many, summarizing).
Run: .venv/bin/python bench/risk_bench.py
"""

from __future__ import annotations

from timing import best_of

import econ
from econ.chain.evaluate import evaluate_many
from econ.chain.inputs import numeric_inputs, vary
from econ.io.formats import usd
from econ.risk import monte_carlo, tornado

TARGET_MONTE_CARLO_S = 1.0
TARGET_TORNADO_MS = 200.0
DRAWS = 10_000
MONTHS = 60


def main() -> None:
    # Error cost switched on so the error-rate inputs count too: every input of the tornado applies.
    quality = econ.Quality(fallback_rate=0.05, usd_per_error=0.5, teacher_error_rate=0.01,
                           student_error_rate=0.02)
    s = econ.example_scenario().model_copy(update={"horizon_months": MONTHS, "quality": quality})

    monte_carlo(s, draws=100)  # warm imports and caches
    mc_s = best_of(lambda: monte_carlo(s, draws=DRAWS, seed=0), 5)
    mc = monte_carlo(s, draws=DRAWS, seed=0)
    print(f"Monte Carlo, {DRAWS:,} draws × {MONTHS} months: {mc_s * 1e3:8.1f} ms   target "
          f"{TARGET_MONTE_CARLO_S * 1e3:.0f} ms   ({mc_s / TARGET_MONTE_CARLO_S:.2f}x of target)")
    print(f"  {len(mc.assumptions)} uncertain inputs; P(NPV > 0) = {mc.p_npv_positive:.1%}; "
          f"NPV P10/P50/P90 {usd(mc.npv_usd.p10)} / {usd(mc.npv_usd.p50)} / {usd(mc.npv_usd.p90)}")
    x, _ = numeric_inputs(s)
    drawn = {f"student__{k}" if k in ("gpu_usd_per_hour",) else k: v
             for k, v in mc.draws.items() if k in ("monthly_growth", "fallback_rate", "gpu_usd_per_hour")}
    core_s = best_of(lambda: evaluate_many(vary(x, **drawn)), 5)
    print(f"  econ core alone (vary + evaluate_many, {DRAWS:,} variants, 3 drawn fields): "
          f"{core_s * 1e3:.1f} ms ({core_s / mc_s:.0%}); per variant-month "
          f"{core_s / (DRAWS * MONTHS) * 1e9:.1f} ns")

    t = tornado(s)
    tornado_s = best_of(lambda: tornado(s), 20)
    inputs = len(t.rows)
    print(f"tornado, {inputs} inputs × 2 ends ({2 * inputs + 1} variants): {tornado_s * 1e3:8.2f} ms   "
          f"target {TARGET_TORNADO_MS:.0f} ms   ({tornado_s * 1e3 / TARGET_TORNADO_MS:.3f}x of target)")
    top = t.rows.iloc[0]
    print(f"  largest swing: {top.label} (NPV {usd(top.npv_low_usd)} to {usd(top.npv_high_usd)})")


if __name__ == "__main__":
    main()
