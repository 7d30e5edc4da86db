"""Tables of a served profile (load-tested through an endpoint): the chart's input and the point table.

Imports pandas and econ; no streamlit, no cost math. Every latency header says 'measured, served'.
"""

from __future__ import annotations

import pandas as pd

from econ.model.profile import Point, Profile

FRAME_COLUMNS = ["series", "load_label", "achieved_rps", "ttft_ms_p99", "tpot_ms_p99", "goodput_rps"]


def load_label(point: Point) -> str:
    """'rate 4 req/s' or 'concurrency 8'."""
    if point.load.kind == "rate":
        return f"rate {point.load.value:g} req/s"
    return f"{point.load.kind.replace('_', ' ')} {point.load.value:g}"


def served_frame(profile: Profile, series: str) -> pd.DataFrame:
    """One row per measured load that completed requests: the latency-vs-rate chart's input."""
    rows = [{"series": series, "load_label": load_label(p), "achieved_rps": p.requests_per_s,
             "ttft_ms_p99": p.ttft_ms.p99, "tpot_ms_p99": p.tpot_ms.p99,
             "goodput_rps": p.goodput_requests_per_s} for p in profile.fitting_points()]
    return pd.DataFrame(rows, columns=FRAME_COLUMNS)


def served_points_table(profile: Profile) -> pd.DataFrame:
    """Every load of a served profile for display, units in headers."""
    rows = []
    for p in profile.points:
        rows.append({
            "load": load_label(p),
            "achieved requests/s (measured, served)": p.requests_per_s,
            "p99 TTFT, ms (measured, served)": p.ttft_ms.p99 if p.ttft_ms else None,
            "p99 TPOT, ms (measured, served)": p.tpot_ms.p99 if p.tpot_ms else None,
            "p99 E2E, ms (measured, served)": p.e2e_ms.p99 if p.e2e_ms else None,
            "output tokens/s (measured, served)": p.output_tokens_per_s,
            "SLO attainment": p.slo_attainment,
            "goodput requests/s": p.goodput_requests_per_s,
            "failed requests": p.errors.count if p.errors else 0,
        })
    return pd.DataFrame(rows)


def capacity_line(profile: Profile) -> str | None:
    """The capacity search's answer in one sentence (None when none was run)."""
    c = profile.capacity
    if c is None:
        return None
    limits = " and ".join(f"p99 {name} ≤ {v:g} ms" for name, v in (("TTFT", c.slo_ttft_ms),
                                                                   ("TPOT", c.slo_tpot_ms))
                          if v is not None)
    if c.load is None:
        return f"Capacity search ({limits}, attainment ≥ {c.attainment:.0%}): no probed load met it."
    return (f"Capacity at the SLO ({limits} for ≥ {c.attainment:.0%} of requests): {c.requests_per_s:.3g} "
            f"requests/s achieved at {c.kind} {c.load:g}; {len(c.probes)} probes, {c.ended}.")
