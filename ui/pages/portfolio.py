"""Portfolio page: which tasks to distil first, ranked from a usage log. Imports streamlit, econ and ui.

Upload a usage CSV (or take the shipped sample); every task is scored on a template scenario (the
sidebar's scenario when the log was screened, pinned so that opening a task does not move the ranking),
ranked by NPV with its verdict and reasons. "Open in the sidebar" makes a task's scenario the current
one: every other page then shows that task. Every number comes from `econ.portfolio.screen`.
"""

import json
from pathlib import Path

import streamlit as st

import econ
from econ.portfolio.screen import MIN_HISTORY_DAYS
from econ.traffic.usage import MAX_USAGE_BYTES
from ui import format as fmt
from ui import screen_tables, state
from ui.charts import portfolio as portfolio_charts

PLOT_CONFIG = {"displaylogo": False}
SAMPLE = Path(__file__).resolve().parents[2] / "examples" / "usage.csv"
TEMPLATE_KEY = "portfolio.template"  # JSON of the template the log was screened on
SAMPLE_KEY = "portfolio.use_sample"
OPENED_KEY = "portfolio.opened"  # the task last opened in the sidebar
MAX_MIN_DAYS = 3650


@st.cache_data(show_spinner="Screening the portfolio…", max_entries=8)
def run_screen(data: bytes, name: str, template_json: str, min_days: int, budget_usd: float | None):
    """Parse the log and screen it on the template (cached by the bytes and settings)."""
    log = econ.parse_usage(data, name)
    return econ.screen(log, econ.parse_scenario(template_json), min_days=min_days, budget_usd=budget_usd)


st.title("Portfolio: which tasks to distil first?")
st.caption("A usage log of every call site on the teacher: daily totals (`date, task, requests, input_tokens, "
           "output_tokens`) or one row per request (`timestamp, task, input_tokens, output_tokens`); optional "
           "`usd` (what was spent) or `model` (priced from the API price table). Each task becomes the template "
           "scenario with its own volume, growth, token mix and teacher price.")
left, right = st.columns([3, 2])
upload = left.file_uploader("Usage log (CSV)", type=["csv"], key="portfolio.upload",
                            max_upload_size=MAX_USAGE_BYTES // 2**20)
if right.button("Use the sample log (examples/usage.csv)", key="portfolio.sample"):
    st.session_state[SAMPLE_KEY] = True
c1, c2 = right.columns(2)
min_days = c1.number_input("Days of history to score", min_value=14, max_value=MAX_MIN_DAYS,
                           value=MIN_HISTORY_DAYS, key="portfolio.min_days",
                           help="Tasks with fewer days are listed but not scored.")
budget = c2.number_input("Upfront budget (USD, 0 = none)", min_value=0.0, value=0.0, step=10_000.0,
                         key="portfolio.budget", help="Chooses the distil tasks with the most total NPV "
                         "within this upfront spend (an exact 0/1 knapsack).")

if upload is not None:
    source = (upload.name, upload.getvalue())
elif st.session_state.get(SAMPLE_KEY):
    source = (SAMPLE.name, SAMPLE.read_bytes())
else:
    st.info("Upload a usage log, or take the sample, to rank the portfolio.")
    st.stop()
if TEMPLATE_KEY not in st.session_state:
    st.session_state[TEMPLATE_KEY] = state.current_scenario().model_dump_json()
template = econ.parse_scenario(st.session_state[TEMPLATE_KEY])
try:
    result = run_screen(source[1], source[0], st.session_state[TEMPLATE_KEY], int(min_days),
                        float(budget) if budget > 0 else None)
except ValueError as exc:
    left.error(f"Not screened: {exc}")
    st.stop()

t1, t2 = st.columns([3, 1])
t1.caption(f"**{source[0]}** screened on template **{template.name}** (its student, distillation and quality; "
           f"{template.horizon_months}-month horizon).")
if t2.button("Re-screen on the sidebar scenario", key="portfolio.retemplate"):
    st.session_state[TEMPLATE_KEY] = state.current_scenario().model_dump_json()
    st.rerun()

distil = result.distil
row = st.columns(4)
row[0].metric("Distil set", f"{len(distil)} of {len(result.tasks)} tasks", border=True)
row[1].metric("Distil set NPV", fmt.usd(result.distil_npv_usd), border=True)
row[2].metric("Distil set upfront", fmt.usd(result.distil_upfront_usd), border=True)
if result.budget_usd is not None:
    chosen = [t for t in result.tasks if t.task in result.chosen]
    row[3].metric(f"Chosen within {fmt.usd(result.budget_usd)}", fmt.usd(sum(t.npv_usd for t in chosen)),
                  border=True, help=f"{', '.join(result.chosen) or 'nothing'}; left out: "
                  f"{', '.join(result.left_out) or 'none'}")
for warning in result.warnings:
    st.warning(warning)

st.plotly_chart(portfolio_charts.npv_bars(result.to_frame()), config=PLOT_CONFIG, key="portfolio.npv")
table = screen_tables.ranked_table(result)
st.dataframe(table, hide_index=True, key="portfolio.table", column_config={
    "Growth/month": st.column_config.NumberColumn(format="percent"),
    "Volatility": st.column_config.NumberColumn(format="percent"),
    "Requests/day": st.column_config.NumberColumn(format="localized"),
    "Teacher $/month": st.column_config.NumberColumn(format="dollar"),
    "Upfront $": st.column_config.NumberColumn(format="dollar"),
    "NPV $": st.column_config.NumberColumn(format="dollar"),
    "Payback (months)": st.column_config.NumberColumn(format="%.1f"),
    "Break-even/day": st.column_config.NumberColumn(format="localized"),
    screen_tables.DAILY_COLUMN: st.column_config.LineChartColumn(
        f"Daily requests (last {len(result.recent_daily)} days)", width="medium"),
})

st.subheader("Why, task by task")
names = [t.task for t in result.tasks]
pick = st.selectbox("Task", names, key="portfolio.task")
task = result.tasks[names.index(pick)]
st.markdown(f"**{task.task}: {task.verdict}**")
for reason in task.reasons:
    st.markdown(f"- {reason}")
if task.scenario is None:
    st.caption("Not scored, so there is no scenario to open.")
elif st.button(f"Open {task.task} in the sidebar", key="portfolio.open", type="primary",
               help="Makes this task's scenario the current one: every page then shows it."):
    state.load_scenario(task.scenario, econ.evaluate(task.scenario))
    st.session_state[OPENED_KEY] = task.task
    st.rerun()
if st.session_state.get(OPENED_KEY) and st.session_state[OPENED_KEY] == state.current_scenario().name:
    st.success(f"{st.session_state[OPENED_KEY]} is the current scenario: the sidebar and every page show it.")
d1, d2 = st.columns(2)
d1.download_button("Screen JSON", lambda: json.dumps(result.to_dict(), indent=2),
                   file_name="screen.json", mime="application/json", key="portfolio.json")
d2.download_button("Screen CSV", result.to_frame().to_csv(index=False), file_name="screen.csv", mime="text/csv",
                   key="portfolio.csv")
