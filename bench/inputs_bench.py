"""Benchmark of the input guards: how fast a hostile file is refused, and what the largest accepted inputs
cost.

Issue 10: a 19 MB history took 130 s and 0.8 GB, and /dev/zero was read without end. Prints each figure
beside its target and the ratio: refusals in well under a second (they read at most limit + 1 bytes),
the largest accepted history (a century of days) and a 20 MiB-limit scenario read within seconds.
Run: .venv/bin/python bench/inputs_bench.py
"""

from __future__ import annotations

import json
import resource
import tempfile
from pathlib import Path

import pandas as pd
from timing import best_of

import econ
from econ.traffic.forecast import MAX_HISTORY_DAYS, HistoryError, load_history

TARGET_REFUSAL_S = 0.1
TARGET_CENTURY_PARSE_S = 2.0
TARGET_SCENARIO_S = 0.5
FUZZ_HISTORY_BYTES = 19 * 2**20  # the fuzz's 19 MB history


def refused_s(read, path) -> float:
    def attempt():
        try:
            read(path)
        except ValueError:
            return
        raise AssertionError(f"{path} was accepted")
    return best_of(attempt, 5)


def line(label: str, seconds: float, target_s: float) -> None:
    print(
        f"{label:<52} {seconds * 1e3:9.3f} ms   target {target_s * 1e3:6.0f} ms   "
        f"({seconds / target_s:.2f}x of target)")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        big = folder / "big.csv"
        row = "2026-01-05,100\n"
        big.write_text("date,requests\n" + row * (FUZZ_HISTORY_BYTES // len(row)))
        line("19 MB history refused (load_history)", refused_s(load_history, big), TARGET_REFUSAL_S)
        line("/dev/zero refused as a scenario", refused_s(econ.load_scenario, "/dev/zero"), TARGET_REFUSAL_S)
        deep = folder / "deep.json"
        deep.write_text("[" * 100_000 + "]" * 100_000)
        line("JSON nested 100,000 deep refused", refused_s(econ.load_scenario, deep), TARGET_REFUSAL_S)
        century = folder / "century.csv"
        dates = pd.date_range("1930-01-01", periods=MAX_HISTORY_DAYS, freq="D")
        century.write_text(
            "date,requests\n" + "".join(f"{d.date()},{1000 + i % 7}\n" for i, d in enumerate(dates)))
        line(f"largest history parsed ({MAX_HISTORY_DAYS:,} days)", best_of(lambda: load_history(century), 3),
             TARGET_CENTURY_PARSE_S)
        scenario = folder / "s.json"
        scenario.write_text(json.dumps({**econ.example_scenario().model_dump(mode="json", exclude_none=True),
                                        "description": "x" * 5000}))
        line("scenario file read and validated", best_of(lambda: econ.load_scenario(scenario), 5),
             TARGET_SCENARIO_S)
        try:
            load_history(big)
        except HistoryError as exc:
            print(f"  message: {exc}")
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory of this run: {peak_mib:,.0f} MiB (the fuzz's 19 MB history alone took 0.8 GB before)")


if __name__ == "__main__":
    main()
