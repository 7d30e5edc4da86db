"""AIPerf's profile_export_aiperf.json (`aiperf profile`, read at 0.13.0) → one served point, names mapped
exactly, nothing guessed.

Torch-free and HTTP-free: imports the importer records and the profile schema. AIPerf's names and ours
(aiperf/metrics/types/*.py at 0.13.0); each metric is an object with its `unit`, `avg`, `std` and
percentiles p1, p5, p10, p25, p50, p75, p90, p95, p99:
- `time_to_first_token` is our TTFT;
- `inter_token_latency` is our TPOT: per request (request latency - TTFT) / (output tokens - 1) (the
  first content chunk's tokens instead of 1 under --per-chunk-usage), first token excluded;
- `request_latency` is our E2E; AIPerf's `inter_chunk_latency` is per request, not our pooled ITL:
  our ITL stays absent;
- `benchmark_duration` is our window (first request sent → last response), so our achieved requests/s
  is `request_count` / `benchmark_duration` and our output tokens/s `total_output_tokens` /
  `benchmark_duration`; AIPerf's own `request_throughput` divides by its observation window, which can
  be longer (on the fixture 4.07 s against 3.94 s at 8 req/s), and is used only when the duration is
  absent (with a note);
- `request_count` is the completed requests, `error_request_count` the failed ones (AIPerf writes it
  only when a request failed: absent means none did);
- `input_sequence_length` / `output_sequence_length` (avg) are the tokens per request.
The load: the profiling phase's `rate` (`--request-rate`, open loop), else its `concurrency`
(`--concurrency`, closed loop), from `input_config.phases`. A latency whose
p50, p90, p99 or avg the file lacks stays absent.
"""

from __future__ import annotations

from econ.base.errors import FieldError
from econ.model.profile import Load, Point, RequestErrors
from profiles.importers.records import Grid, ImportedPoint, ImportedRun, number, percentiles

TOOL = "AIPerf"
NAMES = ("AIPerf names: time_to_first_token = our TTFT; inter_token_latency (ITL) = our TPOT (first token "
         "excluded, per request); request_latency = our E2E; inter_chunk_latency is per request, not our "
         "pooled ITL, so our ITL is absent; request_count / benchmark_duration = our achieved requests/s "
         "(AIPerf's request_throughput divides by its observation window instead); total_output_tokens / "
         "benchmark_duration = our output tokens/s")
QUANTILES = {"p1": 0.01, "p5": 0.05, "p10": 0.1, "p25": 0.25, "p50": 0.5, "p75": 0.75, "p90": 0.9,
             "p95": 0.95, "p99": 0.99}
MS_PER_UNIT = {"ms": 1.0, "s": 1000.0, "sec": 1000.0, "us": 1e-3, "ns": 1e-6}


def looks_like_aiperf(data) -> bool:
    return isinstance(data, dict) and "aiperf_version" in data and "input_config" in data


def _metric(data: dict, name: str, origin: str) -> dict | None:
    value = data.get(name)
    if value is None:
        return None
    if not isinstance(value, dict):
        raise FieldError("FILE", f"{origin}: {name}: expected an object with unit, avg and percentiles")
    return value


def _latency(data: dict, name: str, origin: str):
    """(our Percentiles or None, grid) of one latency metric, converted to ms from its unit."""
    metric = _metric(data, name, origin)
    if metric is None:
        return None, ()
    unit = metric.get("unit")
    if not isinstance(unit, str) or unit not in MS_PER_UNIT:
        raise FieldError("FILE", f"{origin}: {name}.unit: expected one of {sorted(MS_PER_UNIT)}, got "
                         f"{str(unit)[:20]!r}")
    scale, where = MS_PER_UNIT[unit], f"{origin}: {name}"
    marks = {**QUANTILES, "max": 1.0}  # the maximum is the 1.0 quantile
    grid: Grid = tuple(sorted((q, number(metric, key, where) * scale) for key, q in marks.items()
                              if metric.get(key) is not None))
    mean, std = number(metric, "avg", where), number(metric, "std", where)
    return percentiles(grid, mean * scale if mean is not None else None,
                       std * scale if std is not None else None), grid


