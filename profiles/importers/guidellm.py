"""GuideLLM's benchmarks JSON (`guidellm run --output kind=json`, read at 0.8.1) → served points, one per
benchmark (load), names mapped exactly, nothing guessed.

Torch-free and HTTP-free: imports the importer records and the profile schema. GuideLLM's names and
ours (guidellm/benchmark/schemas/metrics.py and schemas/base/request_stats.py at 0.8.1):
- `time_to_first_token_ms` is our TTFT;
- `inter_token_latency_ms` is our TPOT: per request (last token - first token) / (output tokens - 1);
  GuideLLM weights each request by its output tokens - 1 in the distribution, which is the same as ours
  when every request has the same output length, and token-weighted otherwise (a note says so);
- `time_per_output_token_ms` includes the first token ((last token - request start) / output tokens):
  NOT our TPOT, not imported;
- `request_latency` (seconds) is our E2E (×1000); GuideLLM has no pooled inter-token gaps: our ITL
  stays absent;
- `requests_per_second` / `output_tokens_per_second` (successful, mean over the measured window) are
  our achieved requests/s and output tokens/s.
Successful requests give the latencies; errored ones count as failed; incomplete ones (cancelled at the
end of the window) are left out, as GuideLLM's own SLO attainment leaves them out. The load is the
benchmark's strategy: constant/poisson rate, concurrent streams, or synchronous (concurrency 1); a
throughput benchmark (no fixed load) is skipped with a note. Each request's latencies, where the file
lists every successful request, give the exact SLO attainment.
"""

from __future__ import annotations

from econ.base.errors import FieldError
from econ.model.profile import Load, Point, RequestErrors
from profiles.importers.records import Grid, ImportedPoint, ImportedRun, number, percentiles

TOOL = "GuideLLM"
NAMES = ("GuideLLM names: time_to_first_token_ms = our TTFT; inter_token_latency_ms = our TPOT (first token "
         "excluded; GuideLLM's distribution weights each request by its output tokens - 1); "
         "time_per_output_token_ms includes the first token, so it is NOT our TPOT and is not imported; "
         "request_latency (s) = our E2E; no pooled inter-token gaps, so our ITL is absent; "
         "requests_per_second (successful, mean) = our achieved requests/s")
QUANTILES = {"p001": 0.001, "p01": 0.01, "p05": 0.05, "p10": 0.1, "p25": 0.25, "p50": 0.5, "p75": 0.75,
             "p90": 0.9, "p95": 0.95, "p99": 0.99, "p999": 0.999}


def looks_like_guidellm(data) -> bool:
    return (isinstance(data, dict) and isinstance(data.get("benchmarks"), list)
            and isinstance(data.get("metadata"), dict) and "guidellm_version" in data["metadata"])


def _dig(data, origin: str, *keys):
    """data[k1][k2]...; FieldError naming the path when a level is missing or not an object."""
    for depth, key in enumerate(keys):
        if not isinstance(data, dict) or key not in data:
            raise FieldError("FILE", f"{origin}: {'.'.join(keys[:depth + 1])}: missing")
        data = data[key]
    return data


def _summary(metrics: dict, name: str, origin: str, scale: float = 1.0):
    """(our Percentiles, grid) of one successful-request distribution, in ms."""
    if name not in metrics:  # an older or trimmed file: that latency stays absent
        return None, ()
    summary = _dig(metrics, origin, name, "successful")
    where = f"{origin}: {name}.successful"
    if not isinstance(summary, dict) or not summary.get("count"):
        return None, ()
    marks = _dig(summary, where, "percentiles")
    if not isinstance(marks, dict):
        raise FieldError("FILE", f"{where}.percentiles: expected an object")
    grid: Grid = tuple(sorted((q, number(marks, key, where) * scale) for key, q in QUANTILES.items()
                              if marks.get(key) is not None))
    if summary.get("max") is not None:  # the maximum is the 1.0 quantile
        grid = (*grid, (1.0, number(summary, "max", where) * scale))
    mean, std = number(summary, "mean", where), number(summary, "std_dev", where)
    return percentiles(grid, mean * scale if mean is not None else None,
                       std * scale if std is not None else None), grid


def _load(strategy: dict, origin: str) -> Load | None:
    """The benchmark's load (None: a strategy with no fixed load, such as throughput)."""
    kind = strategy.get("type_")
    key = {"constant": "rate", "poisson": "rate", "async": "rate", "concurrent": "streams"}.get(kind)
    if kind == "synchronous":
        return Load(kind="concurrency", value=1.0)
    if key is None:
        return None
    value = number(strategy, key, f"{origin}: config.strategy")
    if not value:
        raise FieldError("FILE", f"{origin}: config.strategy.{key}: expected a positive number")
    return Load(kind="rate" if key == "rate" else "concurrency", value=value)


