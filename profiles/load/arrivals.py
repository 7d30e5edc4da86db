"""Open-loop arrival times: Poisson, or gamma with a burstiness factor, as vLLM's benchmark draws them.

Torch-free and HTTP-free: imports numpy only. Inter-arrival gaps ~ Gamma(shape=burstiness,
scale=1 / (rate × burstiness)), so the mean gap is 1/rate whatever the burstiness; burstiness 1 is
the exponential (Poisson process), below 1 burstier, above 1 more regular.
"""

from __future__ import annotations

import numpy as np


def arrival_offsets_s(rate_per_s: float, count: int, burstiness: float, seed: int) -> np.ndarray:
    """Planned send times of `count` requests, seconds after the first (which is at 0)."""
    rng = np.random.default_rng(seed)
    gaps = rng.gamma(shape=burstiness, scale=1.0 / (rate_per_s * burstiness), size=max(count - 1, 0))
    return np.concatenate([[0.0], np.cumsum(gaps)])
