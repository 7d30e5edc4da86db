"""Serving charts: throughput against latency with the SLO, the student fleet by month, cost per 1M tokens
against utilization. Imports pandas, numpy, plotly and `ui.charts`; never streamlit, and no cost math.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ui.charts import palette
from ui.charts.layout import LOG_AXIS_SPAN, SIDE_COLORS, Look, apply_layout


def throughput_latency(points: pd.DataFrame, slo_tpot_ms: Mapping[str, float | None] | None = None,
                       colors: Mapping[str, str] | None = None) -> go.Figure:
    """p99 TPOT vs aggregate decode tokens/s, one marker per batch size; SLO lines; chosen points ringed.

    `points` columns: series, batch_size, decode_tokens_per_s, tpot_ms_p99, chosen (bool).
    """
    colors = {**SIDE_COLORS, **(colors or {})}
    fig = go.Figure()
    for i, (series, group) in enumerate(points.groupby("series", sort=False)):
        color = colors.get(series, palette.SCENARIOS[i % len(palette.SCENARIOS)])
        group = group.sort_values("batch_size")
        fig.add_trace(go.Scatter(
            x=group["decode_tokens_per_s"], y=group["tpot_ms_p99"], name=series, mode="lines+markers+text",
            text=[f"b{b}" for b in group["batch_size"]], textposition="top left",
            customdata=group[["ttft_ms_p99"]].to_numpy() if "ttft_ms_p99" in group else None,
            line={"color": color, "width": 2}, marker={"color": color, "size": 8},
            hovertemplate="batch %{text}: %{x:,.0f} tok/s, p99 TPOT %{y:.1f} ms"
                          + (", p99 TTFT %{customdata[0]:,.0f} ms" if "ttft_ms_p99" in group else "")
                          + "<extra>" + series + "</extra>",
        ))
        chosen = group[group["chosen"]]
        if len(chosen):
            fig.add_trace(go.Scatter(
                x=chosen["decode_tokens_per_s"], y=chosen["tpot_ms_p99"], name=f"{series}: operating point",
                mode="markers", marker={"color": color, "size": 18, "symbol": "circle-open",
                                        "line": {"width": 3, "color": color}},
                hovertemplate="operating point: %{x:,.0f} tok/s, %{y:.1f} ms<extra></extra>",
            ))
    by_value: dict[float, list[str]] = {}
    for series, slo in (slo_tpot_ms or {}).items():
        if slo is not None:
            by_value.setdefault(float(slo), []).append(series)
    for slo, names in by_value.items():  # one line per SLO value, naming every side it binds
        color = colors.get(names[0], palette.NEUTRAL) if len(names) == 1 else palette.NEUTRAL
        fig.add_hline(y=slo, line={"color": color, "dash": "dot", "width": 2},
                      annotation_text=f"{' and '.join(names)} SLO: p99 TPOT ≤ {slo:g} ms",
                      annotation_position="top left", annotation_font_color=palette.NEUTRAL)
    fig.update_layout(hovermode="closest")
    return apply_layout(fig, "Throughput vs latency per batch size",
                        "Decode throughput (tokens/s, all sequences)",
                   "p99 time per output token (ms)", Look(money=False))


def replicas_utilization(monthly: pd.DataFrame) -> go.Figure:
    """Student replicas per month (bars) and their average utilization (line, right axis).

    The planning target applies at peak, not to the average, so it is not drawn against it.
    """
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    fig.add_trace(go.Bar(
        x=monthly["month"], y=monthly["replicas"], name="Replicas", marker={"color": palette.STUDENT},
        opacity=0.85, hovertemplate="%{y:,.1f} replicas",
    ), secondary_y=False)
    fig.add_trace(go.Scatter(
        x=monthly["month"], y=monthly["utilization"], name="Average utilization", mode="lines+markers",
        line={"color": palette.NEUTRAL, "width": 2}, hovertemplate="%{y:.0%}",
    ), secondary_y=True)
    apply_layout(fig, "Student fleet: replicas and utilization per month", "Month", "Replicas",
                 Look(money=False))
    fig.update_yaxes(title="Average utilization", tickformat=".0%", rangemode="tozero", secondary_y=True,
                     showgrid=False)
    fig.update_yaxes(rangemode="tozero", secondary_y=False)
    return fig


def cost_per_mtok_vs_utilization(curves: pd.DataFrame, observed: pd.DataFrame | None = None,
                                 flat: Mapping[str, float] | None = None) -> go.Figure:
    """Serving cost per 1M tokens against utilization: each self-hosted side's curve, its months as dots,
    and API sides as flat lines (an API bills per token whatever the utilization).

    `curves` columns: series, utilization, usd_per_mtok_served, usd_per_kreq; `observed`: the first three.
    """
    fig = go.Figure()
    for series, group in curves.groupby("series", sort=False):
        color = SIDE_COLORS.get(series, palette.NEUTRAL)
        fig.add_trace(go.Scatter(
            x=group["utilization"], y=group["usd_per_mtok_served"], name=f"{series}, self-hosted",
            mode="lines", line={"color": color, "width": 3}, customdata=group["usd_per_kreq"],
            hovertemplate="%{x:.0%} busy: $%{y:,.3f} per 1M tokens, $%{customdata:,.4f} per 1k requests",
        ))
    if observed is not None:
        for series, group in observed.groupby("series", sort=False):
            color = SIDE_COLORS.get(series, palette.NEUTRAL)
            fig.add_trace(go.Scatter(
                x=group["utilization"], y=group["usd_per_mtok_served"],
                name=f"{series}: this scenario's months", mode="markers",
                marker={"color": color, "size": 9, "symbol": "diamond",
                                        "line": {"color": "white", "width": 1}},
                hovertemplate="%{x:.0%} busy: $%{y:,.3f} per 1M tokens",
            ))
    for series, value in (flat or {}).items():
        # A trace, not add_hline: on a log axis an hline's annotation is placed in log10 units.
        fig.add_trace(go.Scatter(
            x=[0.0, 1.0], y=[value, value], name=f"{series}, API: ${value:,.3f} per 1M tokens", mode="lines",
            line={"color": SIDE_COLORS.get(series, palette.NEUTRAL), "dash": "dash", "width": 2},
            hovertemplate=f"{series}, API: ${value:,.3f} per 1M tokens<extra></extra>",
        ))
    fig.update_layout(hovermode="closest")
    apply_layout(fig, "Serving cost per 1M tokens vs GPU utilization", "Average utilization",
            "USD per 1M tokens", Look(money=False))
    fig.update_xaxes(tickformat=".0%")
    values = [v for t in fig.data for v in t.y if v is not None and v > 0]
    if values and max(values) / min(values) > LOG_AXIS_SPAN:
        # Powers of ten only: plotly's in-between log labels ("2", "5") would lose the $ sign.
        fig.update_yaxes(type="log", tickprefix="$", dtick=1)
    else:
        fig.update_yaxes(tickprefix="$", rangemode="tozero")
    return fig
