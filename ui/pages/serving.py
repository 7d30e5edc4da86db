"""Serving page: the chosen profiles' throughput against every latency an SLO limits, with the operating
point and the sentence naming the limit that binds; the student's fleet per month beside the teacher
replicas kept for the fallback share; serving cost per 1M tokens against utilization.

Imports streamlit, pandas, econ and ui. Operating points and the binding limit come from the evaluation
(`Evaluation.teacher_capacity.binding`, econ.serving.slo_binding), fleets from its monthly table, costs
from econ (see ui/sweeps.py); nothing is computed here.
"""

import pandas as pd
import streamlit as st

import econ
from econ.serving.slo_binding import set_limits
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
    capacity = capacities[label]
    profile, point = capacity.profile, capacity.point
    if profile.served:
        served.append((label, profile, side.slo, point))
    else:
        frames.append(tables.points_frame(profile, label, point.batch_size))
        slos[label] = {limit.name: ms for limit, ms in set_limits(side.slo)}
    limits = " and ".join(f"p99 {limit.name} ≤ {ms:,.0f} ms" for limit, ms in set_limits(side.slo))
    notes.append(
        f"**{label}**: {tables.provenance_label(profile)} profile of {profile.model.name} on "
        f"{profile.hardware.name}: operating point {point.describe()}, "
        f"{point.requests_per_s:,.2f} requests/s, p99 TTFT {point.ttft_ms_p99:,.1f} ms, "
        f"p99 TPOT {point.tpot_ms_p99:,.2f} ms. SLO: {limits or 'none set'}. "
        f"**What binds:** {capacity.binding}."
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

# --- the student's fleet and the teacher's fallback fleet ------------------------------------
student, teacher = scenario.student, scenario.teacher
if isinstance(student, econ.SelfHostedServing):
    st.subheader("Fleets")
    st.caption(f"Student capacity per replica: {fmt.count(result.student_requests_per_s_per_replica)} "
               f"requests/s ({result.student_capacity_source}) · "
               f"billing: {student.billing.replace('_', ' ')} · "
               f"{student.gpus_per_replica:g} GPU(s) per replica at "
               f"${student.gpu_usd_per_hour:,.2f}/GPU-hour · sized for {student.target_utilization:.0%} "
               f"utilization at peak (peak = {scenario.traffic.peak_to_average:g} × average), at least "
               f"{student.min_replicas} replica(s).")
    fallback = ("the measured fallback share (graded samples)" if scenario.quality.evidence is not None
                else f"{scenario.quality.fallback_rate:.1%}")
    if isinstance(teacher, econ.SelfHostedServing):
        first = result.monthly.iloc[0]
        st.caption(
            f"Teacher fallback fleet: {fallback} of requests fall back to the self-hosted teacher, which "
            f"keeps {fmt.count(first['fallback_replicas'])} replica(s) of "
            f"{teacher.gpus_per_replica:g} GPU(s) "
            f"in month 1 ({fmt.usd(first['student_fallback_usd'])} that month), sized like its own fleet at "
            f"{teacher.target_utilization:.0%} of its capacity per replica; staying on the teacher needs "
            f"{fmt.count(first['teacher_replicas'])} replica(s) that month.")
    else:
        st.caption(f"Fallback: {fallback} of requests go to the teacher's API, priced per token; no "
                   "teacher GPUs are kept.")
    gpus = {"Student": student.gpus_per_replica}
    if isinstance(teacher, econ.SelfHostedServing):
        gpus["Teacher"] = teacher.gpus_per_replica
    st.plotly_chart(serving_charts.fleets(result.monthly, gpus), config=PLOT_CONFIG, key="serving.fleet")

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
