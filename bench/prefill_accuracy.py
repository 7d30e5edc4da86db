"""The prefill (TTFT) estimate beside every published measurement it is checked against, with the error.

Issue 10 §3: fitted on one source (TensorRT-LLM v0.9), held out on TensorRT-LLM v0.5, lmdeploy and NVIDIA
NIM; target: every case within ±20%. Prints each case (role, source, model, GPU × N, dtype, prompt
tokens, published and estimated ms, estimate ÷ published − 1) and the largest |error| per role. The cases
are the ones tests/profiles/analytic/test_prefill_published.py asserts. Torch-free; runs in about a second.
Run: .venv/bin/python bench/prefill_accuracy.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "profiles" / "analytic"))

from test_prefill_published import (  # noqa: E402  (the cases live with the test that asserts them)
    FITTED_ON,
    HELD_OUT,
    OUTSIDE,
    TOLERANCE,
    estimated_ttft_ms,
)

ROLES = (("fitted on", FITTED_ON), ("held out", HELD_OUT), ("outside", OUTSIDE))


def main() -> None:
    print(f"{'role':10} {'source':19} {'model':14} {'GPU × N':14} {'dtype':5} {'prompt':>6} "
          f"{'published ms':>12} {'estimate ms':>11} {'error':>7}")
    worst = {}
    for role, cases in ROLES:
        for c in cases:
            est = estimated_ttft_ms(c)
            error = est / c.ttft_ms - 1
            worst[role] = max(worst.get(role, 0.0), abs(error))
            print(f"{role:10} {' '.join(c.source.split()[:2]):19} {c.model:14} "
                  f"{c.gpu + ' × ' + str(c.gpus):14} {c.dtype:5} {c.prompt_tokens:>6,} {c.ttft_ms:>12,.1f} "
                  f"{est:>11,.1f} {error:>+7.1%}")
    print()
    for role, cases in ROLES:
        inside = sum(abs(estimated_ttft_ms(c) / c.ttft_ms - 1) <= TOLERANCE for c in cases)
        print(f"{role:10} {len(cases):>3} cases, {inside:>3} within ±{TOLERANCE:.0%}, largest |error| "
              f"{worst[role]:.1%}  (target ±{TOLERANCE:.0%}, ratio {worst[role] / TOLERANCE:.2f})")


if __name__ == "__main__":
    main()
