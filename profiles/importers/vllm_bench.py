"""`vllm bench serve --save-result` JSON → one served point, names mapped exactly, nothing guessed.

Torch-free and HTTP-free: imports the schema and `econ.io.files` (bounded, hostile-input JSON). vLLM's
names (vllm/benchmarks/serve.py, read at 0.32.0) and ours are the same quantities: TTFT, TPOT
(excluding the first token), ITL (pooled gaps) and E2EL (our E2E), each as mean_, median_ (our p50) and
pNN_ keys in ms, written only for the percentiles asked with `--metric-percentiles` (default 99 only).
A latency lacking its p50, p90, p99 or mean stays absent, and a note says which keys were missing.
`request_throughput` is completed / duration (our achieved rate); `output_throughput` our output
tokens/s. The file has no vLLM version, so the profile records none. The load: `max_concurrency`
(closed loop) when set, else `request_rate` (open loop, Poisson at burstiness 1); a rate of "inf" with no
concurrency cap sent every prompt at once (or followed a trace), recorded as a concurrency of
`num_prompts` with a note saying so.
"""

from __future__ import annotations

import re

from econ.base.errors import FieldError
from econ.model.profile import Load, Percentiles, Point, RequestErrors
from profiles.importers.records import Grid, ImportedPoint, ImportedRun, number

TOOL = "vllm bench serve"
NAMES = ("vllm bench serve names: ttft = our TTFT, tpot = our TPOT (first token excluded), itl = our ITL, "
         "e2el = our E2E; median = our p50; request_throughput = our achieved requests/s")
LATENCIES = {"ttft": "ttft_ms", "tpot": "tpot_ms", "itl": "itl_ms", "e2el": "e2e_ms"}
REQUIRED = ("completed", "duration", "request_throughput")
_PNN = re.compile(r"p(\d{1,2}(?:\.\d+)?)_(ttft|tpot)_ms")


def _latency(data: dict, name: str, origin: str) -> tuple[Percentiles | None, str | None]:
    keys = {"p50": f"median_{name}_ms", "p90": f"p90_{name}_ms", "p99": f"p99_{name}_ms",
            "mean": f"mean_{name}_ms"}
    values = {ours: number(data, theirs, origin) for ours, theirs in keys.items()}
    missing = [keys[k] for k, v in values.items() if v is None]
    if len(missing) == len(keys):
        return None, None
    if missing:
        return None, f"{name}: absent, the file lacks {', '.join(missing)} (run with --metric-percentiles 50,90,99)"
    std = number(data, f"std_{name}_ms", origin)
    cv = std / values["mean"] if std is not None and values["mean"] else None
    return Percentiles(**values, cv=cv), None


def _grids(data: dict, origin: str) -> dict[str, Grid]:
    """Every pNN_ttft_ms / pNN_tpot_ms (and the medians) the file has, as quantile grids."""
    grids: dict[str, list] = {"ttft_ms": [], "tpot_ms": []}
    for key in data:
        match = _PNN.fullmatch(key) if isinstance(key, str) else None
        value = number(data, key, origin) if match and 0 < float(match[1]) < 100 else None
        if value is not None:  # an empty CSV cell is absent, not a percentile
            grids[LATENCIES[match[2]]].append((float(match[1]) / 100, value))
    for name in ("ttft", "tpot"):
        median = number(data, f"median_{name}_ms", origin)
        if median is not None:
            grids[LATENCIES[name]].append((0.5, median))
    return {k: tuple(sorted(set(v))) for k, v in grids.items() if v}


def _load(data: dict, origin: str) -> tuple[Load, str | None]:
    concurrency = data.get("max_concurrency")
    if concurrency is not None:
        if isinstance(concurrency, bool) or not isinstance(concurrency, int) or concurrency < 1:
            raise FieldError("FILE", f"{origin}: max_concurrency: expected a whole number >= 1")
        return Load(kind="concurrency", value=float(concurrency)), None
    rate = data.get("request_rate")
    if rate == "inf":
        prompts = data.get("num_prompts")
        if isinstance(prompts, bool) or not isinstance(prompts, int) or prompts < 1:
            raise FieldError("FILE", f"{origin}: request_rate is inf and num_prompts is not a whole number")
        return (Load(kind="concurrency", value=float(prompts)),
                f"request_rate inf: all {prompts} prompts sent at once (or on a trace's own times)")
    value = number(data, "request_rate", origin)
    if not value:
        raise FieldError("FILE", f"{origin}: request_rate: expected a positive number or \"inf\"")
    return Load(kind="rate", value=value), None


def vllm_bench_point(data: dict, origin: str) -> ImportedPoint:
    """One `--save-result` result → a served point (FieldError naming the file and key on bad input)."""
    missing = [k for k in REQUIRED if data.get(k) is None]
    if missing:
        raise FieldError("FILE",
                         f"{origin}: not a `vllm bench serve --save-result` file (no {', '.join(missing)})")
    load, note = _load(data, origin)
    notes = [note] if note else []
    latencies = {}
    for name, field in LATENCIES.items():
        latencies[field], problem = _latency(data, name, origin)
        notes += [problem] if problem else []
    completed, failed = number(data, "completed", origin), number(data, "failed", origin)
    out_tokens = number(data, "total_output_tokens", origin)
    in_tokens = number(data, "total_input_tokens", origin)
    point = Point(batch_size=max(1, int(load.value)) if load.kind == "concurrency" else 1, load=load,
                  **latencies, requests_per_s=number(data, "request_throughput", origin),
                  output_tokens_per_s=number(data, "output_throughput", origin),
                  errors=RequestErrors(count=int(failed)) if failed else None, repeats=int(completed))
    model = data.get("model_id") if isinstance(data.get("model_id"), str) else None
    return ImportedPoint(point=point, model=(model or "unknown model")[:200], notes=notes,
                         input_tokens=in_tokens / completed if in_tokens is not None and completed else None,
                         output_tokens=out_tokens / completed if out_tokens is not None and completed else None,
                         grids=_grids(data, origin), failed=int(failed or 0))


def read_vllm_bench(data: dict, origin: str) -> ImportedRun:
    """A `--save-result` file: one load. The file records no vLLM version."""
    return ImportedRun(tool=TOOL, version=None, names=NAMES, points=[vllm_bench_point(data, origin)])
