"""Break-even page (landing): the verdict in one line, then the headline answer, the cumulative curves with their crossing, the
monthly breakdown and econ's warnings. Imports streamlit, econ and ui; every number comes from econ, each
headline card's name and format from econ.chain.evaluate.HEADLINE.
"""

import streamlit as st

from econ.chain.evaluate import HEADLINE_BY_NAME
from econ.chain.methods import compare_methods
from econ.io.formats import FORMATTERS, irr
from econ.model.distill_run import DistillationRun
from econ.model.plausibility import input_flags, output_flags
from ui import format as fmt
from ui import state
from ui.charts import costs as cost_charts
from ui.verdicts import show_verdict, show_warnings

PLOT_CONFIG = {"displaylogo": False}

result = state.current_evaluation()
scenario = result.scenario
st.title("Does distilling pay off?")
show_verdict(state.current_verdict())
st.caption(f"Scenario **{scenario.name}** · {scenario.horizon_months} months · "
           f"discount rate {scenario.annual_discount_rate:.0%}/year. Edit any input in the sidebar.")

baseline = state.baseline_evaluation()
choices = ["previous run"] + (["pinned baseline"] if baseline is not None else [])
left, right = st.columns([3, 2])
against = left.radio("Deltas against", choices, horizontal=True, key="breakeven.delta_ref")
with right:
    pin, unpin = st.columns(2)
    if pin.button("Pin as baseline", help="Keep this result to compare later changes against."):
        state.pin_baseline(result)
        st.rerun()
    if baseline is not None and unpin.button("Unpin baseline"):
        state.pin_baseline(None)
        st.rerun()
ref = baseline if against == "pinned baseline" else state.previous_evaluation()


# A card shows about this many characters of its value at 1,400 px, three to a row; a longer value (a typo's
# NPV of $110,631,917,702,154T) is shown to 3 significant figures, the full figure in the card's help.
CARD_VALUE_CHARS = 14
COMPACT_UNITS = {"usd": ("$", ""), "usd_precise": ("$", ""), "per_day": ("", " req/day"),
                 "months": ("", " months")}


def was(attr: str):
    return None if ref is None else getattr(ref, attr)


def card_value(value, kind: str) -> tuple[str, str]:
    """(the card's text, a note for its help): the formatted value, or its 3-figure form when too long."""
    text = FORMATTERS[kind](value)
    if len(text) <= CARD_VALUE_CHARS or kind not in COMPACT_UNITS:
        return text, ""
    before, after = COMPACT_UNITS[kind]
    sign = "-" if value < 0 else ""
    return f"{sign}{before}{abs(value):.3g}{after}", f" The full value: {text}."


for names in (("payback_months", "npv_usd", "total_savings_usd"),
              ("breakeven_requests_per_day", "teacher_usd_per_mtok_served", "student_usd_per_mtok_served")):
    for column, name in zip(st.columns(3), names, strict=True):
        item = HEADLINE_BY_NAME[name]
        shown, full = card_value(getattr(result, name), item.kind)
        column.metric(item.label_for(scenario), shown, fmt.delta(getattr(result, name), was(name), item.kind),
                      border=True, help=item.help + full, delta_color=fmt.delta_color(item))
notes = {flag.fields[0]: flag.message for flag in output_flags(result.headline())}
st.caption(
    f"Discounted payback {fmt.months(result.discounted_payback_months)} · "
    f"IRR {irr(result.irr_annual)}/year · ROI {fmt.percent(result.roi)} · "
    f"upfront {fmt.usd(result.upfront_usd)} · per 1k requests: teacher "
    f"{fmt.usd_precise(result.teacher_usd_per_kreq)}, student {fmt.usd_precise(result.student_usd_per_kreq)}"
)

for note in notes.values():  # a headline beyond its band says so beside the numbers
    st.caption(note)  # each note names its figure ("IRR above 1,000% a year: ...")
show_warnings([flag.message for flag in input_flags(scenario)] + list(result.warnings))

st.plotly_chart(cost_charts.cumulative_costs(result.monthly, result.payback_months, result.upfront_usd),
                config=PLOT_CONFIG, key="breakeven.cumulative")
st.plotly_chart(cost_charts.cost_breakdown(result.monthly), config=PLOT_CONFIG, key="breakeven.breakdown")

if isinstance(scenario.distillation.training_usd, DistillationRun):
    st.subheader("Which distillation method?")
    comparison = compare_methods(scenario)
    frame = comparison.to_frame()
    st.plotly_chart(cost_charts.methods_upfront(frame), config=PLOT_CONFIG, key="breakeven.methods")
    cheapest, fastest = comparison.cheapest(), comparison.fastest()
    if cheapest is not None:
        st.caption(f"Cheapest: **{cheapest.method}** ({fmt.usd(cheapest.evaluation.upfront_usd)} upfront) · fastest to "
                   f"a serving student: **{fastest.method}** ({fastest.lead_time_months:.2f} months)")
    columns = ["method", "upfront_usd", "gpu_hours", "elapsed_hours", "lead_time_months", "payback_months",
               "npv_usd", "ruled_out"]
    st.dataframe(frame.reindex(columns=columns), hide_index=True, column_config={
        "upfront_usd": st.column_config.NumberColumn(format="dollar"),
        "npv_usd": st.column_config.NumberColumn(format="dollar"),
    })

with st.expander("Upfront spend and the monthly table"):
    st.dataframe(
        {"line": [k.removesuffix("_usd").replace("_", " ") for k in result.upfront_lines_usd],
         "USD": list(result.upfront_lines_usd.values())},
        hide_index=True, column_config={"USD": st.column_config.NumberColumn(format="dollar")},
    )
    money = {c: st.column_config.NumberColumn(format="dollar") for c in result.monthly.columns if c.endswith("_usd")}
    st.dataframe(result.monthly, hide_index=True, column_config={
        **money,
        "requests": st.column_config.NumberColumn(format="localized"),
        "utilization": st.column_config.NumberColumn(format="percent"),
    })
