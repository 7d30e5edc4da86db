"""The decision report: one to two A4 pages a team lead can forward. HTML at page width, and the same HTML as
PDF (WeasyPrint). `python -m econ report SCENARIO --out report.html|report.pdf`; the app's Scenarios page
offers the same files.

Imports the `econ` packages below it; WeasyPrint only inside `report_pdf` (so `import econ` never needs it).
It holds the verdict, the headline with units, the cumulative-cost chart, the risk ranges and the top three
tornado drivers, the quality evidence in one line and the assumptions in words; for a portfolio
(`--usage SOURCE`, the scenario as the screen's template) the ranked tasks: verdict, P10 and point NPV,
payback, the first `PORTFOLIO_ROWS` of them, so the report stays on two pages. The scenario JSON is never
dumped into the page: the PDF carries it as an attachment and the HTML links to the file written beside it.
"""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass, replace

from econ.chain.evaluate import HEADLINE, Evaluation, evaluate
from econ.cli.report_chart import cumulative_svg
from econ.io.formats import FORMATTERS, usd
from econ.model.plausibility import input_flags, output_flags
from econ.model.prices import api_prices, gpu_prices
from econ.model.scenario import ApiServing, Scenario
from econ.portfolio.screen import Screen
from econ.risk import monte_carlo, settings_of, tornado
from econ.risk.sensitivity import Tornado
from econ.risk.simulation import MonteCarlo
from econ.risk.verdict import Verdict, verdict

TOP_DRIVERS = 3
PORTFOLIO_ROWS = 12  # ranked tasks shown; the rest are counted (two A4 pages hold the report and 12 rows)
HEADLINE_SHOWN = ("payback_months", "npv_usd", "upfront_usd", "total_savings_usd",
                  "breakeven_requests_per_day", "irr_annual", "teacher_usd_per_kreq", "student_usd_per_kreq")
STYLE = """
@page { size: A4; margin: 14mm 14mm 16mm 14mm; }
body { font-family: 'DejaVu Sans', system-ui, sans-serif; color: #1a1a1a; font-size: 10pt; line-height: 1.35;
       max-width: 182mm; margin: 0 auto; }
h1 { font-size: 15pt; margin: 0 0 2mm 0; } h2 { font-size: 11.5pt; margin: 4mm 0 1.5mm 0; }
.verdict { font-size: 12pt; padding: 2.5mm 3mm; border-left: 5px solid #555; background: #f4f4f4;
           margin: 2mm 0; }
.distil { border-color: #009E73; } .dont_distil { border-color: #D55E00; }
.undecidable { border-color: #E69F00; }
table { border-collapse: collapse; width: 100%; } td, th { padding: 1mm 2mm; border-bottom: 1px solid #ddd;
text-align: left; vertical-align: top; } td.num { text-align: right; white-space: nowrap; }
td.phase { padding-left: 6mm; color: #444; } .note { color: #555; font-size: 8.5pt; }
ul { margin: 1mm 0; padding-left: 5mm; } svg { max-width: 100%; height: auto; }
table.small td, table.small th { font-size: 8.5pt; padding: 0.6mm 2mm; }
"""


@dataclass(frozen=True)
class ReportInputs:
    """Everything the report shows, computed once."""

    result: Evaluation
    answer: Verdict
    mc: MonteCarlo
    sensitivity: Tornado
    portfolio: Screen | None = None  # the screen of a usage log on this scenario as its template


def report_inputs(scenario: Scenario) -> ReportInputs:
    """Evaluate, run the Monte Carlo and the tornado (the scenario's own risk settings), and decide."""
    result = evaluate(scenario)
    settings = settings_of(scenario)
    mc = monte_carlo(scenario, settings)
    return ReportInputs(result, verdict(scenario, result, mc=mc), mc, tornado(scenario, settings))


def with_portfolio(r: ReportInputs, result: Screen) -> ReportInputs:
    """The report with the ranked tasks of a screen on its scenario."""
    return replace(r, portfolio=result)


