"""Portfolio page: which tasks to distil first, ranked from a usage log. Imports streamlit, econ and ui.

Upload a usage file (CSV, Parquet, JSON lines; any format `python -m econ usage` reads) and choose the task
key once its columns are seen, or type LiteLLM's Postgres DSN (used for one read, never stored), or take the
shipped sample; every task is scored on a template scenario (the sidebar's scenario when the log was
screened, pinned so that opening a task does not move the ranking), ranked by its P10 NPV with its verdict,
reasons and P10–P90 range; the untagged spend is shown. "Open in the sidebar" makes a task's scenario the current
one: every other page then shows that task. Every number comes from `econ.portfolio.screen`.
"""

import json
from pathlib import Path

import streamlit as st

import econ
from econ.portfolio.screen import MIN_HISTORY_DAYS
from econ.traffic.sources.normalize import task_key_choices
from econ.traffic.sources.sql import LITELLM_COLUMNS
from econ.traffic.usage import MAX_USAGE_BYTES
from ui import format as fmt
from ui import screen_tables, state, usage_source
from ui.charts import portfolio as portfolio_charts

PLOT_CONFIG = {"displaylogo": False}
SAMPLE = Path(__file__).resolve().parents[2] / "examples" / "usage.csv"
SHIPPED = Path(__file__).resolve().parents[2] / "examples" / "template.json"  # what the README's CLI uses
TEMPLATE_KEY = "portfolio.template"  # JSON of the template the log was screened on
PINNED_KEY = "portfolio.sidebar_template"  # the sidebar scenario as it was when pinned as the template
SIDEBAR_TEMPLATE = "Sidebar scenario"
SHIPPED_TEMPLATE = "Shipped template (examples/template.json)"
UPLOADED_TEMPLATE = "Uploaded scenario JSON"
SAMPLE_KEY = "portfolio.use_sample"
OPENED_KEY = "portfolio.opened"  # the task last opened in the sidebar
MAX_MIN_DAYS = 3650
FILE_SOURCE = "File"
DSN_SOURCE = "LiteLLM database (Postgres)"
DB_TABLE_KEY = "portfolio.db_table"  # the aggregated table read from a DSN (never the DSN itself)


@st.cache_data(show_spinner="Screening the portfolio…", max_entries=8)
def run_screen(data: bytes, name: str, template_json: str, min_days: int, budget_usd: float | None):
    """Parse the log and screen it on the template (cached by the bytes and settings)."""
    log = econ.parse_usage(data, name)
    return econ.screen(log, econ.parse_scenario(template_json), min_days=min_days, budget_usd=budget_usd)


def screen_table(table, template_json: str, min_days: int, budget_usd: float | None):
    """Screen a canonical daily table from any source, with each task's own peak and cache share."""
    return econ.screen(table.to_usage_log(), econ.parse_scenario(template_json), min_days=min_days,
                       budget_usd=budget_usd, shape=table.screen_shape())


def read_with_progress(read, label: str):
    """Run a source read under a status box that names each step (aggregating can take a while)."""
    with st.status(label, expanded=False) as status:
        table = read(lambda text: status.update(label=text))
        status.update(label=f"{label}: {len(table.daily):,} task-days read", state="complete")
    return table


st.title("Portfolio: which tasks to distil first?")
st.caption("Usage from where it lives: a file (CSV, Parquet or JSON lines, gzip too) in the canonical shape, a "
           "LiteLLM spend-log export, a Langfuse observations export or OTLP GenAI spans; or LiteLLM's own "
           "Postgres database. Each task becomes the template scenario with its own volume, growth, peak, token "
           "mix and teacher price, ranked by its low-side (P10) NPV.")
