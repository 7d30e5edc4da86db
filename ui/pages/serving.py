"""Serving page: the chosen profiles' throughput–latency curves with the SLO and the operating point,
the student fleet per month, and serving cost per 1M tokens against utilization.

Imports streamlit, pandas, econ and ui. Operating points come from the evaluation
(`Evaluation.teacher_capacity`),
costs from econ (see ui/sweeps.py); nothing is computed here: the operating points are the evaluation's.
"""

import pandas as pd
import streamlit as st

import econ
from ui import format as fmt
from ui import served_tables, state, sweeps, tables
from ui.charts import served as served_charts
from ui.charts import serving as serving_charts

PLOT_CONFIG = {"displaylogo": False}

result = state.current_evaluation()
scenario = result.scenario
sides = {"Teacher": ("teacher", scenario.teacher), "Student": ("student", scenario.student)}
capacities = {"Teacher": result.teacher_capacity, "Student": result.student_capacity}
st.title("Serving: capacity, latency and utilization")

# --- throughput vs latency -------------------------------------------------------------------
frames, slos, notes, served = [], {}, [], []
for label, (_field, side) in sides.items():
    if not isinstance(side, econ.SelfHostedServing):
        notes.append(f"**{label}**: API, priced per token ({side.name or 'unnamed model'}); no GPU curve.")
        continue
    if side.profile is None:
        notes.append(f"**{label}**: typed capacity, {side.requests_per_s_per_replica:g} requests/s per "
                     f"replica; pick a profile in the sidebar to see its latency curve.")
        continue
    profile, point = capacities[label].profile, capacities[label].point
    if profile.served:
        served.append((label, profile, side.slo, point))
    else:
        frames.append(tables.points_frame(profile, label, point.batch_size))
        slos[label] = side.slo.tpot_ms_p99 if side.slo else None
    notes.append(
        f"**{label}**: {tables.provenance_label(profile)} profile of {profile.model.name} on "
        f"{profile.hardware.name}: operating point {point.describe()}, "
        f"{point.requests_per_s:,.2f} requests/s, p99 TTFT {point.ttft_ms_p99:,.1f} ms, "
        f"p99 TPOT {point.tpot_ms_p99:,.2f} ms."
    )
for note in notes:
    st.markdown(note)
if frames:
    st.plotly_chart(serving_charts.throughput_latency(pd.concat(frames, ignore_index=True), slos),
                    config=PLOT_CONFIG, key="serving.latency")
for label, profile, slo, point in served:  # a served profile: the operating point on the rate axis
    st.plotly_chart(served_charts.latency_vs_rate(
        served_tables.served_frame(profile, label), slo.ttft_ms_p99 if slo else None,
        slo.tpot_ms_p99 if slo else None, operating_rps=point.requests_per_s),
        config=PLOT_CONFIG, key=f"serving.served.{label}")

# --- the student's fleet ---------------------------------------------------------------------
student = scenario.student
if isinstance(student, econ.SelfHostedServing):
    st.subheader("Student fleet")
    st.caption(f"Capacity per replica: {fmt.count(result.student_requests_per_s_per_replica)} requests/s "
               f"({result.student_capacity_source}) · billing: {student.billing.replace('_', ' ')} · "
               f"{student.gpus_per_replica:g} GPU(s) per replica at "
               f"${student.gpu_usd_per_hour:,.2f}/GPU-hour · sized for {student.target_utilization:.0%} "
               f"utilization at peak (peak = {scenario.traffic.peak_to_average:g} × average), at least "
               f"{student.min_replicas} replica(s).")
    st.plotly_chart(serving_charts.replicas_utilization(result.monthly),
                    config=PLOT_CONFIG, key="serving.fleet")

# --- cost per 1M tokens vs utilization -------------------------------------------------------
curves, flat, observed = [], {}, None
payload = scenario.model_dump_json()
for label, (field, side) in sides.items():
    curve = sweeps.serving_cost_curve(payload, field)
    if isinstance(side, econ.SelfHostedServing):
        curves.append(curve.assign(series=label))
    else:
        flat[label] = float(curve["usd_per_mtok_served"].iloc[0])
if isinstance(student, econ.SelfHostedServing):
    observed = sweeps.observed_cost(result).assign(series="Student")
if curves:
    st.plotly_chart(serving_charts.cost_per_mtok_vs_utilization(pd.concat(curves, ignore_index=True),
                                                                observed, flat),
                    config=PLOT_CONFIG, key="serving.cost")
    st.caption("Curves: month-1 serving cost of one replica (kept running) at each average utilization; "
               "dots: this scenario's months. An always-on GPU bills the same whether busy or idle, so "
               "cost per token falls as utilization rises. Fallback, re-distillation and errors are "
               "excluded.")
else:
    st.info("Both sides are APIs: their cost per token does not depend on utilization. "
            f"Teacher {fmt.usd_precise(flat.get('Teacher'))}, student {fmt.usd_precise(flat.get('Student'))} "
            "per 1M tokens.")