def _per_request(requests, successful: int) -> tuple[tuple[float, float | None], ...] | None:
    """Each successful request's (TTFT, TPOT) ms, when the file lists all of them."""
    listed = requests.get("successful") if isinstance(requests, dict) else None
    if not isinstance(listed, list) or len(listed) != successful:
        return None
    pairs = [(r.get("time_to_first_token_ms"), r.get("inter_token_latency_ms")) for r in listed
             if isinstance(r, dict)]
    numbers = all(isinstance(t, int | float) and not isinstance(t, bool) for t, _ in pairs)
    if len(pairs) != successful or not numbers:
        return None
    return tuple((float(t), float(i) if isinstance(i, int | float) else None) for t, i in pairs)


def guidellm_point(bench: dict, model: str, origin: str) -> ImportedPoint | str:
    """One benchmark → a point, or a note saying why it is skipped."""
    strategy = _dig(bench, origin, "config", "strategy")
    load = _load(strategy, origin) if isinstance(strategy, dict) else None
    if load is None:
        return f"{origin}: a {strategy.get('type_') if isinstance(strategy, dict) else '?'} benchmark ran " \
               "no fixed load: skipped"
    metrics = _dig(bench, origin, "metrics")
    totals = _dig(metrics, origin, "request_totals")
    done, failed = int(number(totals, "successful", origin) or 0), int(number(totals, "errored", origin) or 0)
    ttft, ttft_grid = _summary(metrics, "time_to_first_token_ms", origin)
    tpot, tpot_grid = _summary(metrics, "inter_token_latency_ms", origin)
    e2e, _ = _summary(metrics, "request_latency", origin, scale=1000.0)
    rate = number(_dig(metrics, origin, "requests_per_second", "successful"), "mean", origin)
    out_rate = number(_dig(metrics, origin, "output_tokens_per_second", "successful"), "mean", origin)
    tokens_in = number(_dig(metrics, origin, "prompt_token_count", "successful"), "mean", origin)
    tokens_out = number(_dig(metrics, origin, "output_token_count", "successful"), "mean", origin)
    point = Point(batch_size=max(1, int(load.value)) if load.kind == "concurrency" else 1, load=load,
                  ttft_ms=ttft, tpot_ms=tpot, e2e_ms=e2e, requests_per_s=rate, output_tokens_per_s=out_rate,
                  errors=RequestErrors(count=failed) if failed else None, repeats=done)
    incomplete = int(number(totals, "incomplete", origin) or 0)
    notes = [f"{incomplete} incomplete request(s) (cancelled at the window's end) left out"][:incomplete]
    spread = number(_dig(metrics, origin, "output_token_count", "successful"), "std_dev", origin)
    if spread:
        notes.append("output lengths vary: GuideLLM's TPOT percentiles weight each request by its output "
                     "tokens - 1 (ours weight requests equally)")
    return ImportedPoint(point=point, model=model, notes=notes, input_tokens=tokens_in,
                         output_tokens=tokens_out,
                         grids={k: v for k, v in (("ttft_ms", ttft_grid), ("tpot_ms", tpot_grid)) if v},
                         per_request=_per_request(bench.get("requests"), done), failed=failed)


def _model(data: dict) -> str:
    """The served model the run targeted: config.spec.backend.model ("unknown model" when absent)."""
    model = data
    for key in ("config", "spec", "backend", "model"):
        model = model.get(key) if isinstance(model, dict) else None
    return model[:200] if isinstance(model, str) and model else "unknown model"


def read_guidellm(data: dict, origin: str) -> ImportedRun:
    """Every benchmark of a fixed load → a point; the version from metadata.guidellm_version."""
    version = data["metadata"].get("guidellm_version")
    points, notes = [], []
    for index, bench in enumerate(data["benchmarks"]):
        item = guidellm_point(bench, _model(data), f"{origin}: benchmarks[{index}]")
        (notes if isinstance(item, str) else points).append(item)
    if not points:
        raise FieldError("FILE", f"{origin}: no benchmark ran a fixed load (rate or concurrency)")
    return ImportedRun(tool=TOOL, version=str(version)[:40] if version else None, names=NAMES,
                       points=points, notes=notes)
