"""Risk charts: pure functions from econ's risk tables (pandas) to Plotly figures.

Imports pandas, numpy, plotly and `ui.charts`/`ui.format`; never streamlit, and no cost math: every
number plotted comes from `econ.risk`, `econ.risk.decision` or `econ.traffic.forecast`. Ranges are drawn
before
points: bands and bars first, the point estimate as a thin line on top.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ui.charts import palette
from ui.charts.layout import Look, apply_layout
from ui.format import usd as fmt_usd

MONEY_AXIS = {"tickprefix": "$", "tickformat": "~s"}
HISTOGRAM_BINS = 60
LOW_END = "#56B4E9"  # sky blue: the input at its low value (Okabe–Ito)
HIGH_END = "#E69F00"  # orange: the input at its high value
OPTION_LINES = {  # decision components, stacked in this order
    "one_off_usd": ("One-off (upfront / switching)", "#999999"),
    "serving_usd": ("Serving", palette.STUDENT),
    "other_usd": ("Fallback, router, re-distillation, monitoring", "#009E73"),
    "errors_usd": ("Errors", "#CC79A7"),
}
OPTION_COLORS = {"stay": palette.TEACHER, "swap": "#7B3294", "distil": palette.STUDENT}
OPTION_DASHES = {"stay": "solid", "swap": "dot", "distil": "dash"}
DAY = pd.Timedelta(days=1)


def _layout(fig: go.Figure, title: str, x_title: str, y_title: str, height: int | None = None) -> go.Figure:
    """The shared house style (ui.charts.layout), money ticks left to each chart, hover on the nearest
    point."""
    return apply_layout(fig, title, x_title, y_title,
                        Look(money=False, height=height, top_margin=80, hovermode="closest"))


def _value(v: float) -> str:
    return f"{v:,.0f}" if abs(v) >= 1000 else f"{v:.3g}"


def tornado(rows: pd.DataFrame, base_npv_usd: float, title: str = "What moves NPV most") -> go.Figure:
    """Horizontal bars from the base NPV to the NPV at each input's low and high; largest swing on top.

    `rows` is `econ.Tornado.rows`, whose `coverage` column says what each bar's range spans.
    """
    rows = rows.iloc[::-1]  # plotly draws the first category at the bottom
    # Each bar names what its low–high covers (P10–P90, a measured rate's 95% interval, or a typed range).
    labels = [f"{r.label} ({_value(r.low_value)} – {_value(r.high_value)} {r.unit}; {r.coverage})"
              for r in rows.itertuples()]
    fig = go.Figure()
    for column, end, color in (("npv_low_usd", "low", LOW_END), ("npv_high_usd", "high", HIGH_END)):
        delta = rows[column].to_numpy() - base_npv_usd
        fig.add_trace(go.Bar(
            y=labels, x=delta, base=base_npv_usd, orientation="h", name=f"input at its {end} value",
            marker={"color": color}, customdata=rows[column].to_numpy(),
            hovertemplate="NPV $%{customdata:,.0f}<extra>%{fullData.name}</extra>",
        ))
    fig.update_layout(barmode="overlay")
    fig.add_vline(x=base_npv_usd, line={"color": palette.NEUTRAL, "width": 2},
                  annotation_text=f"as typed {fmt_usd(base_npv_usd)}", annotation_position="top")
    fig.add_vline(x=0, line={"color": palette.CROSSING, "width": 1, "dash": "dot"})
    fig = _layout(fig, title, "NPV (USD)", "", height=max(320, 60 + 38 * len(rows)))
    fig.update_xaxes(**MONEY_AXIS)
    return fig


def npv_histogram(draws: pd.DataFrame, p10: float, p90: float, title: str) -> go.Figure:
    """Histogram of NPV over the draws, losses and gains in two colors, the P10–P90 range shaded."""
    npv = draws["npv_usd"].to_numpy()
    edges = np.histogram_bin_edges(npv, bins=HISTOGRAM_BINS)
    size = float(edges[1] - edges[0]) or 1.0
    fig = go.Figure()
    fig.add_vrect(x0=p10, x1=p90, fillcolor=palette.GRID_COLOR, opacity=0.5, line_width=0,
                  annotation_text="P10–P90", annotation_position="top left")
    for mask, name, color in ((npv < 0, "loses money (NPV < 0)", palette.TEACHER),
                              (npv >= 0, "makes money (NPV ≥ 0)", palette.STUDENT)):
        fig.add_trace(go.Histogram(
            x=npv[mask], name=name, marker={"color": color}, histnorm="percent",
            xbins={"start": float(edges[0]), "end": float(edges[-1]) + size, "size": size},
            hovertemplate="NPV %{x}<br>%{y:.1f}% of draws<extra></extra>",
        ))
    fig.update_layout(barmode="overlay", bargap=0.02)
    fig.update_traces(opacity=0.85)
    fig.add_vline(x=0, line={"color": palette.CROSSING, "width": 1, "dash": "dot"})
    fig = _layout(fig, title, "NPV (USD)", "share of draws (%)")
    fig.update_xaxes(**MONEY_AXIS)
    return fig


def payback_by_month(curve: pd.DataFrame, title: str = "Chance of having paid back, by month") -> go.Figure:
    """P(payback ≤ month) as a step line in percent; a year marked."""
    fig = go.Figure(go.Scatter(
        x=curve["month"], y=100 * curve["p_paid_back"], mode="lines",
        line={"shape": "hv", "color": palette.STUDENT,
                                                                              "width": 3},
        name="paid back by this month", hovertemplate="month %{x}: %{y:.0f}%<extra></extra>",
    ))
    if curve["month"].max() >= 12:
        fig.add_vline(x=12, line={"color": palette.NEUTRAL, "dash": "dot"}, annotation_text="1 year")
    fig = _layout(fig, title, "month", "chance (%)")
    fig.update_yaxes(range=[0, 100], ticksuffix="%")
    return fig


def decision_costs(options: pd.DataFrame, recommendation: str, months: int) -> go.Figure:
    """Stacked total cost of each option (present value), components in the same order for every bar."""
    names = [f"{row.label} ✓ recommended" if row.option == recommendation else row.label
             for row in options.itertuples()]
    fig = go.Figure()
    for column, (name, color) in OPTION_LINES.items():
        fig.add_trace(go.Bar(y=names, x=options[column], name=name, orientation="h", marker={"color": color},
                             hovertemplate="$%{x:,.0f}<extra>" + name + "</extra>"))
    fig.update_layout(barmode="stack")
    fig = _layout(fig, f"Total cost over {months} months (present value, errors included)", "USD", "",
                  height=220 + 60 * len(options))
    fig.update_xaxes(**MONEY_AXIS)
    fig.update_yaxes(autorange="reversed")
    return fig


def decision_cumulative(monthly: pd.DataFrame) -> go.Figure:
    """Cumulative cost of each option by month (undiscounted, one-off spend at month 0)."""
    fig = go.Figure()
    for option in ("stay", "swap", "distil"):
        column = f"{option}_usd"
        if column in monthly:
            fig.add_trace(go.Scatter(
                x=monthly["month"], y=monthly[column], mode="lines", name=option,
                line={"color": OPTION_COLORS[option], "dash": OPTION_DASHES[option], "width": 3},
                hovertemplate="$%{y:,.0f}<extra>" + option + "</extra>",
            ))
    fig = _layout(fig, "Cumulative cost by month", "month", "USD")
    fig.update_yaxes(**MONEY_AXIS)
    return fig


def traffic_forecast(history: pd.Series, monthly: pd.DataFrame, days_per_month: float) -> go.Figure:
    """Daily history, then the forecast as requests/day per month with its P10–P90 band (same units)."""
    start = history.index[-1] + DAY
    mid = [start + (m - 0.5) * days_per_month * DAY for m in monthly["month"]]
    per_day = monthly[["requests", "low", "high"]] / days_per_month
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=mid + mid[::-1], y=list(per_day["high"]) + list(per_day["low"][::-1]),
                             fill="toself", fillcolor="rgba(0,114,178,0.18)", line={"width": 0},
                             name="forecast P10–P90", hoverinfo="skip"))
    fig.add_trace(go.Scatter(x=history.index, y=history.to_numpy(), mode="lines", name="history (daily)",
                             line={"color": palette.NEUTRAL, "width": 1}))
    fig.add_trace(go.Scatter(x=mid, y=per_day["requests"], mode="lines+markers",
                             name="forecast (monthly average)",
                             line={"color": palette.STUDENT, "width": 3, "dash": "dash"},
                             hovertemplate="%{y:,.0f} requests/day<extra></extra>"))
    return _layout(fig, "Traffic: history and forecast", "date", "requests/day")