left, right = st.columns([3, 2])
kind = left.radio("Usage source", (FILE_SOURCE, DSN_SOURCE), key="portfolio.source_kind", horizontal=True)
upload, dsn_clicked = None, False
if kind == FILE_SOURCE:
    upload = left.file_uploader("Usage log", type=usage_source.UPLOAD_TYPES, key="portfolio.upload",
                                max_upload_size=MAX_USAGE_BYTES // 2**20)
else:
    dsn = left.text_input("Postgres DSN", type="password", key="portfolio.dsn",
                          placeholder="postgresql://user:password@host:5432/litellm",
                          help="LiteLLM's database. Used for this read only: never saved in the scenario, the "
                               "page's URL or a cache.")
    db_key = left.selectbox("Task key", task_key_choices("litellm", list(LITELLM_COLUMNS)), key="portfolio.db_key",
                            help="tag:NAME reads 'NAME:value' from request_tags (LiteLLM's taskName convention).")
    dsn_clicked = left.button("Read the database", key="portfolio.read_dsn", disabled=not dsn)
if right.button("Use the sample log (examples/usage.csv)", key="portfolio.sample"):
    st.session_state[SAMPLE_KEY] = True
c1, c2 = right.columns(2)
min_days = c1.number_input("Days of history to score", min_value=14, max_value=MAX_MIN_DAYS,
                           value=MIN_HISTORY_DAYS, key="portfolio.min_days",
                           help="Tasks with fewer days are listed but not scored.")
budget = c2.number_input("Upfront budget (USD, 0 = none)", min_value=0.0, value=0.0, step=10_000.0,
                         key="portfolio.budget", help="Chooses the distil tasks with the most total P10 NPV "
                         "within this upfront spend (an exact 0/1 knapsack).")

# --- Template: the scenario every task is screened on (its student, distillation and quality).
choice = right.radio("Template", (SIDEBAR_TEMPLATE, SHIPPED_TEMPLATE, UPLOADED_TEMPLATE),
                     key="portfolio.template_choice",
                     help="What every task shares. The shipped template is the one `python -m econ screen "
                          "examples/usage.csv --template examples/template.json` uses: the same numbers, "
                          "to the cent.")
if PINNED_KEY not in st.session_state:  # pinned, so opening a task in the sidebar does not move the ranking
    st.session_state[PINNED_KEY] = state.current_scenario().model_dump_json()
if choice == SIDEBAR_TEMPLATE:
    st.session_state[TEMPLATE_KEY] = st.session_state[PINNED_KEY]
elif choice == SHIPPED_TEMPLATE:
    st.session_state[TEMPLATE_KEY] = econ.load_scenario(SHIPPED).model_dump_json()
else:
    scenario_file = right.file_uploader("Template scenario (JSON)", type=["json"],
                                        key="portfolio.template_upload")
    if scenario_file is None:
        right.info("Upload a scenario JSON to screen on, or choose another template.")
        st.stop()
    try:
        uploaded_template = econ.parse_scenario(scenario_file.getvalue().decode())
        st.session_state[TEMPLATE_KEY] = uploaded_template.model_dump_json()
    except (ValueError, UnicodeDecodeError) as exc:
        right.error(f"Template not used: {scenario_file.name}: {exc}")
        st.stop()
template = econ.parse_scenario(st.session_state[TEMPLATE_KEY])
TEMPLATE_WORDS = {SIDEBAR_TEMPLATE: "the sidebar scenario",
                  SHIPPED_TEMPLATE: "the shipped template examples/template.json",
                  UPLOADED_TEMPLATE: "the uploaded scenario"}
budget_usd = float(budget) if budget > 0 else None

table, source_name = None, None
try:
    if kind == DSN_SOURCE and dsn_clicked:
        st.session_state[DB_TABLE_KEY] = read_with_progress(
            lambda progress: usage_source.read_dsn(dsn, db_key, progress), "Reading LiteLLM's database")
    if kind == DSN_SOURCE and DB_TABLE_KEY in st.session_state:
        table = st.session_state[DB_TABLE_KEY]
        source_name = table.origin
        result = screen_table(table, st.session_state[TEMPLATE_KEY], int(min_days), budget_usd)
    elif upload is not None:
        path = usage_source.saved_upload(upload.name, upload.getvalue())
        try:
            fmt_found, _, keys = usage_source.columns_of(path)
        except ValueError:
            if not upload.name.lower().endswith(".csv"):
                raise
            fmt_found, keys = "canonical", ["task"]  # today's CSV reader names the line and column
        task_key = left.selectbox("Task key", keys, key="portfolio.task_key",
                                  help="What names a task in this source; rows without it are counted as "
                                       "'(untagged)'.")
        source_name = upload.name
        if upload.name.lower().endswith(".csv") and fmt_found == "canonical" and task_key == "task":
            result = run_screen(upload.getvalue(), upload.name, st.session_state[TEMPLATE_KEY], int(min_days),
                                budget_usd)
        else:
            table = read_with_progress(lambda progress: usage_source.read_upload(path, task_key),
                                       f"Aggregating {upload.name} with DuckDB")
            result = screen_table(table, st.session_state[TEMPLATE_KEY], int(min_days), budget_usd)
    elif st.session_state.get(SAMPLE_KEY):
        source_name = SAMPLE.name
        result = run_screen(SAMPLE.read_bytes(), SAMPLE.name, st.session_state[TEMPLATE_KEY], int(min_days),
                            budget_usd)
    else:
        st.info("Upload a usage log, read LiteLLM's database, or take the sample, to rank the portfolio.")
        st.stop()
except ValueError as exc:
    left.error(f"Not screened: {exc}")
    st.stop()

t1, t2 = st.columns([3, 1])
t1.markdown(f"Template in use: **{TEMPLATE_WORDS[choice]}**, *{template.name}* (its student, distillation "
            f"and quality; {template.horizon_months}-month horizon). Source: **{source_name}**.")
if choice == SIDEBAR_TEMPLATE and t2.button("Re-pin the sidebar",
                                           key="portfolio.retemplate",
                                           help="Screen again on the sidebar scenario as it is now"):
    st.session_state[PINNED_KEY] = state.current_scenario().model_dump_json()
    st.rerun()

distil = result.distil
row = st.columns(5)
row[0].metric("Distil set (tasks)", f"{len(distil)} of {len(result.tasks)}", border=True)
row[1].metric("Distil set NPV", fmt.usd(result.distil_npv_usd), border=True)
row[2].metric("Distil set upfront", fmt.usd(result.distil_upfront_usd), border=True)
if result.budget_usd is not None:
    chosen = [t for t in result.tasks if t.task in result.chosen]
    row[3].metric(f"Chosen within {fmt.usd(result.budget_usd)}", fmt.usd(sum(t.npv_usd for t in chosen)),
                  border=True, help=f"{', '.join(result.chosen) or 'nothing'}; left out: "
                  f"{', '.join(result.left_out) or 'none'}")
if table is not None:
    share = table.untagged_usd / table.total_usd if table.total_usd > 0 else 0.0
    row[4].metric("Untagged spend", fmt.usd(table.untagged_usd), border=True,
                  help=f"{table.untagged_requests:,} requests ({share:.1%} of spend) without the task key "
                       f"{table.task_key!r}, listed as '(untagged)' and not screened. "
                       f"{table.failed_requests:,} failed requests kept out of the volume. Cost: "
                       f"{table.cost_source}" + (f"; priced from {table.price_source}" if table.price_source else ""))
    for note in table.notes:
        st.info(note)
for warning in result.warnings:
    st.warning(warning)

st.plotly_chart(portfolio_charts.npv_bars(result.to_frame()), config=PLOT_CONFIG, key="portfolio.npv")
st.table(screen_tables.shown_table(result, result.budget_usd is not None))
typed_data = not isinstance(template.distillation.data_generation_usd, econ.DataGeneration)
st.caption("Ranked by NPV P10 (the low side of each task's own Monte Carlo); NPV at the point estimate "
           "beside it. Data generation: " + (
               "typed in the template as one amount, the same for every task (give it as examples × tokens "
               "to price each task's own token mix)" if typed_data else
               "the template's examples at the task's own tokens per request, priced by its teacher")
           + "; it is inside Upfront.")
ranked = screen_tables.ranked_table(result)
st.dataframe(ranked.loc[:, ["Task", screen_tables.DAILY_COLUMN]], hide_index=True, key="portfolio.daily",
             column_config={screen_tables.DAILY_COLUMN: st.column_config.LineChartColumn(
                 f"Daily requests (last {len(result.recent_daily)} days)", width="large")})

st.subheader("Why, task by task")
names = [t.task for t in result.tasks]
pick = st.selectbox("Task", names, key="portfolio.task")
task = result.tasks[names.index(pick)]
st.markdown(f"**{task.task}: {task.verdict_label}**")
for reason in task.reasons:
    st.markdown(f"- {reason}")
if task.scenario is None:
    st.caption("Not scored, so there is no scenario to open.")
elif st.button(f"Open {task.task} in the sidebar", key="portfolio.open", type="primary",
               help="Makes this task's scenario the current one: every page then shows it."):
    typed = screen_tables.as_typed(task.scenario)  # 61,234.567 requests/day opens as 61,200
    state.load_scenario(typed, econ.evaluate(typed))
    st.session_state[OPENED_KEY] = task.task
    st.rerun()
if st.session_state.get(OPENED_KEY) and st.session_state[OPENED_KEY] == state.current_scenario().name:
    st.success(f"{st.session_state[OPENED_KEY]} is the current scenario: the sidebar and every page show it, "
               "with its figures rounded as a person would type them (requests/day to 3 figures, growth to "
               "0.1%, prices to the cent), so its NPV can differ slightly from the table's.")
d1, d2 = st.columns(2)
d1.download_button("Screen JSON", lambda: json.dumps(result.to_dict(), indent=2),
                   file_name="screen.json", mime="application/json", key="portfolio.json")
d2.download_button("Screen CSV", result.to_frame().to_csv(index=False), file_name="screen.csv", mime="text/csv",
                   key="portfolio.csv")
