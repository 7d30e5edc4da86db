"""Quality page: error rates measured from graded samples, the production gap, and the router threshold
priced in dollars. Imports streamlit, econ and ui; every number comes from econ.

The samples come from an upload (size-limited, parsed as CSV, never executed), the shipped example,
or the scenario's own `quality.evidence`. A bad file shows its one-line error beside the uploader and
changes nothing. The button writes the chosen threshold and the evidence into the scenario; every
page then follows it.
"""

from pathlib import Path

import streamlit as st

import econ
from econ.evidence.measured import evidence_of
from econ.evidence.rates import GradedSampleRates, quality_evidence
from econ.evidence.samples import MAX_SAMPLES_BYTES, parse_samples
from econ.model.quality import ERROR_COST_LABEL, NOT_PRICED
from econ.risk.threshold import bar_threshold, quality_bar, threshold_sweep, with_evidence
from ui import format as fmt
from ui import state
from ui.charts import quality as quality_charts
from ui.evidence_files import EXAMPLE_SAMPLES, save_samples

PLOT_CONFIG = {"displaylogo": False}
SOURCE_KEY = "quality.source"  # (name, bytes) of the samples shown, when not the scenario's own file
THRESHOLD_STEP = 0.01
APPLIED_KEY = "quality.applied"  # the confirmation of the last apply, shown once after the rerun
COST_KEY = "quality.usd_per_error"


@st.cache_data(show_spinner="Reading the graded samples…", max_entries=4)
def read_evidence(data: bytes, name: str) -> GradedSampleRates:
    """Parse and analyse uploaded samples (cached by the file's bytes)."""
    return quality_evidence(parse_samples(data, origin=name))


def _pct(p: float) -> str:
    return f"{p:.1%}"


def _rates(s: econ.Scenario, result: econ.Evaluation) -> str:
    t = s.quality.evidence
    threshold = "typed rates" if t is None else f"threshold {t.router_threshold or 0:.2f}"
    return f"{threshold}, NPV {fmt.usd(result.npv_usd)}, payback {fmt.months(result.payback_months)}"


def applied_words(before: econ.Scenario, was: econ.Evaluation, after: econ.Scenario, now: econ.Evaluation) -> str:
    """What the apply changed, in one sentence: the threshold and evidence, then the NPV and payback."""
    return (f"Applied to the scenario: quality now measured from the samples. Before: {_rates(before, was)}. "
            f"Now: {_rates(after, now)}.")


def _set_error_cost() -> None:
    value = st.session_state[COST_KEY]
    s = state.current_scenario()
    cost = NOT_PRICED if value is None else float(value)
    state.set_scenario(s.model_copy(update={"quality": s.quality.model_copy(update={"usd_per_error": cost})}))


def error_cost() -> None:
    """The cost of a wrong answer, edited here too: it decides which threshold pays (blank = not priced)."""
    q = state.current_scenario().quality
    st.session_state[COST_KEY] = q.usd_per_error_value if q.errors_priced else None
    st.number_input(ERROR_COST_LABEL, min_value=0.0, step=0.1, format="%g", key=COST_KEY,
                    on_change=_set_error_cost, placeholder="not priced",
                    help="What one wrong answer costs the business. Blank = not priced (decide on cost alone). "
                         "The same field as in the sidebar under Quality and fallback.")


scenario = state.current_scenario()
current = scenario.quality.evidence
st.title("Quality evidence")
st.caption("Error and fallback rates **measured** on your graded requests: per source with 95% Wilson "
           "intervals, the production gap, and the router threshold priced through the scenario. "
           "CSV columns: `source` (`production` = real traffic), `student_correct`, optional `teacher_correct`, "
           "`student_confidence`, `weight`.")

c1, c2 = st.columns([3, 1])
upload = c1.file_uploader(f"Graded samples (CSV, up to {MAX_SAMPLES_BYTES // 2**20} MiB)", type=["csv"],
                          key="quality.upload")
if c2.button("Use the shipped example", key="quality.example",
             help="examples/quality_samples.csv: synthetic rows (600 production, 400 synthetic)."):
    st.session_state[SOURCE_KEY] = (EXAMPLE_SAMPLES.name, EXAMPLE_SAMPLES.read_bytes())
if upload is not None:
    st.session_state[SOURCE_KEY] = (upload.name, upload.getvalue())

evidence, data = None, None
try:
    if SOURCE_KEY in st.session_state:
        name, data = st.session_state[SOURCE_KEY]
        if len(data) > MAX_SAMPLES_BYTES:
            raise ValueError(f"{name}: {len(data) / 2**20:.1f} MiB is over the {MAX_SAMPLES_BYTES // 2**20} MiB limit")
        evidence = read_evidence(data, name)
    elif current is not None:
        evidence = evidence_of(current.path)
except ValueError as exc:
    c1.error(str(exc))
    st.session_state.pop(SOURCE_KEY, None)  # the bad file is dropped; the scenario is untouched
if evidence is None:
    if current is None:
        st.info("Upload graded samples (or use the shipped example) to measure the student's quality. "
                "Until then the scenario's quality rates are typed-in assumptions.")
    st.stop()