def portfolio_html(result: Screen) -> str:
    """The ranked tasks (task, verdict, P10 and point NPV, payback) and the distil set's totals."""
    rows = "".join(
        f"<tr><td>{rank}</td><td>{_e(t.task)}</td><td>{_e(t.verdict_label)}</td>"
        f"<td class='num'>{_e(usd(t.npv_p10_usd))}</td><td class='num'>{_e(usd(t.npv_usd))}</td>"
        f"<td class='num'>{_e(_payback(t))}</td></tr>"
        for rank, t in enumerate(result.tasks[:PORTFOLIO_ROWS], start=1))
    more = len(result.tasks) - PORTFOLIO_ROWS
    rest = f" The other {more} tasks are in <code>python -m econ screen</code>." if more > 0 else ""
    return ("<h2>Portfolio: the ranked tasks</h2><table class='small'><tr><th>#</th><th>Task</th>"
            "<th>Verdict</th><th>NPV P10</th><th>NPV</th><th>Payback</th></tr>" + rows + "</table>"
            f"<p class='note'>Ranked by NPV P10 (each task's own Monte Carlo over its log); distil set: "
            f"{len(result.distil)} task(s), NPV {_e(usd(result.distil_npv_usd))}, upfront "
            f"{_e(usd(result.distil_upfront_usd))}.{rest}</p>")


def _payback(t) -> str:
    if t.npv_usd is None:
        return "not scored"
    return "never" if t.payback_months is None else f"{t.payback_months:.1f} months"


def _e(text) -> str:
    return html.escape(str(text))


def _headline(result: Evaluation) -> str:
    notes = {f.fields[0]: f.message for f in output_flags(result.headline())}
    rows = []
    for item in HEADLINE:
        if item.name in HEADLINE_SHOWN:
            note = f'<div class="note">{_e(notes[item.name])}</div>' if item.name in notes else ""
            value = FORMATTERS[item.kind](getattr(result, item.name))
            rows.append(
                f"<tr><td>{_e(item.label_for(result.scenario))}{note}</td><td "
                f"class='num'>{_e(value)}</td></tr>")
            if item.name == "upfront_usd":
                rows += _phase_rows(result)
    return "<table>" + "".join(rows) + "</table>"


def _phase_rows(result: Evaluation) -> list[str]:
    """A distillation run's upfront spend phase by phase, indented under the total."""
    if "student_training_usd" not in result.upfront_lines_usd:
        return []
    return [f"<tr><td class='phase'>· {_e(name.removesuffix('_usd').replace('_', ' '))}</td>"
            f"<td class='num'>{_e(usd(value))}</td></tr>" for name, value in result.upfront_lines_usd.items()]


def _drivers(sensitivity: Tornado) -> str:
    table = sensitivity.to_frame().head(TOP_DRIVERS)
    rows = "".join(
        f"<tr><td>{_e(r.label)}</td><td class='num'>{r.low_value:,.4g} to {r.high_value:,.4g} "
        f"{_e(r.unit)}</td><td class='num'>{_e(usd(r.npv_low_usd))} to {_e(usd(r.npv_high_usd))}</td></tr>"
        for r in table.itertuples())
    return ("<table><tr><th>What decides it (tornado)</th><th>low to high</th><th>NPV low to high</th></tr>"
            + rows + "</table>")


def quality_line(scenario: Scenario, answer: Verdict) -> str:
    """The quality evidence in one line: measured or typed rates, priced or not."""
    q = scenario.quality
    if q.evidence is not None:
        return (f"Quality measured from graded samples ({q.evidence.path}, router threshold "
                f"{q.evidence.router_threshold or 0:g}): {answer.quality_basis}.")
    if q.student_error_rate == 0 == q.teacher_error_rate:
        return (f"Quality not measured and no error rates given (fallback {q.fallback_rate:.1%}); "
                f"{answer.quality_basis}.")
    return (f"Quality typed, not measured: student error rate {q.student_error_rate:.1%}, teacher "
            f"{q.teacher_error_rate:.1%}, fallback {q.fallback_rate:.1%}; {answer.quality_basis}.")


