"""Bounded, weakly regularised least squares for the calibration: the two roofline fits (decode and prefill).

Torch-free: imports numpy only. Every fit minimises the *relative* error of the predicted times plus a weak
pull toward the published defaults (so a parameter the data cannot pin down stays at its default), with
lower bounds enforced by an active set. Decode's max of two roofs is fitted by trying every split of the
points into the two regimes (sorted by arithmetic intensity) and keeping the split with the smallest error
under the max model; prefill's terms add, so its fit is one bounded least squares.
"""

from __future__ import annotations

import numpy as np

# Weight of the pull toward the defaults, relative to the squared relative error of the data: small
# enough that a parameter the data constrains ignores it, large enough to break ties when it does not.
PRIOR_WEIGHT = 1e-6
# Rounds of the bounded least squares (each fixes the parameters that hit a bound); 3 parameters at most.
MAX_ACTIVE_SET_ROUNDS = 4


def bounded_ridge(design: np.ndarray, y: np.ndarray, theta0: np.ndarray, scale: np.ndarray,
                   lower: np.ndarray, relative_to: np.ndarray | None = None) -> np.ndarray:
    """argmin Σ((design·θ − y)/t)² + w·Σ((θ − θ0)/scale)² subject to θ ≥ lower (active set); t = y by
    default."""
    t = y if relative_to is None else relative_to
    a = design * scale / t[:, None]
    r = (y - design @ theta0) / t
    k = len(theta0)
    z = np.zeros(k)
    free = np.ones(k, dtype=bool)
    for _ in range(MAX_ACTIVE_SET_ROUNDS):
        rhs = r - a[:, ~free] @ z[~free]
        af = a[:, free]
        stacked = np.vstack([af, np.sqrt(PRIOR_WEIGHT) * np.eye(af.shape[1])])
        target = np.concatenate([rhs, np.zeros(af.shape[1])])
        z[free] = np.linalg.lstsq(stacked, target, rcond=None)[0]
        theta = theta0 + scale * z
        violated = free & (theta < lower)
        if not violated.any():
            break
        z[violated] = (lower[violated] - theta0[violated]) / scale[violated]
        free &= ~violated
    return theta0 + scale * z


def objective(pred: np.ndarray, y: np.ndarray, theta: np.ndarray, theta0: np.ndarray,
              scale: np.ndarray) -> float:
    return float(np.sum(((pred - y) / y) ** 2) + PRIOR_WEIGHT * np.sum(((theta - theta0) / scale) ** 2))


def fit_decode(bytes_: np.ndarray, flops: np.ndarray, seconds: np.ndarray,
               theta0: np.ndarray, lower: np.ndarray) -> np.ndarray:
    """(c, α, β) of seconds ≈ c + max(α·bytes, β·FLOPs), best over every bandwidth/compute split."""
    scale = theta0.copy()
    order = np.argsort(flops / bytes_)
    best, best_obj = theta0, np.inf
    for split in range(len(order) + 1):
        memory_bound = np.zeros(len(order), dtype=bool)
        memory_bound[order[:split]] = True
        design = np.column_stack([np.ones_like(seconds), bytes_ * memory_bound, flops * ~memory_bound])
        theta = bounded_ridge(design, seconds, theta0, scale, lower)
        pred = theta[0] + np.maximum(theta[1] * bytes_, theta[2] * flops)
        obj = objective(pred, seconds, theta, theta0, scale)
        if obj < best_obj:
            best, best_obj = theta, obj
    return best



def fit_prefill(flops: np.ndarray, seconds: np.ndarray, fixed_s: np.ndarray,
                theta0: np.ndarray, lower: np.ndarray) -> np.ndarray:
    """(β, κ) of seconds ≈ fixed + β·FLOPs + κ: β = 1/(peak·mfu), κ = layers × the fixed time per layer.

    `fixed` is what is known before the fit: the decode step's host overhead (one per forward pass) and the
    weight read at data-sheet bandwidth. Linear in (β, κ); batch sizes that differ separate them.
    """
    design = np.column_stack([flops, np.ones_like(flops)])
    # The error stays relative to the whole TTFT, not to the part left after the known terms.
    return bounded_ridge(design, seconds - fixed_s, theta0, theta0.copy(), lower, relative_to=seconds)
