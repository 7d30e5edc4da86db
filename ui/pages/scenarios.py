"""Scenarios page: save the current scenario (JSON download), load one (upload, validated), keep a
library for this session, compare two side by side (A the baseline, B the new one; every change is
B − A), export the monthly table (CSV) and the decision report
(econ.cli.decision_report: one to two A4 pages, HTML or PDF; the scenario JSON is its own download).

Imports streamlit, pandas, econ and ui.
"""

import math

import streamlit as st

import econ
from econ.chain.evaluate import HEADLINE_BY_NAME
from econ.cli.decision_report import report_html, report_inputs, report_pdf
from econ.io.files import slug
from econ.io.formats import FORMATTERS
from ui import format as fmt
from ui import state, tables, uploads
from ui.charts import costs as cost_charts

PLOT_CONFIG = {"displaylogo": False}
LIBRARY_KEY = "scenarios.library"  # name → Evaluation, this session only
SEEN_KEY = "scenarios.seen_uploads"  # upload ids already handled (an upload persists across reruns)

result = state.current_evaluation()
scenario = result.scenario
library: dict[str, econ.Evaluation] = st.session_state.setdefault(LIBRARY_KEY, {})
seen: set[str] = st.session_state.setdefault(SEEN_KEY, set())
st.title("Scenarios: save, load, compare, export")

# --- save and export -------------------------------------------------------------------------
st.subheader("Save and export the current scenario")
cols = st.columns(4)
stem = slug(scenario.name, "scenario")
scenario_text = uploads.scenario_json(scenario)
cols[0].download_button("Scenario JSON", scenario_text, file_name=f"{stem}.json",
                        mime="application/json", icon=":material/download:", key="scenarios.save")
cols[1].download_button("Monthly table CSV", result.monthly.to_csv(index=False), file_name=f"{stem}-monthly.csv",
                        mime="text/csv", icon=":material/table:", key="scenarios.csv")
cols[2].download_button("Report (PDF)", lambda: report_pdf(report_inputs(scenario), scenario_text, f"{stem}.json"),
                        file_name=f"{stem}-report.pdf", mime="application/pdf", icon=":material/description:",
                        key="scenarios.pdf", help="One to two A4 pages: the verdict, the headline, the cumulative "
                        "cost, the risk and the assumptions; the scenario JSON is attached to the PDF.")
cols[3].download_button("Report (HTML)", lambda: report_html(report_inputs(scenario), scenario_file=f"{stem}.json"),
                        file_name=f"{stem}-report.html", mime="text/html", icon=":material/description:",
                        key="scenarios.html", help=f"The same report as a web page; it links to {stem}.json "
                        "(download the scenario JSON beside it).")
name = st.text_input("Keep the current scenario in this session's library as", value=scenario.name,
                     key="scenarios.keep_name")
if st.button("Keep for comparison", key="scenarios.keep"):
    library[name or scenario.name] = result
    st.success(f"Kept “{name or scenario.name}”.")

# --- load ------------------------------------------------------------------------------------
st.subheader("Load scenarios")
files = st.file_uploader(
    "Scenario JSON files (validated; nothing in them is executed)", type=["json"], accept_multiple_files=True,
    key="scenarios.upload", max_upload_size=math.ceil(uploads.MAX_SCENARIO_BYTES / 2**20),
)
for file in files or []:
    if file.file_id in seen:
        continue
    seen.add(file.file_id)
    try:
        loaded, evaluation = uploads.parse_uploaded_scenario(file.name, file.getvalue())
    except (econ.ScenarioError, ValueError) as exc:
        st.error(f"Not loaded: {exc}")
    else:
        library[loaded.name] = evaluation
        st.success(f"Added “{loaded.name}” from {file.name} to the library.")

if library:
    choice = st.selectbox("Make a library scenario the current one (the sidebar follows)", list(library),
                          key="scenarios.load_pick")
    if st.button("Load into the editor", key="scenarios.load"):
        chosen = library[choice]
        state.load_scenario(chosen.scenario, chosen)
        st.rerun()

# --- compare ---------------------------------------------------------------------------------
st.subheader("Compare two scenarios")
options = {"current": result, **{f"library: {k}": v for k, v in library.items()}}
if len(options) < 2:
    st.info("Keep the current scenario or upload one to compare two scenarios side by side.")
    st.stop()
pick = st.columns(2)
labels = list(options)
# A is the baseline, B the new one: by default a kept or loaded scenario against the current one, so every
# delta reads new − baseline.
a_label = pick[0].selectbox("Scenario A (baseline)", labels, index=1, key="scenarios.a")
b_label = pick[1].selectbox("Scenario B (new)", labels, index=0, key="scenarios.b")
a, b = options[a_label], options[b_label]
st.caption("Every change below is **B − A** (new − baseline): a payback of −1.0 months means B pays back a "
           "month sooner than A.")
metrics = ("payback_months", "npv_usd", "total_savings_usd", "breakeven_requests_per_day")
row = st.columns(len(metrics))
for column, attr in zip(row, metrics, strict=True):
    item = HEADLINE_BY_NAME[attr]
    show = FORMATTERS[item.kind]
    column.metric(f"{item.label}: B, change B − A", show(getattr(b, attr)),
                  fmt.delta(getattr(b, attr), getattr(a, attr), item.kind), delta_color=fmt.delta_color(item),
                  help=f"A (baseline): {show(getattr(a, attr))}. The change is B − A (new − baseline). "
                       f"{item.help}", border=True)
table = tables.headline_comparison(a, b).rename(
    columns={"A": "A (baseline)", "B": "B (new)", "B − A": "Change B − A (new − baseline)"})
st.dataframe(table, hide_index=True)
names = {f"A: {a.scenario.name}": a, f"B: {b.scenario.name}": b}
st.plotly_chart(cost_charts.scenario_comparison({k: v.monthly for k, v in names.items()},
                                           {k: v.payback_months for k, v in names.items()},
                                           {k: v.upfront_usd for k, v in names.items()}),
                config=PLOT_CONFIG, key="scenarios.compare")
both = st.columns(2)
for column, (label, evaluation) in zip(both, names.items(), strict=True):
    with column:
        st.markdown(f"**{label}**")
        st.plotly_chart(cost_charts.cumulative_costs(evaluation.monthly, evaluation.payback_months,
                                                evaluation.upfront_usd),
                        config=PLOT_CONFIG, key=f"scenarios.cumulative.{label[0]}")
