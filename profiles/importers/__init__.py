"""Importers of other benchmarks' result files: each turns what another tool measured into a served
profile that econ reads like its own, with the tool's names mapped to ours and nothing guessed.

Torch-free and HTTP-free: imports the schema, `econ.io.files` and the per-tool readers. Formats, told
apart by their content: `vllm bench serve --save-result` JSON, `vllm bench sweep serve` summary.csv,
GuideLLM's benchmarks JSON (0.8) and AIPerf's profile_export_aiperf.json (0.13). Anything else is one
line naming the formats that are read. With an SLO (`slo`), every point gets its SLO attainment and
the profile the capacity block, as `profiles load --find-capacity` computes it (`attainment.py`).
"""

from __future__ import annotations

import datetime as dt

from pydantic import ValidationError

from econ.base.errors import FieldError
from econ.io.files import decode_text, describe_validation_error, parse_json, read_bounded_bytes
from econ.model.profile import Environment, Hardware, ModelInfo, Profile
from econ.model.workload import ImportedFrom, WorkloadShape
from profiles.importers.aiperf import looks_like_aiperf, read_aiperf
from profiles.importers.attainment import with_capacity
from profiles.importers.guidellm import looks_like_guidellm, read_guidellm
from profiles.importers.records import ImportedRun
from profiles.importers.vllm_bench import read_vllm_bench
from profiles.importers.vllm_sweep import looks_like_sweep, read_vllm_sweep
from profiles.load.served import Slo

# Result files are a few KiB to a few MiB (GuideLLM keeps sampled requests; vLLM's --save-detailed).
MAX_RESULT_BYTES = 64 << 20
NOTE = ("Imported: measured by another tool, converted by `python -m profiles import`; latencies keep that "
        "tool's definitions where they match ours (see imported.names); a field the file lacks is absent.")
SUPPORTED = ("`vllm bench serve --save-result` JSON, `vllm bench sweep serve` summary.csv, GuideLLM's "
             "benchmarks JSON, AIPerf's profile_export_aiperf.json")


def read_result(path: str) -> ImportedRun:
    """One result file, its format told by its content; FieldError naming the file otherwise."""
    try:
        return _read_result(path)
    except ValidationError as exc:  # a value outside our schema's bounds (a negative or absurd latency)
        raise FieldError("FILE", f"{path}: {describe_validation_error(exc)}") from None


def _read_result(path: str) -> ImportedRun:
    text = decode_text(read_bounded_bytes(path, MAX_RESULT_BYTES, "FILE"), "FILE", path)
    if not text.lstrip().startswith(("{", "[")):
        if looks_like_sweep(text):
            return read_vllm_sweep(text, path)
        raise FieldError("FILE", f"{path}: unknown result format (supported: {SUPPORTED})")
    data = parse_json(text, "FILE", path)
    if looks_like_guidellm(data):
        return read_guidellm(data, path)
    if looks_like_aiperf(data):
        return read_aiperf(data, path)
    if isinstance(data, dict) and "request_throughput" in data and "completed" in data:
        return read_vllm_bench(data, path)
    raise FieldError("FILE", f"{path}: unknown result format (supported: {SUPPORTED})")


def _one_tool(runs: list[ImportedRun], paths: list[str]) -> ImportedRun:
    tools = {(r.tool, r.version) for r in runs}
    if len(tools) > 1:
        raise FieldError("FILE", f"the files come from different tools or versions "
                         f"({sorted(map(str, tools))}): import each tool's files on their own")
    points = [p for r in runs for p in r.points]
    kinds = {p.point.load.kind for p in points}
    if len(kinds) > 1:
        raise FieldError("FILE", "the files mix request rates and concurrencies: import each kind on its own")
    points.sort(key=lambda p: p.point.load.value)
    loads = [p.point.load.value for p in points]
    if len(set(loads)) != len(loads):
        raise FieldError("FILE", f"two results measured the same load ({loads}): import one of them")
    notes = [f"{path}: {n}" for r, path in zip(runs, paths, strict=True) for n in r.notes]
    notes += [f"{p.point.load.kind} {p.point.load.value:g}: {n}" for p in points for n in p.notes]
    return ImportedRun(tool=runs[0].tool, version=runs[0].version, names=runs[0].names, points=points,
                       notes=notes)


def _mean_tokens(run: ImportedRun, paths: list[str]) -> WorkloadShape:
    means_in = [p.input_tokens for p in run.points if p.input_tokens]
    means_out = [p.output_tokens for p in run.points if p.output_tokens]
    if not means_in or not means_out:
        raise FieldError("FILE", f"{paths[0]}: no input/output token counts: the workload is unknown")
    return WorkloadShape(input_tokens=max(1, round(sum(means_in) / len(means_in))),
                         output_tokens=max(1, round(sum(means_out) / len(means_out))))


def imported_profile(paths: list[str], gpus: float | None, slo: Slo | None = None,
                     attainment: float = 0.99) -> Profile:
    """Result files (one tool) → one served profile, loads ascending; with an SLO, its capacity."""
    run = _one_tool([read_result(path) for path in paths], paths)
    try:
        return _profile(run, paths, gpus, slo, attainment)
    except ValidationError as exc:  # e.g. a token count past the schema's bounds
        raise FieldError("FILE", f"{paths[0]}: {describe_validation_error(exc)}") from None


def _profile(run: ImportedRun, paths: list[str], gpus: float | None, slo: Slo | None,
             attainment: float) -> Profile:
    points, capacity, slo_notes = [p.point for p in run.points], None, []
    if slo is not None and slo.given:
        points, capacity, slo_notes = with_capacity(run.points, slo, attainment)
    version = run.version or "version not recorded in the file"
    return Profile(
        schema_version=2, provenance="measured",
        created_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        model=ModelInfo(name=run.points[0].model, source="endpoint"),
        hardware=Hardware(device="endpoint", name="as benchmarked", gpu_count=gpus or 1.0),
        workload=_mean_tokens(run, paths), points=points, capacity=capacity,
        environment=Environment(method="served", engine=f"{run.tool} ({version})"),
        imported=ImportedFrom(tool=run.tool, version=run.version, files=list(paths), names=run.names),
        notes=[NOTE, *run.notes, *slo_notes],
    )
