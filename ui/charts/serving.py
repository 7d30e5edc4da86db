"""Serving charts: throughput against every latency an SLO limits, the student's and the teacher's fallback
fleets by month, cost per 1M tokens against utilization.
Imports pandas, numpy, plotly and `ui.charts`; never streamlit, and no cost math.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ui.charts import palette
from ui.charts.layout import LOG_AXIS_SPAN, SIDE_COLORS, Look, apply_layout, spaced_labels

# One panel per latency an SLO can limit (econ.serving.slo_binding.SLO_LIMITS names them; a test keeps the
# two equal): the limit's short name, the frame column, the axis title.
LATENCY_PANELS = (("TTFT", "ttft_ms_p99", "p99 TTFT (ms)"), ("TPOT", "tpot_ms_p99", "p99 TPOT (ms)"))
PANEL_HEIGHT = 300


def _slo_lines(fig: go.Figure, slos: Mapping[str, Mapping[str, float]], colors: Mapping[str, str]) -> None:
    """One dotted line per SLO value and panel, naming every side it limits."""
    for row, (name, _column, _title) in enumerate(LATENCY_PANELS, start=1):
        by_value: dict[float, list[str]] = {}
        for series, limits in slos.items():
            if limits.get(name) is not None:
                by_value.setdefault(float(limits[name]), []).append(series)
        for slo, names in by_value.items():
            color = colors.get(names[0], palette.NEUTRAL) if len(names) == 1 else palette.NEUTRAL
            fig.add_hline(y=slo, row=row, col=1, line={"color": color, "dash": "dot", "width": 2},
                          annotation_text=f"{' and '.join(names)} SLO: p99 {name} ≤ {slo:,.0f} ms",
                          annotation_position="top left", annotation_font_color=palette.NEUTRAL)


def throughput_latency(points: pd.DataFrame, slos: Mapping[str, Mapping[str, float]] | None = None,
                       colors: Mapping[str, str] | None = None) -> go.Figure:
    """p99 TTFT (top) and p99 TPOT (bottom) against aggregate decode tokens/s, one marker per batch size;
    every SLO limit as a line in its panel; chosen points ringed. A log throughput axis when the batches
    span more than a decade (each doubling of the batch then takes a similar step).

    `points` columns: series, batch_size, decode_tokens_per_s, ttft_ms_p99, tpot_ms_p99, chosen (bool);
    `slos`: series → {limit name ('TTFT', 'TPOT'): ms}.
    """
    colors = {**SIDE_COLORS, **(colors or {})}
    fig = make_subplots(rows=len(LATENCY_PANELS), cols=1, shared_xaxes=True, vertical_spacing=0.08)
    for i, (series, group) in enumerate(points.groupby("series", sort=False)):
        color = colors.get(series, palette.SCENARIOS[i % len(palette.SCENARIOS)])
        group = group.sort_values("batch_size")
        chosen = group[group["chosen"]]
        for row, (name, column, _title) in enumerate(LATENCY_PANELS, start=1):
            fig.add_trace(go.Scatter(
                x=group["decode_tokens_per_s"], y=group[column], name=series,
                legendgroup=series, showlegend=row == 1, customdata=group["batch_size"],
                # batch labels once, in the bottom panel: the panels share the x positions
                text=[f"b{b}" for b in group["batch_size"]] if row == len(LATENCY_PANELS) else None,
                mode="lines+markers+text" if row == len(LATENCY_PANELS) else "lines+markers",
                textposition="top left", cliponaxis=False,  # a label above the top point is not cut
                line={"color": color, "width": 2}, marker={"color": color, "size": 8},
                hovertemplate="batch %{customdata}: %{x:,.0f} tok/s, p99 " + name + " %{y:,.1f} ms<extra>"
                              + series + "</extra>",
            ), row=row, col=1)
            if len(chosen):
                fig.add_trace(go.Scatter(
                    x=chosen["decode_tokens_per_s"], y=chosen[column], name=f"{series}: operating point",
                    legendgroup=f"{series} chosen", showlegend=row == 1, mode="markers",
                    marker={"color": color, "size": 18, "symbol": "circle-open",
                            "line": {"width": 3, "color": color}},
                    hovertemplate="operating point: %{x:,.0f} tok/s, p99 " + name
                                  + " %{y:,.1f} ms<extra></extra>",
                ), row=row, col=1)
    _slo_lines(fig, slos or {}, colors)
    apply_layout(fig, "Throughput vs latency per batch size", "", "",
                 Look(money=False, height=PANEL_HEIGHT * len(LATENCY_PANELS), hovermode="closest"))
    for row, (_name, _column, title) in enumerate(LATENCY_PANELS, start=1):
        fig.update_yaxes(title=title, rangemode="tozero", row=row, col=1)
    fig.update_xaxes(title="Decode throughput (tokens/s, all sequences)", row=len(LATENCY_PANELS), col=1)
    known = points["decode_tokens_per_s"].dropna()
    log_x = len(known) > 0 and known.min() > 0 and known.max() / known.min() > LOG_AXIS_SPAN
    if log_x:  # powers of ten only ("100", "1k", "10k"): in-between digits would crowd the axis
        fig.update_xaxes(type="log", dtick=1, tickformat="~s")
    return spaced_labels(fig, log_x=log_x)


def fleets(monthly: pd.DataFrame, gpus_per_replica: Mapping[str, float]) -> go.Figure:
    """Per month: the student's replicas and, beside them, the teacher replicas kept for the fallback
    share (bars), and the student's average utilization (line, right axis).

    `monthly` columns: month, replicas, fallback_replicas, utilization; `gpus_per_replica` names each
    side's replica size for the legend. The planning target applies at peak, not to the average, so it is
    not drawn against it.
    """
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    bars = (("replicas", "Student", palette.STUDENT),
            ("fallback_replicas", "Teacher fallback", palette.TEACHER))
    for column, label, color in bars:
        if column not in monthly or not monthly[column].any():
            continue
        gpus = gpus_per_replica.get(label.split()[0])
        name = f"{label} replicas" + (f" ({gpus:g} GPU{'s' if gpus != 1 else ''} each)" if gpus else "")
        fig.add_trace(go.Bar(
            x=monthly["month"], y=monthly[column], name=name, marker={"color": color}, opacity=0.85,
            hovertemplate="%{y:,.1f} replicas<extra>" + label + "</extra>",
        ), secondary_y=False)
    fig.add_trace(go.Scatter(
        x=monthly["month"], y=monthly["utilization"], name="Student average utilization",
        mode="lines+markers",
        line={"color": palette.NEUTRAL, "width": 2}, hovertemplate="%{y:.0%}",
    ), secondary_y=True)
    fig.update_layout(barmode="group")
    apply_layout(fig, "Replicas per month: student and teacher fallback", "Month",
                 "Replicas", Look(money=False))
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
