"""Profiles page: browse profiles/data/, upload a profile JSON (size-limited, validated, never executed),
compare two side by side with MBU/MFU (by default the sidebar scenario's own teacher and student), and
show a served profile in full (ui/served_view.py). Measured and estimated numbers are always labelled.

Imports streamlit, pandas, econ and ui.
"""

import math
from pathlib import Path

import pandas as pd
import streamlit as st

import econ
from econ.model.profile import MAX_PROFILE_BYTES, ProfileError
from ui import loads, served_tables, served_view, state, tables, uploads
from ui.charts import serving as serving_charts


def column_formats(columns) -> dict:
    """Percent for MBU/MFU, milliseconds to 0.01, rates and memory to 0.1 (batch and flags as they are)."""
    formats = {}
    for column in columns:
        if column.startswith(("MBU", "MFU")):
            formats[column] = st.column_config.NumberColumn(format="percent")
        elif ", ms" in column:
            formats[column] = st.column_config.NumberColumn(format="%.2f")
        elif "/s" in column or "GiB" in column:
            formats[column] = st.column_config.NumberColumn(format="%.1f")
    return formats


PLOT_CONFIG = {"displaylogo": False}
FACT_KEY = ""  # tables.profile_facts names the key column ""

st.title("Profiles: measured and estimated serving performance")

# --- upload ----------------------------------------------------------------------------------
file = st.file_uploader(
    f"Upload a profile JSON (at most {MAX_PROFILE_BYTES / 2**20:.0f} MiB; written by `python -m profiles`)",
    type=["json"], key="profiles.upload", max_upload_size=math.ceil(MAX_PROFILE_BYTES / 2**20),
    help="The file is read as JSON and validated against the profile schema; nothing in it is executed.",
)
if file is not None:
    try:
        profile = uploads.parse_uploaded_profile(file.name, file.getvalue())
    except ProfileError as exc:
        st.error(f"Not a usable profile: {exc}")
    else:
        loads.add_uploaded_profile(file.name, profile)
        st.success(f"Loaded {file.name}: {profile.model.name} on {profile.hardware.name} "
                   f"({tables.provenance_label(profile)}). Pick it for the teacher or student in the "
                   "sidebar.")

# --- browse ----------------------------------------------------------------------------------
stored = loads.stored_profiles()
uploaded = loads.uploaded_profiles()
rows = [tables.profile_row(name, p if not isinstance(p, str) else ProfileError(p)) for name, _, p in stored]
rows += [tables.profile_row(f"uploaded: {name}", p) for name, p in uploaded.items()]
if not rows:
    st.info("No profiles yet. Measure one with `python -m profiles run --model …` (it writes to "
            "profiles/data/), estimate one with `python -m profiles estimate --model … --gpu … --out "
            "profiles/data/NAME.json`, or upload a file above.")
    st.stop()
st.subheader("Browse")
browse = pd.DataFrame(rows)
browse["best requests/s"] = [f"{v:,.2f}" if v is not None and v == v else "—"
                             for v in browse["best requests/s"]]
if not browse["problem"].astype(bool).any():
    browse = browse.drop(columns="problem")
st.table(browse.set_index("file"))  # static: wraps long cells (a served profile's loads) instead of cutting

# --- compare two -----------------------------------------------------------------------------
def scenario_profiles(result: econ.Evaluation) -> dict[str, econ.Profile]:
    """The profiles the sidebar scenario's evaluation used, by label ('scenario teacher: …'), teacher
    first."""
    out = {}
    for side, capacity in (("teacher", result.teacher_capacity), ("student", result.student_capacity)):
        if capacity is None or capacity.profile is None:
            continue
        ref = getattr(result.scenario, side).profile
        where = Path(ref).name if isinstance(ref, str) else "embedded"
        profile = capacity.profile
        out[f"scenario {side}: {profile.model.name} on {profile.hardware.name} ({where})"] = profile
    return out


own = scenario_profiles(state.current_evaluation())
available = dict(own)
available |= {
    f"{name} · {p.model.name} on {p.hardware.name}": p for name, _, p in stored if not isinstance(p, str)}
available |= {f"uploaded: {name} · {p.model.name} on {p.hardware.name}": p for name, p in uploaded.items()}
if not available:
    st.stop()
st.subheader("Compare")
labels = list(available)
if own:
    st.caption(f"By default A and B are the sidebar scenario's own profiles ({len(own)} of its sides use "
               "one); pick any other below.")
pick = st.columns(2)
first = pick[0].selectbox("Profile A", labels, index=0, key="profiles.a")
second = pick[1].selectbox("Profile B", labels, index=min(1, len(labels) - 1), key="profiles.b")
frames, served = [], []
for column, label, name in ((pick[0], first, "A"), (pick[1], second, "B")):
    profile = available[label]
    with column:
        if profile.provenance == "measured":
            st.success(f"**{name}: measured** on {profile.hardware.name}", icon=":material/straighten:")
        else:
            st.warning(f"**{name}: estimated, not a measurement** (roofline estimate for "
                       f"{profile.hardware.name})",
                       icon=":material/calculate:")
        if profile.partial:
            st.warning("Partial sweep: the run was interrupted; only completed batch sizes are kept.")
        st.table(tables.profile_facts(profile).set_index(FACT_KEY))  # wraps long values instead of cutting
        points = served_tables.served_points_table(profile) if profile.served else tables.points_table(
            profile)
        points = points.dropna(axis=1, how="all")  # a column the profile never recorded only takes width
        st.dataframe(points, hide_index=True, column_config=column_formats(points.columns))
        if profile.served:
            served.append((name, profile))
            st.caption("Served profile: its latency, lengths, prices and server metrics are below.")
        for line in profile.assumptions:
            st.caption(f"Assumption: {line}")
        for line in profile.notes:
            st.caption(f"Note: {line}")
    frames.append(tables.points_frame(profile, f"{name}: {profile.model.name} ({profile.provenance})"))
static = pd.concat(frames, ignore_index=True)
if len(static):  # served profiles have no per-batch decode throughput: their charts are below
    st.plotly_chart(serving_charts.throughput_latency(static), config=PLOT_CONFIG, key="profiles.latency")
for name, profile in served:
    served_view.show_served(profile, name, key=f"profiles.served.{name}")
