"""The Serving and Profiles pages (AppTest): the Serving page draws every SLO limit, names the one that
binds and charts the teacher's fallback fleet beside the student's; the Profiles page opens on the
scenario's own teacher and student, and shows a served profile's lengths, binding limit, prices, server
metrics and import."""

from __future__ import annotations

import copy
import json

from app_support import APP, TIMEOUT, served_profile_dict
from plotly_json import figures, values
from streamlit.testing.v1 import AppTest

import econ
from ui.state import SCENARIO_KEY

MIX = "served-tiny-llama-4l-cpu-vllm-mix.json"


def titled(at, text: str) -> dict:
    return next(f for f in figures(at) if text in f["layout"]["title"]["text"])


def page(path: str, scenario: econ.Scenario | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    if scenario is not None:
        at.session_state[SCENARIO_KEY] = scenario
    at.run()
    at.switch_page(path).run()
    assert not at.exception, at.exception
    return at


def test_the_serving_page_names_the_binding_ttft_limit_and_draws_both_limits():
    at = page("ui/pages/serving.py")
    notes = " ".join(m.value for m in at.markdown)
    # default teacher (estimated 70B on 4×H100): batch 8 has p99 TTFT 533 ms; batch 16 has 1,048.8 ms > 1,000
    assert "**What binds:** batch 16 would break the 1,000 ms TTFT SLO (p99 TTFT 1,049 ms)." in notes
    # default student (8B on 1×H100): batch 32 has 665 ms; batch 64 has 1,323.7 ms > 1,000
    assert "**What binds:** batch 64 would break the 1,000 ms TTFT SLO (p99 TTFT 1,324 ms)." in notes
    chart = titled(at, "Throughput vs latency")
    lines = sorted((s["yref"], s["y0"]) for s in chart["layout"]["shapes"])
    assert lines == [("y", 1000.0), ("y2", 50.0)]  # TTFT in the top panel, TPOT below: both limits drawn


def test_the_serving_page_charts_the_teachers_fallback_fleet_beside_the_students():
    at = page("ui/pages/serving.py")
    fleet = titled(at, "Replicas per month")
    names = [t["name"] for t in fleet["data"]]
    assert names == ["Student replicas (1 GPU each)", "Teacher fallback replicas (4 GPUs each)",
                     "Student average utilization"]
    captions = " ".join(c.value for c in at.caption)
    # 5% of month 1's traffic on the teacher needs less than one replica: the minimum of 1 is kept, billed
    # 1 × 4 GPUs × $2.69 × 730 h = $7,854.80 ("$7.9k")
    assert ("Teacher fallback fleet: 5.0% of requests fall back to the self-hosted teacher, which keeps 1 "
            "replica(s) of 4 GPU(s) in month 1 ($7.9k that month)") in captions


def test_an_api_teacher_keeps_no_fallback_fleet():
    data = econ.default_scenario().model_dump(exclude_none=True)
    data["teacher"] = {"kind": "api", "input_usd_per_mtok": 3.0, "output_usd_per_mtok": 15.0}
    at = page("ui/pages/serving.py", econ.parse_scenario(data))
    assert any("go to the teacher's API, priced per token; no teacher GPUs are kept" in c.value
               for c in at.caption)
    names = [t["name"] for t in titled(at, "Replicas per month")["data"]]
    assert not any(n.startswith("Teacher fallback") for n in names)


def test_the_profiles_page_compares_the_scenarios_own_teacher_and_student_by_default():
    at = page("ui/pages/profiles.py")
    assert at.selectbox(key="profiles.a").value == "scenario teacher: llama-3.1-70b on h100-sxm (embedded)"
    assert at.selectbox(key="profiles.b").value == "scenario student: llama-3.1-8b on h100-sxm (embedded)"


def test_a_scenario_student_from_the_store_is_named_by_its_file(tmp_path):
    from profiles.store import DATA_DIR

    data = econ.default_scenario().model_dump(exclude_none=True)
    data["student"]["profile"] = str(DATA_DIR / MIX)
    data["student"]["slo"] = {"ttft_ms_p99": 1000, "tpot_ms_p99": 100}
    at = page("ui/pages/profiles.py", econ.parse_scenario(data))
    assert at.selectbox(key="profiles.b").value == f"scenario student: tiny-llama-4l on AMD EPYC ({MIX})"
    # a served profile in B gets its full section
    assert any(s.value == "B: served profile of tiny-llama-4l" for s in at.subheader)


def _pick_mix(at: AppTest) -> AppTest:
    label = next(o for o in at.selectbox(key="profiles.a").options if o.startswith(MIX))
    at.selectbox(key="profiles.a").set_value(label).run()
    assert not at.exception, at.exception
    return at


def test_a_served_profile_shows_its_length_distribution_binding_limit_and_server_metrics():
    at = _pick_mix(page("ui/pages/profiles.py"))
    profile = econ.load_profile(f"profiles/data/{MIX}")
    lengths = titled(at, "Request lengths")
    bars = {(t["name"], t["yaxis"] if "yaxis" in t else "y"): t for t in lengths["data"]}
    counted = bars[("counted by the server", "y")]
    # the realised prompt lengths the server counted (usage.prompt_tokens over 857 requests)
    assert counted["x"] == ["min", "p50", "mean", "p90", "p99", "max"]
    realised = profile.workload.input_lengths.realised
    assert values(counted["y"])[1] == realised.p50 == 184.0
    assert ("asked for", "y2") in bars  # the output lengths in the second panel
    binding = "**Binding limit:** KV cache full at 32 req/s (25.7 req/s achieved): 15 preemptions."
    assert any(binding == i.value for i in at.info)
    # the server's view defaults to the capacity's load (rate 30) and charts its samples over time
    assert at.selectbox(key="profiles.served.A.server_point").value == "rate 30 req/s"
    over_time = titled(at, "Server metrics over rate 30 req/s")
    capacity = next(p for p in profile.points if p.load.value == 30)
    kv = next(t for t in over_time["data"] if t["name"] == "KV cache in use")
    assert len(values(kv["x"])) == len(capacity.server.samples) == 9


def test_each_load_and_the_capacity_are_priced_like_the_load_cli():
    at = _pick_mix(page("ui/pages/profiles.py"))
    # AMD EPYC is not in the price table: no price until one is typed
    assert at.number_input(key="profiles.served.A.gpu_usd_per_hour").value is None
    at.number_input(key="profiles.served.A.gpu_usd_per_hour").set_value(2.69).run()
    table = next(d.value for d in at.dataframe if "$ per 1k requests" in d.value.columns)
    row = table[table["load"] == "rate 30 req/s (capacity)"].iloc[0]
    # capacity: 24.99 req/s and 953.1 output tok/s on 1 CPU "GPU" at $2.69/h:
    # 2.69 / (24.99 × 3600) × 1000 = $0.0299 per 1k requests; 2.69 / (953.1 × 3600) × 1e6 = $0.784 per 1M
    assert round(row["$ per 1k requests"], 4) == 0.0299
    assert round(row["$ per 1M output tokens"], 3) == 0.784
    assert any("**At the capacity** (rate 30 req/s, 25 requests/s achieved): **$0.7840 per 1M output "
               "tokens**, **$0.0299 per 1k requests**" in m.value for m in at.markdown)


def test_a_catalog_gpu_profile_is_priced_from_the_price_table_and_an_import_names_its_tool():
    served = copy.deepcopy(served_profile_dict())
    served["hardware"]["catalog_name"] = "h100-sxm"
    for point in served["points"]:
        point["output_tokens_per_s"] = point["requests_per_s"] * 300
    served["imported"] = {"tool": "vllm bench serve", "files": ["r2.json", "r4.json", "r8.json"],
                          "names": "median_ttft_ms → TTFT p50"}
    at = page("ui/pages/profiles.py")
    data = json.dumps(served).encode()
    at.file_uploader(key="profiles.upload").set_value(("imported.json", data, "application/json")).run()
    label = next(o for o in at.selectbox(key="profiles.a").options if o.startswith("uploaded: imported.json"))
    at.selectbox(key="profiles.a").set_value(label).run()
    assert not at.exception, at.exception
    assert any(i.value.startswith("Imported from **vllm bench serve** (version not recorded in its files; 3 "
                                  "result files), not measured by `profiles load`.") for i in at.info)
    # the price table's cheapest on-demand H100 SXM offer: $2.69/GPU-hour (REFERENCE: RunPod community)
    assert at.number_input(key="profiles.served.A.gpu_usd_per_hour").value == 2.69
    # capacity rate 4: 3.9 req/s, 1,170 output tok/s: 2.69 / (3.9 × 3600) × 1000 = $0.1916 per 1k requests;
    # 2.69 / (1170 × 3600) × 1e6 = $0.6387 per 1M output tokens
    priced = "**$0.6387 per 1M output tokens**, **$0.1916 per 1k requests**"
    assert any(priced in m.value for m in at.markdown)
    assert any("Every request was 1000 prompt and 300 output tokens" in c.value for c in at.caption)
