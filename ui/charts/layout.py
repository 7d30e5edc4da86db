"""The house style every chart shares: title, legend, grid, money ticks, and the side colors; and the two
rules that keep text from printing over text: the title sits at the top of the figure and the legend
at its bottom (both in container coordinates, each pushing the plot area away: a legend that wraps to a
second row can never reach the title), and point labels that would overprint a kept one are dropped
(`spaced_labels`; the hover still names every point).

Imports plotly and `ui.charts.palette`; never streamlit.
"""

from __future__ import annotations

import math
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
    top_margin: int = 50
    hovermode: str = "x unified"


HOUSE_LOOK = Look()

# Point labels: a label is kept only if its box clears every kept one, judged on a plot this many pixels
# wide and high (the narrowest place a chart is drawn: one of the Profiles page's two columns), with a
# character this wide and a line this high at the house font size (13 px).
LABEL_PLOT_PX = (440, 300)
LABEL_CHAR_PX = 7.5
LABEL_LINE_PX = 16


def _scaled(values, log: bool) -> list[float | None]:
    out = []
    for v in values:
        if v is None or v != v or (log and v <= 0):  # None, NaN, or no place on a log axis
            out.append(None)
        else:
            out.append(math.log10(v) if log else float(v))
    return out


def _unit(values: list[float | None]) -> tuple[float, float]:
    known = [v for v in values if v is not None]
    low, high = (min(known), max(known)) if known else (0.0, 1.0)
    return low, (high - low) or 1.0


def spaced_labels(fig: go.Figure, log_x: bool = False, log_y: bool = False) -> go.Figure:
    """Blank every point label of a text trace whose box would overlap a kept label (last point first, so
    the ends of a curve keep theirs). Labels are judged together per subplot (pair of axes)."""
    panels: dict[tuple[str, str], list] = {}
    for trace in fig.data:
        if getattr(trace, "text", None) is not None and "text" in (trace.mode or ""):
            panels.setdefault((trace.xaxis or "x", trace.yaxis or "y"), []).append(trace)
    height_px = LABEL_PLOT_PX[1] / max(1, len({y for _, y in panels}))
    for traces in panels.values():
        xs = [_scaled(list(t.x), log_x) for t in traces]
        ys = [_scaled(list(t.y), log_y) for t in traces]
        (x0, dx), (y0, dy) = _unit(sum(xs, [])), _unit(sum(ys, []))
        kept: list[tuple[float, float, float]] = []  # centre x, centre y (px) and half width
        for trace, tx, ty in zip(traces, xs, ys, strict=True):
            labels = list(trace.text)
            for i in reversed(range(len(labels))):
                if tx[i] is None or ty[i] is None or not labels[i]:
                    continue
                x, y = (tx[i] - x0) / dx * LABEL_PLOT_PX[0], (ty[i] - y0) / dy * height_px
                half = len(str(labels[i])) * LABEL_CHAR_PX / 2
                if any(abs(x - kx) < half + kh and abs(y - ky) < LABEL_LINE_PX for kx, ky, kh in kept):
                    labels[i] = ""
                else:
                    kept.append((x, y, half))
            trace.text = labels
    return fig


def apply_layout(fig: go.Figure, title: str, x_title: str, y_title: str,
                 look: Look = HOUSE_LOOK) -> go.Figure:
    """The house style every chart shares: left title on top, horizontal legend at the bottom, light grid,
    $ ticks."""
    money, height, top_margin, hovermode = look.money, look.height, look.top_margin, look.hovermode
    fig.update_layout(
        title={"text": title, "x": 0, "xanchor": "left", "yref": "container", "y": 1, "yanchor": "top",
               "pad": {"t": 8}, "automargin": True},
        template="plotly_white",
        font={"color": palette.FONT_COLOR, "size": 13},
        legend={"orientation": "h", "yref": "container", "yanchor": "bottom", "y": 0, "xanchor": "left",
                "x": 0},
        margin={"l": 10, "r": 10, "t": top_margin, "b": 10},
        hovermode=hovermode,
        height=height,
    )
    fig.update_xaxes(title=x_title, gridcolor=palette.GRID_COLOR, zeroline=False)
    fig.update_yaxes(title=y_title, gridcolor=palette.GRID_COLOR, zeroline=False)
    if money:
        fig.update_yaxes(**MONEY_TICKS)
    return fig
