"""Portfolio chart: NPV of every screened task as bars coloured by verdict. A pure function (never streamlit).

Imports pandas, plotly and `ui.charts`; the numbers come from `econ.portfolio.screen`. Colors follow the app's
sides: Distil is the student's blue, Don't distil the teacher's vermillion, Not yet decidable Okabe–Ito
orange; each bar also carries its verdict in words (econ.risk.verdict's labels), so color is never the only
cue.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from ui.charts import palette
from ui.charts.layout import MONEY_TICKS, Look, apply_layout

VERDICT_COLORS = {"distil": palette.STUDENT, "undecidable": "#E69F00", "dont_distil": palette.TEACHER}
VERDICT_LABELS = {"distil": "Distil", "undecidable": "Not yet decidable", "dont_distil": "Don't distil"}
BAR_HEIGHT_PX = 26  # per task, so labels stay readable for tens of tasks
MIN_HEIGHT_PX = 260
MAX_BARS = 60  # the largest |NPV| first; a screen of 1,000 tasks shows its top 60


def npv_bars(frame: pd.DataFrame) -> go.Figure:
    """Horizontal NPV bars, ranked top to bottom; `frame` has task, npv_usd, verdict (unscored rows
    skipped)."""
    scored = frame.dropna(subset=["npv_usd"])
    scored = scored.loc[scored["npv_usd"].abs().sort_values(ascending=False).index[:MAX_BARS]]
    scored = scored.sort_values("npv_usd")
    fig = go.Figure()
    for verdict, color in VERDICT_COLORS.items():
        rows = scored.loc[scored["verdict"] == verdict]
        fig.add_trace(go.Bar(
            x=rows["npv_usd"], y=rows["task"], orientation="h", name=VERDICT_LABELS[verdict],
            marker_color=color,
            text=[VERDICT_LABELS[verdict]] * len(rows), textposition="inside", insidetextanchor="start",
            hovertemplate="%{y}: NPV $%{x:,.0f} (" + VERDICT_LABELS[verdict] + ")<extra></extra>",
        ))
    height = max(MIN_HEIGHT_PX, BAR_HEIGHT_PX * len(scored) + 120)
    apply_layout(fig, "NPV by task, coloured by verdict", "NPV over the horizon", "",
                 Look(money=False, height=height, hovermode="closest"))
    fig.update_xaxes(**MONEY_TICKS, zeroline=True, zerolinecolor=palette.NEUTRAL)
    fig.update_yaxes(categoryorder="array", categoryarray=list(scored["task"]))
    fig.update_layout(barmode="overlay")
    return fig
