"""Tables of a served profile (load-tested through an endpoint): the charts' inputs (latency against load,
the length distributions, the server's metrics over a point), the point table, the sentences about the
capacity, the server's view and an import, and the priced table.

Imports pandas, econ and `profiles.load.pricing` (the load CLI's own prices, so app and CLI agree); no
streamlit, no cost math of its own. Every latency header says 'measured, served'.
"""

from __future__ import annotations

import pandas as pd

from econ.model.profile import Point, Profile
from profiles.load.pricing import ReplicaPrice

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


LENGTH_STATS = ("min", "p50", "mean", "p90", "p99", "max")
LENGTH_COLUMNS = ["lengths", "source", "stat", "tokens"]


def lengths_frame(profile: Profile) -> pd.DataFrame:
    """The prompt and output length distributions, as asked for and as the server counted them: one row
    per (lengths, source, statistic). Empty when the profile recorded no distribution."""
    rows = []
    w = profile.workload
    for name, dist in (("prompt", w.input_lengths), ("output", w.output_lengths)):
        if dist is None:
            continue
        for source, stats in (("asked for", dist.requested), ("counted by the server", dist.realised)):
            if stats is None:
                continue
            rows += [{"lengths": name, "source": source, "stat": stat, "tokens": getattr(stats, stat)}
                     for stat in LENGTH_STATS if getattr(stats, stat) is not None]
    return pd.DataFrame(rows, columns=LENGTH_COLUMNS)


def lengths_line(profile: Profile) -> str | None:
    """'Prompt lengths lognormal:200,80, output lengths uniform:16,64; 857 requests counted.'"""
    w = profile.workload
    parts = [f"{name} lengths {dist.spec}" for name, dist in (("prompt", w.input_lengths),
                                                              ("output", w.output_lengths)) if dist]
    if not parts:
        return None
    counted = next((d.realised.count for d in (w.input_lengths, w.output_lengths)
                    if d and d.realised and d.realised.count), None)
    tail = f"; {counted:,} requests counted by the server" if counted else "; the server gave no usage counts"
    return (", ".join(parts) + tail + ".").capitalize()


def server_frame(point: Point) -> pd.DataFrame:
    """The server's /metrics samples over one point: seconds, KV-cache use (0-1), running, waiting."""
    samples = point.server.samples if point.server else []
    return pd.DataFrame([s.model_dump() for s in samples],
                        columns=["t_s", "kv_cache_usage", "running", "waiting"])


def server_line(point: Point) -> str:
    """The server's view of a point in one sentence, or why there is none."""
    view = point.server
    if view is None or view.status == "absent":
        return "The server has no /metrics endpoint (or it was not scraped): its view of this load is absent."
    if view.status == "missing":
        return f"The server's /metrics failed during this load, so its view is missing ({view.note})."
    parts = []
    if view.kv_cache_usage:
        kv = view.kv_cache_usage
        parts.append(f"KV cache mean {kv.mean:.0%}, max {kv.max:.0%} at {kv.at_max_s:.1f} s")
    if view.waiting:
        parts.append(f"up to {view.waiting.max:g} requests waiting")
    if view.preemptions is not None:
        parts.append(f"{view.preemptions} preemptions")
    if view.prefix_cache_hit_rate is not None:
        parts.append(f"prefix-cache hit rate {view.prefix_cache_hit_rate:.0%}")
    return f"Server, {view.scrapes} scrapes every {view.interval_s:g} s: " + "; ".join(parts) + "."


def imported_line(profile: Profile) -> str | None:
    """'Imported from vllm bench serve 0.32.0 (3 result files): …' (None: measured by `profiles load`)."""
    source = profile.imported
    if source is None:
        return None
    version = source.version or "version not recorded in its files"
    files = f"{len(source.files)} result file{'s' if len(source.files) != 1 else ''}"
    names = f" Names: {source.names}" if source.names else ""
    return f"Imported from **{source.tool}** ({version}; {files}), not measured by `profiles load`.{names}"


def capacity_point(profile: Profile) -> Point | None:
    """The point the capacity search settled on (None: no search, or no load met it)."""
    c = profile.capacity
    if c is None or c.load is None:
        return None
    return next((p for p in profile.points if p.load and p.load.value == c.load), None)


def priced_table(profile: Profile, price: ReplicaPrice) -> pd.DataFrame:
    """$ per 1M output tokens and per 1k requests at every load and at the capacity: the replica's whole
    bill (GPUs × $/GPU-hour) over what it served there, by the load CLI's own `ReplicaPrice`."""
    best = capacity_point(profile)
    rows = []
    for p in profile.points:
        rows.append({
            "load": load_label(p) + (" (capacity)" if p is best else ""),
            "achieved requests/s (measured, served)": p.requests_per_s,
            "output tokens/s (measured, served)": p.output_tokens_per_s,
            "$ per 1M output tokens": price.per_mtok_output(p.output_tokens_per_s),
            "$ per 1k requests": price.per_kreq(p.requests_per_s),
        })
    return pd.DataFrame(rows)