st.markdown(f"**{evidence.measured_on().capitalize()}** — a measurement of these samples, not an estimate.")
left, right = st.columns([2, 3])
table = evidence.to_frame()
left.plotly_chart(quality_charts.source_rates(table), config=PLOT_CONFIG, key="quality.sources")
right.dataframe(table.assign(error_rate=table["error_rate"].map(_pct),
                             ci95=[f"{_pct(lo)}–{_pct(hi)}" for lo, hi in zip(table.ci95_low, table.ci95_high,
                                                                               strict=True)])
                .loc[:, ["source", "rows", "errors", "error_rate", "ci95"]], hide_index=True)
gap = evidence.production_gap
if gap is None:
    right.info("Gap: not measured (it needs production rows and rows from another source).")
elif gap.significant and gap.precise:
    right.warning(f"Gap: {gap.words()}.")
else:
    right.info(f"Gap: {gap.words()}.")
for warning in evidence.warnings:
    st.caption(f"⚠ {warning}")

if evidence.router is None:
    st.info("No `student_confidence` column: there is no router curve to price.")
    st.stop()

try:
    sweep = threshold_sweep(scenario, evidence)
except ValueError as exc:
    st.error(str(exc))
    st.stop()
priced = scenario.quality.usd_per_error_value > 0
bar = quality_bar(scenario, evidence)
meets_bar = bar_threshold(sweep.curve, bar)
# With errors unpriced the NPV-best threshold is "never fall back" whatever the errors: never the main offer.
offered = sweep.best_threshold if priced else (meets_bar if meets_bar is not None else 1.0)
default = current.router_threshold if current is not None and current.router_threshold is not None else offered
chosen = st.slider("Router threshold (below it → teacher)", 0.0, 1.0, float(round(default, 2)), THRESHOLD_STEP,
                   key="quality.threshold", help=econ.Evidence.model_fields["router_threshold"].description)
at = evidence.router.at(chosen)
row = st.columns(5 if priced else 4)
row[0].metric("Fallback to the teacher", _pct(at.fallback.rate), border=True,
              help=f"95% CI {_pct(at.fallback.ci95[0])}–{_pct(at.fallback.ci95[1])}")
row[1].metric("Residual error rate", _pct(at.residual_error.rate), border=True,
              delta=f"{'meets' if at.residual_error.rate <= bar else 'misses'} the bar", delta_color=(
                  "normal" if at.residual_error.rate <= bar else "inverse"),
              help=f"95% CI {_pct(at.residual_error.ci95[0])}–{_pct(at.residual_error.ci95[1])}")
row[2].metric("The bar: teacher's error rate", _pct(bar), border=True, help=(
    "The error rate the distilled system must not exceed: the teacher's (measured from teacher_correct when "
    "graded, else the scenario's typed rate) plus the allowed increase."))
if priced:
    row[3].metric("Best threshold (NPV)", f"{sweep.best_threshold:.3g}", border=True, help=sweep.words())
    row[4].metric("NPV at the best threshold", fmt.usd(sweep.best_npv_usd), border=True,
                  help=f"payback {fmt.months(sweep.best_payback_months)}")
    st.markdown(sweep.words()[0].upper() + sweep.words()[1:] + ".")
else:
    row[3].metric("Lowest threshold meeting the bar", "none" if meets_bar is None else f"{meets_bar:.3g}",
                  border=True, help="The least fallback that keeps the residual error at or below the bar.")
    st.warning("Errors are not priced, so the NPV-best threshold would be 'never fall back' whatever the errors "
               "cost. The slider starts at the lowest threshold that meets the bar instead; price a wrong answer "
               "below to let the NPV choose.")
left, right = st.columns(2)
left.plotly_chart(quality_charts.router_tradeoff(sweep.curve, chosen, sweep.best_threshold if priced else None,
                                                 bar=bar), config=PLOT_CONFIG, key="quality.tradeoff")
right.plotly_chart(quality_charts.npv_by_threshold(sweep.curve, sweep.best_threshold, chosen),
                   config=PLOT_CONFIG, key="quality.npv")

error_cost()
if st.button(f"Use threshold {chosen:.2f} and these samples in the scenario", key="quality.apply", type="primary",
             help="Writes quality.evidence (the samples file and the threshold); the measured rates replace "
                  "the typed ones on every page."):
    try:
        path = Path(current.path) if data is None else save_samples(data)
        updated = with_evidence(scenario, str(path), chosen)
        after = econ.evaluate(updated)
    except ValueError as exc:
        st.error(str(exc))
    else:
        st.session_state[APPLIED_KEY] = applied_words(scenario, state.current_evaluation(), updated, after)
        state.set_scenario(updated, after)
        st.rerun()
if APPLIED_KEY in st.session_state:
    st.success(st.session_state.pop(APPLIED_KEY))
if current is not None:
    st.caption(f"The scenario measures its quality from `{current.path}` at threshold "
               f"{current.router_threshold if current.router_threshold is not None else 0:.3g}.")
