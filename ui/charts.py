"""Chart builders: pure functions from econ's tables (pandas DataFrames) to Plotly figures.

Imports pandas, numpy, plotly and `ui.palette`/`ui.format`; never streamlit, and no cost math: every
number plotted comes from `econ` (the monthly table, the headline, a profile's points). The one
computation here places the crossing marker on the drawn lines at econ's interpolated payback month.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ui import palette
from ui.format import months as fmt_months
from ui.format import usd as fmt_usd

MONEY_TICKS = {"tickprefix": "$", "tickformat": "~s"}  # $12.3k, $1.2M
MONEY_HOVER = "$%{y:,.0f}"
LOG_AXIS_SPAN = 10.0  # cost axes spanning more than a decade go logarithmic
SIDE_COLORS = {"Teacher": palette.TEACHER, "Student": palette.STUDENT}


def apply_layout(fig: go.Figure, title: str, x_title: str, y_title: str, money: bool = True,
                 height: int | None = None, top_margin: int = 70, hovermode: str = "x unified") -> go.Figure:
    """The house style every chart shares: left title, horizontal legend on top, light grid, $ ticks."""
    fig.update_layout(
        title={"text": title, "x": 0, "xanchor": "left"},
        template="plotly_white",
        font={"color": palette.FONT_COLOR, "size": 13},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "xanchor": "left", "x": 0},
        margin={"l": 10, "r": 10, "t": top_margin, "b": 10},
        hovermode=hovermode,
        height=height,
    )
    fig.update_xaxes(title=x_title, gridcolor=palette.GRID_COLOR, zeroline=False)
    fig.update_yaxes(title=y_title, gridcolor=palette.GRID_COLOR, zeroline=False)
    if money:
        fig.update_yaxes(**MONEY_TICKS)
    return fig


def _with_month_zero(monthly: pd.DataFrame, column: str, at_zero: float) -> tuple[np.ndarray, np.ndarray]:
    x = np.concatenate([[0], monthly["month"].to_numpy(dtype=float)])
    y = np.concatenate([[at_zero], monthly[column].to_numpy(dtype=float)])
    return x, y


def crossing_point(monthly: pd.DataFrame, payback_months: float | None, upfront_usd: float):
    """(month, cumulative USD) where the two drawn cumulative lines cross, at econ's payback month.

    Both lines are straight inside a month, and so is their difference (econ's cumulative_usd), which
    econ interpolates linearly to find payback: the marker sits exactly on both lines.
    """
    if payback_months is None:
        return None
    x, teacher = _with_month_zero(monthly, "teacher_cumulative_usd", 0.0)
    return float(payback_months), float(np.interp(payback_months, x, teacher))


def cumulative_costs(monthly: pd.DataFrame, payback_months: float | None, upfront_usd: float) -> go.Figure:
    """Cumulative cost of "stay on teacher" vs "distil" (upfront at month 0), the crossing marked."""
    fig = go.Figure()
    x, teacher = _with_month_zero(monthly, "teacher_cumulative_usd", 0.0)
    _, student = _with_month_zero(monthly, "student_cumulative_usd", upfront_usd)
    fig.add_trace(go.Scatter(
        x=x, y=teacher, name="Stay on teacher", mode="lines",
        line={"color": palette.TEACHER, "width": 3}, hovertemplate=MONEY_HOVER,
    ))
    fig.add_trace(go.Scatter(
        x=x, y=student, name="Distil (upfront included)", mode="lines",
        line={"color": palette.STUDENT, "width": 3, "dash": "dash"}, hovertemplate=MONEY_HOVER,
    ))
    point = crossing_point(monthly, payback_months, upfront_usd)
    horizon = int(monthly["month"].max()) if len(monthly) else 0
    if point is not None:
        px, py = point
        fig.add_trace(go.Scatter(
            x=[px], y=[py], name="Break-even", mode="markers",
            marker={"color": palette.CROSSING, "size": 12, "symbol": "diamond",
                    "line": {"color": "white", "width": 2}},
            hovertemplate=f"Pays back after {fmt_months(px)}<extra></extra>",
        ))
        fig.add_annotation(
            x=px, y=py, text=f"<b>Pays back after {fmt_months(px)}</b><br>{fmt_usd(py)} spent either way",
            showarrow=True, arrowhead=2, ax=40, ay=-60, font={"color": palette.CROSSING},
            bgcolor="rgba(255,255,255,0.9)", bordercolor=palette.NEUTRAL, name="crossing",
        )
    else:
        fig.add_annotation(
            x=horizon, y=float(max(teacher.max(initial=0), student.max(initial=0))), xanchor="right",
            text=f"<b>No payback within {horizon} months</b>", showarrow=False,
            font={"color": palette.CROSSING}, bgcolor="rgba(255,255,255,0.9)", name="crossing",
        )
    return apply_layout(fig, "Cumulative cost: stay on the teacher vs distil", "Month", "Cumulative cost (USD)")


def cost_breakdown(monthly: pd.DataFrame) -> go.Figure:
    """Monthly student-side cost stacked by line (serving, fallback, …), the teacher's bill as a line."""
    fig = go.Figure()
    for column, (label, color) in palette.BREAKDOWN.items():
        values = monthly[column].to_numpy(dtype=float)
        if column != "student_serving_usd" and not np.any(values):
            continue  # a line that costs nothing would only clutter the legend
        fig.add_trace(go.Bar(
            x=monthly["month"], y=values, name=label, marker={"color": color, "line": {"width": 0}},
            hovertemplate=MONEY_HOVER,
        ))
    fig.add_trace(go.Scatter(
        x=monthly["month"], y=monthly["teacher_usd"], name="Teacher (stay)", mode="lines+markers",
        line={"color": palette.TEACHER, "width": 3}, marker={"symbol": "circle-open", "size": 7},
        hovertemplate=MONEY_HOVER,
    ))
    fig.update_layout(barmode="stack", bargap=0.15, legend_traceorder="normal")
    return apply_layout(fig, "Monthly cost of the distilled system, by line", "Month", "Cost per month (USD)")


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
    return apply_layout(fig, "Throughput vs latency per batch size", "Decode throughput (tokens/s, all sequences)",
                   "p99 time per output token (ms)", money=False)


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
    apply_layout(fig, "Student fleet: replicas and utilization per month", "Month", "Replicas", money=False)
    fig.update_yaxes(title="Average utilization", tickformat=".0%", rangemode="tozero", secondary_y=True,
                     showgrid=False)
    fig.update_yaxes(rangemode="tozero", secondary_y=False)
    return fig


def cost_per_mtok_vs_utilization(curves: pd.DataFrame, observed: pd.DataFrame | None = None,
                                 flat: Mapping[str, float] | None = None) -> go.Figure:
    """Serving cost per 1M tokens against utilization: each self-hosted side's curve, its months as dots,
    and API sides as flat lines (an API bills per token whatever the utilization).

    `curves`/`observed` columns: series, utilization, usd_per_mtok.
    """
    fig = go.Figure()
    for series, group in curves.groupby("series", sort=False):
        color = SIDE_COLORS.get(series, palette.NEUTRAL)
        fig.add_trace(go.Scatter(
            x=group["utilization"], y=group["usd_per_mtok"], name=f"{series}, self-hosted", mode="lines",
            line={"color": color, "width": 3}, hovertemplate="%{x:.0%} busy: $%{y:,.3f} per 1M tokens",
        ))
    if observed is not None:
        for series, group in observed.groupby("series", sort=False):
            color = SIDE_COLORS.get(series, palette.NEUTRAL)
            fig.add_trace(go.Scatter(
                x=group["utilization"], y=group["usd_per_mtok"], name=f"{series}: this scenario's months",
                mode="markers", marker={"color": color, "size": 9, "symbol": "diamond",
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
            "USD per 1M tokens", money=False)
    fig.update_xaxes(tickformat=".0%")
    values = [v for t in fig.data for v in t.y if v is not None and v > 0]
    if values and max(values) / min(values) > LOG_AXIS_SPAN:
        # Powers of ten only: plotly's in-between log labels ("2", "5") would lose the $ sign.
        fig.update_yaxes(type="log", tickprefix="$", dtick=1)
    else:
        fig.update_yaxes(tickprefix="$", rangemode="tozero")
    return fig


def scenario_comparison(monthlies: Mapping[str, pd.DataFrame], paybacks: Mapping[str, float | None],
                        upfronts: Mapping[str, float]) -> go.Figure:
    """Net cumulative savings of several scenarios (−upfront at month 0), each payback marked on zero."""
    fig = go.Figure()
    fig.add_hline(y=0, line={"color": palette.NEUTRAL, "width": 1})
    for i, (name, monthly) in enumerate(monthlies.items()):
        color = palette.SCENARIOS[i % len(palette.SCENARIOS)]
        dash = palette.SCENARIO_DASHES[i % len(palette.SCENARIO_DASHES)]
        x, y = _with_month_zero(monthly, "cumulative_usd", -upfronts[name])
        fig.add_trace(go.Scatter(x=x, y=y, name=name, mode="lines", line={"color": color, "width": 3, "dash": dash},
                                 hovertemplate=MONEY_HOVER))
        payback = paybacks.get(name)
        if payback is not None:
            fig.add_trace(go.Scatter(
                x=[payback], y=[0.0], name=f"{name}: pays back after {fmt_months(payback)}", mode="markers",
                marker={"color": color, "size": 12, "symbol": "diamond", "line": {"color": "white", "width": 2}},
                hovertemplate=f"{name}: pays back after {fmt_months(payback)}<extra></extra>",
            ))
    return apply_layout(fig, "Net cumulative savings of distilling, by scenario", "Month",
                   "Cumulative savings after upfront (USD)")
