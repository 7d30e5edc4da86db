"""Serving charts: every SLO limit drawn in its own latency panel, the operating point ringed, the
student's fleet beside the teacher's fallback fleet; and the house rules that keep text off text
(point labels that would overprint are dropped; the title sits above, the legend below)."""

from __future__ import annotations

import json

import pandas as pd
from app_support import profile_dict
from hypothesis import given, settings
from hypothesis import strategies as st

import econ
from econ.serving.slo_binding import SLO_LIMITS
from ui import tables
from ui.charts import costs as cost_charts
from ui.charts import layout, palette
from ui.charts import serving as serving_charts


def _frame(*sides):
    profile = econ.parse_profile(json.dumps(profile_dict()))
    return pd.concat([tables.points_frame(profile, name, chosen) for name, chosen in sides])


def test_every_slo_limit_has_a_latency_panel():
    assert [name for name, _, _ in serving_charts.LATENCY_PANELS] == [limit.name for limit in SLO_LIMITS]


def test_throughput_latency_draws_ttft_and_tpot_limits_and_rings_the_operating_point():
    fig = serving_charts.throughput_latency(_frame(("Student", 16)), {"Student": {"TTFT": 500, "TPOT": 20}})
    curves = [t for t in fig.data if t.name == "Student"]
    rings = [t for t in fig.data if t.name == "Student: operating point"]
    assert [c.yaxis for c in curves] == ["y", "y2"] and curves[0].line.color == palette.STUDENT
    # app_support's profile: batch 16 has p99 TTFT 300 × 1.2 = 360 ms and p99 TPOT 16 × 1.2 = 19.2 ms
    assert [r.y[0] for r in rings] == [360.0, 19.2]
    assert rings[0].x[0] == 16 * 1000 / 16.0  # decode tokens/s = batch × 1000 / TPOT p50
    lines = {(s.yref, s.y0) for s in fig.layout.shapes}
    assert lines == {("y", 500.0), ("y2", 20.0)}  # the TTFT limit in the TTFT panel, TPOT in the TPOT one
    texts = {a.text for a in fig.layout.annotations}
    assert {"Student SLO: p99 TTFT ≤ 500 ms", "Student SLO: p99 TPOT ≤ 20 ms"} <= texts


def test_one_slo_line_names_every_side_it_limits():
    limits = {"TTFT": 1000, "TPOT": 50}
    fig = serving_charts.throughput_latency(_frame(("Teacher", 4), ("Student", 16)),
                                            {"Teacher": limits, "Student": limits})
    assert len(fig.layout.shapes) == 2
    assert {a.text for a in fig.layout.annotations} >= {"Teacher and Student SLO: p99 TTFT ≤ 1,000 ms",
                                                        "Teacher and Student SLO: p99 TPOT ≤ 50 ms"}


def test_batch_labels_are_written_once_and_never_over_each_other():
    fig = serving_charts.throughput_latency(_frame(("Teacher", 4), ("Student", 16)))
    labelled = [t for t in fig.data if t.mode == "lines+markers+text"]
    assert [t.yaxis for t in labelled] == ["y2", "y2"]  # the bottom panel only
    # throughput 83 to 1,067 tokens/s spans more than a decade: a log axis spreads the doublings
    assert fig.layout.xaxis2.type == "log"
    assert [t.line.color for t in labelled] == [palette.TEACHER, palette.STUDENT]


def test_spaced_labels_drop_a_label_that_would_overprint_and_keep_distant_ones():
    import plotly.graph_objects as go

    fig = go.Figure(go.Scatter(x=[1, 2, 4, 64, 128], y=[10, 10, 10, 10, 10], mode="markers+text",
                               text=["b1", "b2", "b4", "b64", "b128"]))
    layout.spaced_labels(fig)
    # on 440 px for x 1..128, b1/b2/b4 sit within 10 px of each other (a 2-character label is 15 px wide):
    # b4 is kept (last first), b2 and b1 dropped; b64 ((64 − 1) ÷ 127 × 440 = 218 px) and b128 (440 px)
    # keep theirs
    assert list(fig.data[0].text) == ["", "", "b4", "b64", "b128"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 1000), st.floats(0, 1000)), min_size=1, max_size=30))
def test_kept_labels_never_overlap(points):
    import plotly.graph_objects as go

    xs, ys = zip(*points, strict=True)
    fig = go.Figure(go.Scatter(x=xs, y=ys, mode="markers+text", text=[f"b{i}" for i in range(len(xs))]))
    layout.spaced_labels(fig)
    (x0, dx), (y0, dy) = layout._unit(list(xs)), layout._unit(list(ys))
    kept = [((x - x0) / dx * layout.LABEL_PLOT_PX[0], (y - y0) / dy * layout.LABEL_PLOT_PX[1], len(t))
            for x, y, t in zip(xs, ys, fig.data[0].text, strict=True) if t]
    assert kept  # the last label always stays
    for i, (xa, ya, na) in enumerate(kept):
        for xb, yb, nb in kept[i + 1:]:
            wide = (na + nb) * layout.LABEL_CHAR_PX / 2
            assert abs(xa - xb) >= wide or abs(ya - yb) >= layout.LABEL_LINE_PX


def test_fleets_chart_the_teachers_fallback_replicas_beside_the_students():
    result = econ.evaluate(econ.default_scenario())
    fig = serving_charts.fleets(result.monthly, {"Student": 1, "Teacher": 4})
    student, fallback, line = fig.data
    assert student.name == "Student replicas (1 GPU each)"
    assert fallback.name == "Teacher fallback replicas (4 GPUs each)"
    assert list(fallback.y) == list(result.monthly["fallback_replicas"])
    assert fallback.marker.color == palette.TEACHER
    assert fig.layout.barmode == "group"  # beside, not stacked
    assert line.yaxis == "y2" and fig.layout.yaxis2.tickformat == ".0%"


def test_titles_sit_above_and_legends_below_in_every_house_chart():
    result = econ.evaluate(econ.default_scenario())
    for fig in (serving_charts.fleets(result.monthly, {}), cost_charts.cost_breakdown(result.monthly),
                serving_charts.throughput_latency(_frame(("Student", 16)))):
        assert (fig.layout.title.yref, fig.layout.title.yanchor, fig.layout.title.automargin) == (
            "container", "top", True)
        assert (fig.layout.legend.yref, fig.layout.legend.y, fig.layout.legend.yanchor) == (
            "container", 0, "bottom")
