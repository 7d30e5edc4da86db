"""A self-contained HTML report of one evaluation: headline, warnings, the charts, the monthly table.

Imports plotly, pandas, econ and ui.charts/ui.format; no streamlit. plotly.js is inlined once
(include_plotlyjs=True), so the file opens offline.
"""

from __future__ import annotations

import html

import econ
from econ.io.formats import FORMATTERS
from ui import format as fmt
from ui.charts import costs as cost_charts
from ui.charts import serving as serving_charts

STYLE = """
body { font-family: system-ui, sans-serif; color: #1a1a1a; max-width: 1100px; margin: 2em auto; padding: 0 1em; }
table { border-collapse: collapse; font-size: 0.9em; }
td, th { border-bottom: 1px solid #d9d9d9; padding: 4px 10px; text-align: right; }
th:first-child, td:first-child { text-align: left; }
.warning { background: #fff4e5; border-left: 4px solid #b35c00; padding: 6px 10px; margin: 6px 0; }
"""


def report_html(result: econ.Evaluation) -> str:
    """The whole report as one HTML document."""
    s = result.scenario
    headline = [(item.label_for(s), FORMATTERS[item.kind](getattr(result, item.name))) for item in econ.HEADLINE]
    if "student_training_usd" in result.upfront_lines_usd:  # a distillation run: each phase under the total
        at = next(i for i, item in enumerate(econ.HEADLINE) if item.name == "upfront_usd") + 1
        headline[at:at] = [(f"· {name.removesuffix('_usd').replace('_', ' ')}", fmt.usd(value))
                           for name, value in result.upfront_lines_usd.items()]
    figures = [
        cost_charts.cumulative_costs(result.monthly, result.payback_months, result.upfront_usd),
        cost_charts.cost_breakdown(result.monthly),
    ]
    if isinstance(s.student, econ.SelfHostedServing):
        figures.append(serving_charts.replicas_utilization(result.monthly))
    plots = [fig.to_html(full_html=False, include_plotlyjs=(i == 0)) for i, fig in enumerate(figures)]
    rows = "".join(f"<tr><td>{html.escape(k)}</td><td>{html.escape(v)}</td></tr>" for k, v in headline)
    warnings = "".join(f'<div class="warning">{html.escape(w)}</div>' for w in result.warnings)
    table = result.monthly.to_html(index=False, float_format=lambda v: f"{v:,.2f}", border=0)
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'>"
        f"<title>Distillation break-even: {html.escape(s.name)}</title><style>{STYLE}</style></head><body>"
        f"<h1>Does distilling pay off? {html.escape(s.name)}</h1><p>{html.escape(s.description)}</p>"
        f"<table>{rows}</table>{warnings}{''.join(plots)}<h2>Monthly table (USD)</h2>{table}"
        f"<h2>Scenario</h2><pre>{html.escape(s.model_dump_json(indent=2, exclude_none=True))}</pre>"
        "</body></html>"
    )
