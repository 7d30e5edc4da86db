"""Served-profile chart: p99 TTFT, p99 TPOT and goodput against the achieved request rate, with the
SLO lines and (on the Serving page) the operating point on the rate axis.

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
