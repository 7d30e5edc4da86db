"""A served profile in the app (AppTest): uploaded on the Profiles page it shows latency against the
achieved rate with the SLO, goodput and the capacity; sizing the student from it, the Serving page
marks the operating point on the rate axis."""

from __future__ import annotations

import json

from app_support import APP, TIMEOUT, scenario_with_profile, served_profile_dict  # noqa: E402
from plotly_json import figures, values
from streamlit.testing.v1 import AppTest

import econ
from ui.state import SCENARIO_KEY


def test_an_uploaded_served_profile_shows_latency_against_the_achieved_rate():
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    at.switch_page("ui/pages/profiles.py").run()
    data = json.dumps(served_profile_dict()).encode()
    at.file_uploader(key="profiles.upload").set_value(("served.json", data, "application/json")).run()
    assert not at.exception, at.exception
    assert any("Loaded served.json" in s.value for s in at.success)
    label = next(o for o in at.selectbox(key="profiles.a").options if o.startswith("uploaded: served.json"))
    at.selectbox(key="profiles.a").set_value(label).run()
    assert not at.exception, at.exception
    assert any("Capacity at the SLO (p99 TTFT ≤ 500 ms and p99 TPOT ≤ 50 ms for ≥ 99% of requests): "
               "3.9 requests/s achieved at rate 4" in i.value for i in at.info)
    served = [f for f in figures(at) if "achieved request rate" in f["layout"]["title"]["text"]]
    assert served
    xs = [x for trace in served[0]["data"] if trace.get("name") == "llama-3.1-8b" for x in values(trace["x"])]
    assert sorted(set(xs)) == [1.98, 3.9, 6.1]  # the achieved rates, never the planned 2, 4, 8


def test_the_serving_page_marks_the_operating_point_of_a_served_profile(tmp_path):
    path = tmp_path / "served.json"
    path.write_text(json.dumps(served_profile_dict()))
    scenario = scenario_with_profile(str(path), tpot_ms_p99=50.0)
    data = scenario.model_dump(exclude_none=True)
    data["student"]["slo"] = {"ttft_ms_p99": 500, "tpot_ms_p99": 50}
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.session_state[SCENARIO_KEY] = econ.parse_scenario(data)
    at.run()
    at.switch_page("ui/pages/serving.py").run()
    assert not at.exception, at.exception
    assert any("operating point rate 4 req/s (achieved 3.9 req/s)" in m.value for m in at.markdown)
    served = next(f for f in figures(at) if "achieved request rate" in f["layout"]["title"]["text"])
    marks = [s for s in served["layout"].get("shapes", []) if s.get("x0") == 3.9 and s.get("x1") == 3.9]
    assert marks, "the operating point is a vertical line at the achieved 3.9 req/s"