def _avg(data: dict, name: str, origin: str) -> float | None:
    metric = _metric(data, name, origin)
    return number(metric, "avg", f"{origin}: {name}") if metric is not None else None


def _phase(config: dict) -> dict:
    """The profiling phase of input_config.phases (AIPerf's echo of its load options)."""
    phases = config.get("phases") if isinstance(config, dict) else None
    phases = [p for p in phases if isinstance(p, dict)] if isinstance(phases, list) else []
    profiling = [p for p in phases if p.get("kind") == "profiling"]
    return (profiling or phases or [{}])[0]


def _load(config: dict, origin: str) -> Load:
    """The profiling phase's `rate` (--request-rate, open loop), else its `concurrency` (closed loop)."""
    phase, where = _phase(config), f"{origin}: input_config.phases[profiling]"
    rate, concurrency = number(phase, "rate", where), number(phase, "concurrency", where)
    if rate:
        return Load(kind="rate", value=rate)
    if concurrency:
        return Load(kind="concurrency", value=concurrency)
    raise FieldError("FILE", f"{where}: neither rate nor concurrency is set")


def _model(config: dict) -> str:
    """input_config.models.items[0].name ("unknown model" when absent)."""
    models = config.get("models")
    items = models.get("items") if isinstance(models, dict) else None
    first = items[0] if isinstance(items, list) and items and isinstance(items[0], dict) else {}
    name = first.get("name")
    return name[:200] if isinstance(name, str) and name else "unknown model"


def _rates(data: dict, done: float, origin: str) -> tuple[float | None, float | None, str | None]:
    """(requests/s, output tokens/s, note) over our window: first request → last response."""
    duration = _metric(data, "benchmark_duration", origin)
    seconds = _avg(data, "benchmark_duration", origin)
    unit = duration.get("unit") if duration is not None else None
    if seconds and isinstance(unit, str) and unit in MS_PER_UNIT:
        seconds *= MS_PER_UNIT[unit] / 1000.0
        out = _avg(data, "total_output_tokens", origin)
        return done / seconds, out / seconds if out is not None else None, None
    return (_avg(data, "request_throughput", origin), _avg(data, "output_token_throughput", origin),
            "no benchmark_duration: the rates are AIPerf's request_throughput and output_token_throughput "
            "(over its observation window)")


def read_aiperf(data: dict, origin: str) -> ImportedRun:
    """One profile export: one load."""
    config = data["input_config"] if isinstance(data["input_config"], dict) else {}
    load = _load(config, origin)
    ttft, ttft_grid = _latency(data, "time_to_first_token", origin)
    tpot, tpot_grid = _latency(data, "inter_token_latency", origin)
    e2e, _ = _latency(data, "request_latency", origin)
    done, failed = _avg(data, "request_count", origin), _avg(data, "error_request_count", origin)
    if done is None:
        raise FieldError("FILE", f"{origin}: request_count: missing (no completed requests recorded)")
    rate, out_rate, rate_note = _rates(data, done, origin)
    point = Point(batch_size=max(1, int(load.value)) if load.kind == "concurrency" else 1, load=load,
                  ttft_ms=ttft, tpot_ms=tpot, e2e_ms=e2e, requests_per_s=rate, output_tokens_per_s=out_rate,
                  errors=RequestErrors(count=int(failed)) if failed else None, repeats=int(done))
    notes = [f"{name}: absent, the file lacks one of its p50, p90, p99 or avg" for name, value, raw in
             (("time_to_first_token", ttft, data.get("time_to_first_token")),
              ("inter_token_latency", tpot, data.get("inter_token_latency"))) if value is None and raw]
    notes += [rate_note] if rate_note else []
    imported = ImportedPoint(point=point, model=_model(config), notes=notes,
                             input_tokens=_avg(data, "input_sequence_length", origin),
                             output_tokens=_avg(data, "output_sequence_length", origin),
                             grids={k: v for k, v in (("ttft_ms", ttft_grid), ("tpot_ms", tpot_grid)) if v},
                             failed=int(failed or 0))
    version = data.get("aiperf_version")
    return ImportedRun(tool=TOOL, version=str(version)[:40] if version else None, names=NAMES,
                       points=[imported])
