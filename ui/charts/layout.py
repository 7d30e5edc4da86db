"""The house style every chart shares: title, legend, grid, money ticks, and the side colors.

Imports plotly and `ui.charts.palette`; never streamlit.
"""

from __future__ import annotations

from dataclasses import dataclass

import plotly.graph_objects as go

from ui.charts import palette

MONEY_TICKS = {"tickprefix": "$", "tickformat": "~s"}  # $12.3k, $1.2M
MONEY_HOVER = "$%{y:,.0f}"
LOG_AXIS_SPAN = 10.0  # cost axes spanning more than a decade go logarithmic
SIDE_COLORS = {"Teacher": palette.TEACHER, "Student": palette.STUDENT}


@dataclass(frozen=True)
class Look:
    """Where a chart departs from the house default: $ ticks on y (`money`), its height in pixels (None: the
    container's), the top margin for title and legend, and plotly's hover mode."""

    money: bool = True
    height: int | None = None
    top_margin: int = 70
    hovermode: str = "x unified"


HOUSE_LOOK = Look()


def apply_layout(fig: go.Figure, title: str, x_title: str, y_title: str,
                 look: Look = HOUSE_LOOK) -> go.Figure:
    """The house style every chart shares: left title, horizontal legend on top, light grid, $ ticks."""
    money, height, top_margin, hovermode = look.money, look.height, look.top_margin, look.hovermode
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
