"""From the timestamps of repeated prefill + decode runs to the latency and throughput of one point.

Torch-free: imports numpy and `profiles.stats`. Names as in DESIGN.md: TTFT = start → first token;
TPOT = (E2E − TTFT)/(output − 1) per sequence; ITL = every step-to-step gap, pooled across runs;
prefill tokens/s = batch × input / TTFT; decode tokens/s (aggregate) = batch × (output − 1)/(E2E − TTFT);
requests/s = batch / E2E. Throughputs use the mean over runs of the time in the denominator.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from econ.model.profile import Percentiles
from profiles.stats import percentiles_ms


@dataclass(frozen=True)
class RunTiming:
    """One timed run at one batch size: seconds from the start for the first token and each later one."""

    token_times_s: np.ndarray  # output_tokens entries: [TTFT, t2, ..., E2E]

    @property
    def ttft_s(self) -> float:
        return float(self.token_times_s[0])

    @property
    def e2e_s(self) -> float:
        return float(self.token_times_s[-1])

    @property
    def itl_s(self) -> np.ndarray:
        """Every step-to-step gap after the first token (output − 1 values)."""
        return np.diff(self.token_times_s)

    @property
    def decode_s(self) -> float:
        """E2E − TTFT."""
        return self.e2e_s - self.ttft_s


@dataclass(frozen=True)
class PointMetrics:
    """Latency distributions and throughputs of one batch size."""

    ttft_ms: Percentiles
    tpot_ms: Percentiles
    itl_ms: Percentiles
    e2e_ms: Percentiles
    prefill_tokens_per_s: float
    decode_tokens_per_s: float
    decode_tokens_per_s_per_sequence: float
    requests_per_s: float
    mean_ttft_s: float
    mean_decode_s: float
    repeats: int


def tpot_s(run: RunTiming, output_tokens: int) -> float:
    """(E2E − TTFT) / (output − 1)."""
    return run.decode_s / (output_tokens - 1)


def point_metrics(runs: list[RunTiming], batch: int, input_tokens: int, output_tokens: int) -> PointMetrics:
    """Summaries across runs (TTFT, TPOT, E2E per run; ITL pooled) and throughputs from the mean times."""
    if not runs:
        raise ValueError("no timed runs")
    if output_tokens < 2:
        raise ValueError("output_tokens must be at least 2 for TPOT")
    for run in runs:
        if len(run.token_times_s) != output_tokens:
            raise ValueError(f"a run has {len(run.token_times_s)} token times, expected {output_tokens}")
    ttft = np.array([r.ttft_s for r in runs])
    e2e = np.array([r.e2e_s for r in runs])
    decode = e2e - ttft
    tpot = decode / (output_tokens - 1)
    itl = np.concatenate([r.itl_s for r in runs])
    mean_ttft, mean_decode, mean_e2e = float(ttft.mean()), float(decode.mean()), float(e2e.mean())
    per_sequence = (output_tokens - 1) / mean_decode
    return PointMetrics(
        ttft_ms=percentiles_ms(ttft),
        tpot_ms=percentiles_ms(tpot),
        itl_ms=percentiles_ms(itl),
        e2e_ms=percentiles_ms(e2e),
        prefill_tokens_per_s=batch * input_tokens / mean_ttft,
        decode_tokens_per_s=batch * per_sequence,
        decode_tokens_per_s_per_sequence=per_sequence,
        requests_per_s=batch / mean_e2e,
        mean_ttft_s=mean_ttft,
        mean_decode_s=mean_decode,
        repeats=len(runs),
    )