def _side_words(name: str, side, capacity) -> str:
    if isinstance(side, ApiServing):
        dated = [r for r in api_prices() if r.model == side.name]
        when = (f"price as listed on {dated[0].as_of} ({dated[0].source})" if dated
                else "price typed (no date)")
        return (f"The {name} is an API at ${side.input_usd_per_mtok:g} / ${side.output_usd_per_mtok:g} "
                f"per M tokens; {when}.")
    dated = [
        r for r in gpu_prices() if r.gpu == side.gpu_name and r.usd_per_gpu_hour == side.gpu_usd_per_hour]
    when = f"listed on {dated[0].as_of} ({dated[0].offer})" if dated else "typed (no date)"
    if capacity is None or capacity.point is None:
        source = "capacity typed in (requests/s per replica)"
    else:
        source = f"capacity from a {capacity.point.provenance.upper()} profile at {capacity.point.describe()}"
    return f"The {name} is self-hosted at ${side.gpu_usd_per_hour:g}/GPU-hour ({when}); {source}."


def assumptions(r: ReportInputs) -> list[str]:
    """The assumptions a CFO asks about, in words: profiles, error pricing, price dates, the failure prior."""
    s, q = r.result.scenario, r.result.scenario.quality
    out = [_side_words("teacher", s.teacher, r.result.teacher_capacity),
           _side_words("student", s.student, r.result.student_capacity)]
    out.append("Errors are not priced: the case is on cost alone." if not q.errors_priced else
               f"Each wrong answer costs ${q.usd_per_error_value:g}." if q.error_cost_stated else
               "The cost of a wrong answer is not stated yet.")
    basis = "measured from graded samples" if r.mc.failure_source == "evidence" else "a stated prior"
    out.append(f"Chance the student never reaches the quality bar: {r.mc.p_student_fails:.0%} ({basis}); "
               "such a student costs the upfront spend and the team stays on the teacher.")
    out.append(f"{s.horizon_months} months at a {s.annual_discount_rate:.0%}/year discount rate; the Monte "
               f"Carlo draws {r.mc.n_draws:,} variants (seed {r.mc.seed}).")
    out += [f.message for f in input_flags(s)]
    return out


def report_html(r: ReportInputs, scenario_file: str | None = None, created: dt.date | None = None) -> str:
    """The report as one HTML document at A4 width; `scenario_file`: the scenario JSON's name to link to."""
    s, res, mc = r.result.scenario, r.result, r.mc
    m = res.monthly
    chart = cumulative_svg([0.0, *m["teacher_cumulative_usd"]],
                           [res.upfront_usd, *m["student_cumulative_usd"]], res.payback_months)
    risk = "".join(f"<li>{_e(sentence)}</li>" for sentence in mc.summary())
    said = "".join(f"<li>{_e(a)}</li>" for a in assumptions(r))
    warnings = "".join(f"<li>{_e(w[0].upper() + w[1:].rstrip('.'))}.</li>" for w in res.warnings)
    link = (f'in the file <a href="{_e(scenario_file)}">{_e(scenario_file)}</a>' if scenario_file
            else "attached to this PDF (open your viewer's attachments)")
    when = (created or dt.date.today()).isoformat()
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>Distillation decision: {_e(s.name)}</title><style>{STYLE}</style></head><body>"
        f"<h1>Distillation decision: {_e(s.name)}</h1><div class='note'>{_e(s.description)} Prepared "
        f"{when}.</div><div class='verdict {r.answer.call}'><b>{_e(r.answer.label)}</b>: "
        f"{_e(r.answer.reason)}.</div><h2>Headline</h2>{_headline(res)}<h2>Cumulative cost</h2>{chart}"
        f"<h2>Risk</h2><ul>{risk}</ul>{_drivers(r.sensitivity)}"
        f"<h2>Quality</h2><p>{_e(quality_line(s, r.answer))}</p>"
        f"<h2>Assumptions</h2><ul>{said}</ul>"
        + (portfolio_html(r.portfolio) if r.portfolio is not None else "")
        + (f"<h2>Warnings</h2><ul>{warnings}</ul>" if warnings else "")
        + "<p class='note'>The full scenario (every input, profiles included) is in "
          f"{link}.</p></body></html>"
    )


def report_pdf(r: ReportInputs, scenario_json: str, name: str = "scenario.json") -> bytes:
    """The same report as PDF (WeasyPrint), the scenario JSON attached to it."""
    from weasyprint import HTML, Attachment  # only here: the PDF needs pango, econ itself does not

    document = HTML(string=report_html(r, scenario_file=None))
    return document.write_pdf(attachments=[Attachment(string=scenario_json, base_url=None, name=name)])
