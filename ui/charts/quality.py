"""Quality charts: pure functions from econ's measured quality tables (pandas) to Plotly figures.

Imports pandas, plotly and `ui.palette`/`ui.charts`; never streamlit, and no statistics: every number
plotted comes from `econ.evidence.rates` or `econ.risk.threshold`. Intervals are drawn as bars around the
measured rate; the chosen and the best threshold are marked on the curves.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from ui.charts import palette
from ui.charts.layout import Look, apply_layout

PERCENT_AXIS = {"tickformat": ".0%", "rangemode": "tozero"}
MONEY_AXIS = {"tickprefix": "$", "tickformat": "~s"}
PRODUCTION_COLOR = palette.STUDENT
OTHER_COLOR = "#999999"  # non-production sources: grey, they are not what production sees
BEST_COLOR = "#009E73"  # bluish green (Okabe–Ito): the NPV-maximising threshold
CHOSEN_COLOR = palette.TEACHER  # the threshold in the scenario


def source_rates(table: pd.DataFrame) -> go.Figure:
    """Error rate per source with its 95% Wilson interval; table: source, error_rate, ci95_low, ci95_high, rows."""
    colors = [PRODUCTION_COLOR if s == "production" else OTHER_COLOR for s in table["source"]]
    fig = go.Figure(go.Bar(
        x=table["source"], y=table["error_rate"], marker={"color": colors},
        error_y={"type": "data", "symmetric": False, "array": table["ci95_high"] - table["error_rate"],
                 "arrayminus": table["error_rate"] - table["ci95_low"], "color": palette.NEUTRAL, "width": 8},
        customdata=table[["ci95_low", "ci95_high", "rows"]].to_numpy(),
        hovertemplate="%{x}: %{y:.1%} (95% CI %{customdata[0]:.1%}–%{customdata[1]:.1%}), "
                      "%{customdata[2]:,} rows<extra></extra>",
        name="student error rate (measured)",
    ))
    fig = apply_layout(fig, "Error rate by source (95% Wilson interval)", "source",
                       "student error rate (measured)", Look(money=False, height=340, hovermode="closest"))
    fig.update_layout(showlegend=False)
    fig.update_yaxes(**PERCENT_AXIS)
    return fig


def _mark(fig: go.Figure, x: float, y: float, text: str, color: str, symbol: str) -> None:
    fig.add_trace(go.Scatter(x=[x], y=[y], mode="markers+text", text=[text], textposition="top center",
                             marker={"color": color, "size": 13, "symbol": symbol}, name=text,
                             hovertemplate=f"{text}<extra></extra>"))


def router_tradeoff(curve: pd.DataFrame, chosen: float | None = None, best: float | None = None,
                    bar: float | None = None) -> go.Figure:
    """Fallback rate (x) against residual error rate (y), one point per threshold; curve: threshold,
    fallback_rate, error_rate. `bar`: the teacher's error rate, drawn as the line the student must stay under."""
    fig = go.Figure(go.Scatter(
        x=curve["fallback_rate"], y=curve["error_rate"], mode="lines+markers", line={"color": palette.STUDENT},
        marker={"size": 4}, customdata=curve["threshold"], name="router curve (measured)",
        hovertemplate="threshold %{customdata:.3g}: %{x:.1%} fall back, %{y:.2%} errors<extra></extra>",
    ))
    marks = [(best, "best NPV", BEST_COLOR, "star")]
    if chosen != best:
        marks.append((chosen, "chosen", CHOSEN_COLOR, "diamond"))
    for value, text, color, symbol in marks:
        if value is not None:
            row = curve.iloc[(curve["threshold"] - value).abs().argmin()]
            _mark(fig, row.fallback_rate, row.error_rate, f"{text} ({value:.3g})", color, symbol)
    if bar is not None:
        fig.add_hline(y=bar, line={"color": palette.TEACHER, "dash": "dash"},
                      annotation_text=f"the bar: teacher's error rate {bar:.1%}", annotation_position="top right")
    fig = apply_layout(fig, "Router trade-off (measured)", "fallback rate (to the teacher)",
                       "residual error rate", Look(money=False, height=380, hovermode="closest"))
    fig.update_layout(showlegend=False)  # the marked points carry their own labels
    fig.update_xaxes(**PERCENT_AXIS)
    fig.update_yaxes(**PERCENT_AXIS)
    return fig


def npv_by_threshold(sweep: pd.DataFrame, best: float, chosen: float | None = None) -> go.Figure:
    """NPV against the router threshold with the optimum marked; sweep: threshold, npv_usd, fallback_rate."""
    fig = go.Figure(go.Scatter(
        x=sweep["threshold"], y=sweep["npv_usd"], mode="lines+markers", line={"color": palette.STUDENT},
        marker={"size": 4}, customdata=sweep["fallback_rate"], name="NPV at each threshold",
        hovertemplate="threshold %{x:.3g} (%{customdata:.1%} fall back): NPV $%{y:,.0f}<extra></extra>",
    ))
    row = sweep.loc[sweep["threshold"] == best].iloc[0]
    _mark(fig, best, row.npv_usd, f"best ({best:.3g})", BEST_COLOR, "star")
    if chosen is not None and chosen != best:
        near = sweep.iloc[(sweep["threshold"] - chosen).abs().argmin()]
        _mark(fig, near.threshold, near.npv_usd, f"chosen ({chosen:.3g})", CHOSEN_COLOR, "diamond")
    fig.add_hline(y=0, line={"color": palette.CROSSING, "width": 1, "dash": "dot"})
    fig = apply_layout(fig, "NPV by router threshold", "router threshold (below it → teacher)",
                       "NPV (USD)", Look(money=False, height=380, hovermode="closest"))
    fig.update_layout(showlegend=False)
    fig.update_yaxes(**MONEY_AXIS)
    return fig
