"""Web app timings: first render of the landing page (target < 3 s) and the server time of a re-run
after one input change (target < 300 ms), measured with Streamlit's AppTest (the real app.py,
sidebar and page, run in-process; AppTest's own bookkeeping is included, so these are upper bounds).

Each first render runs in a fresh Python process (cold imports of plotly, pandas, econ, ui), as a
fresh server would. Prints figures, ratios to target, and where a re-run spends its time.
Run: .venv/bin/python bench/app_bench.py
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIRST_RENDER_TARGET_S = 3.0
RERUN_TARGET_S = 0.300
COLD_RUNS = 3
RERUNS = 20

COLD = """
import json, time
from streamlit.testing.v1 import AppTest
at = AppTest.from_file({app!r}, default_timeout=120)
t = time.perf_counter(); at.run(); first = time.perf_counter() - t
assert not at.exception, at.exception
print(json.dumps({{"first_s": first}}))
"""


def cold_first_render() -> list[float]:
    out = []
    for _ in range(COLD_RUNS):
        proc = subprocess.run([sys.executable, "-c", COLD.format(app=str(ROOT / "app.py"))], cwd=ROOT,
                              capture_output=True, text=True, check=True)
        out.append(json.loads(proc.stdout.strip().splitlines()[-1])["first_s"])
    return out


def reruns() -> list[float]:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    times = []
    for i in range(RERUNS):
        field = at.number_input(key="in:traffic.requests_per_day")
        field.set_value(30_000 + 1_000 * (i + 1))
        t = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - t)
        assert not at.exception, at.exception
    return times


def parts() -> dict[str, float]:
    """Median time of the pieces of one re-run: econ.evaluate and building the two landing charts."""
    import econ
    from ui.charts import costs as charts
    from ui.state import default_scenario

    scenario = default_scenario()  # the scenario the app opens on

    def median_of(fn, n=20):
        samples = []
        for _ in range(n):
            t = time.perf_counter()
            fn()
            samples.append(time.perf_counter() - t)
        return statistics.median(samples)

    result = econ.evaluate(scenario)
    return {
        "econ.evaluate": median_of(lambda: econ.evaluate(scenario)),
        "charts (cumulative + breakdown)": median_of(lambda: (
            charts.cumulative_costs(result.monthly, result.payback_months, result.upfront_usd),
            charts.cost_breakdown(result.monthly))),
    }


def main() -> None:
    first = cold_first_render()
    again = reruns()
    first_med, rerun_med = statistics.median(first), statistics.median(again)
    print(f"first render of the landing page (cold process, AppTest), {COLD_RUNS} runs: "
          f"median {first_med:.2f} s (min {min(first):.2f}, max {max(first):.2f}); "
          f"target < {FIRST_RENDER_TARGET_S:.0f} s; ratio {first_med / FIRST_RENDER_TARGET_S:.2f} of target")
    print(f"re-run after changing requests_per_day (server time, AppTest), {RERUNS} runs: "
          f"median {rerun_med * 1000:.0f} ms (p90 {sorted(again)[int(0.9 * len(again)) - 1] * 1000:.0f} ms); "
          f"target < {RERUN_TARGET_S * 1000:.0f} ms; ratio {rerun_med / RERUN_TARGET_S:.2f} of target")
    for name, seconds in parts().items():
        print(f"  of which {name}: {seconds * 1000:.1f} ms ({seconds / rerun_med:.0%} of a re-run)")


if __name__ == "__main__":
    main()
