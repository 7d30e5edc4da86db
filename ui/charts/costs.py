"""Cost charts: the cumulative curves with their crossing, the monthly breakdown, two scenarios compared.

Imports pandas, numpy, plotly and `ui.charts`/`ui.format`; never streamlit, and no cost math: every
number plotted comes from `econ` (the monthly table, the headline). The one computation here places the
crossing marker on the drawn lines at econ's interpolated payback month.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ui.charts import palette
from ui.charts.layout import MONEY_HOVER, Look, apply_layout
from ui.format import months as fmt_months
from ui.format import usd as fmt_usd


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


def methods_upfront(frame: pd.DataFrame) -> go.Figure:
    """Upfront distillation spend of each allowed method (econ.chain.methods' table), stacked by phase."""
    allowed = frame[frame["ruled_out"] == ""]
    fig = go.Figure()
    for column, (label, color) in palette.PHASES.items():
        values = allowed[column].to_numpy(dtype=float)
        if not np.any(values):
            continue
        fig.add_trace(go.Bar(x=allowed["method"], y=values, name=label, marker={"color": color, "line": {"width": 0}},
                             hovertemplate=MONEY_HOVER))
    fig.update_layout(barmode="stack", bargap=0.35, legend_traceorder="normal")
    return apply_layout(fig, "Distillation spend by method and phase (engineering and evaluation left out)",
                        "Method", "Upfront spend (USD)", Look(hovermode="closest"))
