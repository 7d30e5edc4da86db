"""Served-profile charts: p99 TTFT, p99 TPOT and goodput against the achieved request rate, with the
SLO lines and (on the Serving page) the operating point on the rate axis; the request length
distributions asked for and counted; the server's /metrics over one load.

Imports pandas, plotly and `ui.charts`; never streamlit, and no cost math.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ui.charts import palette
from ui.charts.layout import SIDE_COLORS, Look, apply_layout

ROWS = (("ttft_ms_p99", "p99 TTFT (ms)"), ("tpot_ms_p99", "p99 TPOT (ms)"),
        ("goodput_rps", "Goodput (req/s)"))
CHART_HEIGHT = 620


def latency_vs_rate(points: pd.DataFrame, slo_ttft_ms: float | None = None, slo_tpot_ms: float | None = None,
                    operating_rps: float | None = None) -> go.Figure:
    """Three stacked panels sharing the achieved-rate axis; one marker per measured load (no connecting
    line: on a busy machine a higher planned load can achieve less, and a line would zig-zag).

    `points` columns: series, load_label, achieved_rps, ttft_ms_p99, tpot_ms_p99, goodput_rps.
    """
    # Each panel is named by its y-axis title, not a subplot title (a centred subplot title collides with
    # the lines' own labels).
    fig = make_subplots(rows=len(ROWS), cols=1, shared_xaxes=True, vertical_spacing=0.06)
    for i, (series, group) in enumerate(points.groupby("series", sort=False)):
        color = SIDE_COLORS.get(series, palette.SCENARIOS[i % len(palette.SCENARIOS)])
        group = group.sort_values("achieved_rps")
        for row, (column, title) in enumerate(ROWS, start=1):
            fig.add_trace(go.Scatter(
                x=group["achieved_rps"], y=group[column], name=series, mode="markers",
                legendgroup=series, showlegend=row == 1, text=group["load_label"],
                line={"color": color, "width": 2}, marker={"color": color, "size": 8},
                hovertemplate="%{text}: achieved %{x:.3g} req/s, " + title + " %{y:,.3g}<extra>" + series
                              + "</extra>",
            ), row=row, col=1)
    for row, slo, name in ((1, slo_ttft_ms, "TTFT"), (2, slo_tpot_ms, "TPOT")):
        if slo is not None:
            fig.add_hline(y=slo, row=row, col=1, line={"color": palette.NEUTRAL, "dash": "dot", "width": 2},
                          annotation_text=f"SLO: p99 {name} ≤ {slo:g} ms", annotation_position="top left")
    if len(points):  # goodput can never exceed the achieved rate: the diagonal is "every request met it"
        top = float(points["achieved_rps"].max())
        fig.add_trace(go.Scatter(x=[0, top], y=[0, top], mode="lines", name="goodput = achieved rate",
                                 line={"color": palette.NEUTRAL, "dash": "dash", "width": 1}),
                      row=3, col=1)
    if operating_rps is not None:  # one line through every panel, named once (in the bottom panel)
        for row in range(1, len(ROWS) + 1):
            label = {"annotation_text": f"operating point {operating_rps:.3g} req/s",
                     "annotation_position": "bottom right"} if row == len(ROWS) else {}
            fig.add_vline(x=operating_rps, row=row, col=1,
                          line={"color": palette.CROSSING, "dash": "dash", "width": 2}, **label)
    apply_layout(fig, "Served: latency and goodput vs achieved request rate", "", "",
                 Look(money=False, height=CHART_HEIGHT, hovermode="closest"))
    for row, (_column, title) in enumerate(ROWS, start=1):
        fig.update_yaxes(title=title, row=row, col=1)
    fig.update_xaxes(title="Achieved requests/s", row=len(ROWS), col=1, rangemode="tozero")
    return fig


LENGTH_ORDER = ("min", "p50", "mean", "p90", "p99", "max")  # the x order, whichever statistic comes first
LENGTH_COLORS = {"asked for": palette.NEUTRAL, "counted by the server": palette.STUDENT}
SIDE_PANEL_HEIGHT = 420


def length_distribution(lengths: pd.DataFrame) -> go.Figure:
    """Prompt and output lengths side by side: each statistic (min, p50, mean, p90, p99, max) as asked for
    and as the server counted it, bars in tokens.

    `lengths` columns: lengths ('prompt', 'output'), source, stat, tokens.
    """
    panels = [name for name in ("prompt", "output") if (lengths["lengths"] == name).any()]
    fig = make_subplots(rows=max(1, len(panels)), cols=1, vertical_spacing=0.14)
    for row, name in enumerate(panels, start=1):
        part = lengths[lengths["lengths"] == name]
        for source, group in part.groupby("source", sort=False):
            fig.add_trace(go.Bar(
                x=group["stat"], y=group["tokens"], name=source, legendgroup=source, showlegend=row == 1,
                marker={"color": LENGTH_COLORS.get(source, palette.NEUTRAL)},
                hovertemplate="%{x}: %{y:,.0f} tokens<extra>" + f"{name}, {source}" + "</extra>",
            ), row=row, col=1)
    fig.update_layout(barmode="group", bargap=0.25)
    apply_layout(fig, "Request lengths: asked for and counted", "", "",
                 Look(money=False, height=SIDE_PANEL_HEIGHT, hovermode="closest"))
    for row, name in enumerate(panels, start=1):
        fig.update_yaxes(title=f"{name.capitalize()} tokens", rangemode="tozero", row=row, col=1)
    fig.update_xaxes(categoryorder="array", categoryarray=list(LENGTH_ORDER))
    return fig


def server_over_time(samples: pd.DataFrame, title: str) -> go.Figure:
    """One point's /metrics samples: KV-cache use (top, %) and running and waiting requests (bottom).

    `samples` columns: t_s, kv_cache_usage (0-1), running, waiting.
    """
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.16)
    fig.add_trace(go.Scatter(x=samples["t_s"], y=samples["kv_cache_usage"], name="KV cache in use",
                             mode="lines+markers", line={"color": palette.TEACHER, "width": 2},
                             hovertemplate="%{x:.1f} s: %{y:.0%}<extra>KV cache</extra>"), row=1, col=1)
    for column, label, color, dash in (("running", "Running", palette.STUDENT, "solid"),
                                       ("waiting", "Waiting", palette.NEUTRAL, "dash")):
        fig.add_trace(go.Scatter(x=samples["t_s"], y=samples[column], name=f"{label} requests",
                                 mode="lines+markers", line={"color": color, "width": 2, "dash": dash},
                                 hovertemplate="%{x:.1f} s: %{y:g}<extra>" + label + "</extra>"),
                      row=2, col=1)
    apply_layout(fig, title, "", "", Look(money=False, height=SIDE_PANEL_HEIGHT, hovermode="x unified"))
    fig.update_yaxes(title="KV cache in use", tickformat=".0%", range=[0, 1.05], row=1, col=1)
    fig.update_yaxes(title="Requests", rangemode="tozero", row=2, col=1)
    fig.update_xaxes(title="Seconds into the load", row=2, col=1)
    return fig
