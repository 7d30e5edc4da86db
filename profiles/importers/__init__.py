"""Importers of other benchmarks' result files: each turns what another tool measured into a served
profile that econ reads like its own, with the tool's names mapped to ours and nothing guessed.

Torch-free and HTTP-free: imports the schema and `econ.io.files`. Built: `vllm bench serve --save-result`
JSON. Not built yet: `vllm bench sweep` CSV, GuideLLM's benchmarks JSON, AIPerf's profile export JSON
(each needs a file the real tool wrote as its test fixture); a file of those formats is refused in one
line naming the format.
"""

from __future__ import annotations

import datetime as dt

from econ.base.errors import FieldError
from econ.io.files import read_bounded_json
from econ.model.profile import Environment, Hardware, ModelInfo, Profile
from econ.model.workload import ImportedFrom, WorkloadShape
from profiles.importers.vllm_bench import NAMES, TOOL, vllm_bench_point

# Result files are a few KiB (a few MiB with --save-detailed).
MAX_RESULT_BYTES = 64 << 20
NOTE = ("Imported: measured by another tool, converted by `python -m profiles import`; latencies keep that "
        "tool's definitions where they match ours (see imported.names); a field the file lacks is absent.")


def result_format(data, origin: str) -> str:
    """The tool that wrote this parsed JSON, or a FieldError naming what is not supported."""
    if isinstance(data, dict) and "request_throughput" in data and "completed" in data:
        return "vllm-bench-serve"
    if isinstance(data, dict) and "benchmarks" in data:
        raise FieldError("FILE",
                         f"{origin}: looks like GuideLLM's benchmarks JSON: its importer is not built yet")
    if isinstance(data, dict) and ("records" in data or "input_config" in data):
        raise FieldError("FILE",
                         f"{origin}: looks like AIPerf's profile export: its importer is not built yet")
    raise FieldError("FILE",
                     f"{origin}: unknown result format (supported: `vllm bench serve --save-result` JSON)")


def imported_profile(paths: list[str], gpus: float | None) -> Profile:
    """Several result files (one load each) → one served profile, loads ascending."""
    imported = []
    for path in paths:
        data = read_bounded_json(path, MAX_RESULT_BYTES, "FILE")
        result_format(data, path)
        imported.append(vllm_bench_point(data, path))
    kinds = {i.point.load.kind for i in imported}
    if len(kinds) > 1:
        raise FieldError("FILE", "the files mix request rates and concurrencies: import each kind on its own")
    imported.sort(key=lambda i: i.point.load.value)
    loads = [i.point.load.value for i in imported]
    if len(set(loads)) != len(loads):
        raise FieldError("FILE", f"two files measured the same load ({loads}): import one of them")
    first = imported[0]
    means_in = [i.input_tokens for i in imported if i.input_tokens]
    means_out = [i.output_tokens for i in imported if i.output_tokens]
    if not means_in or not means_out:
        raise FieldError("FILE",
                         f"{paths[0]}: no total_input_tokens/total_output_tokens: the token counts are "
                         "unknown")
    notes = [NOTE] + [f"{p}: {n}" for i, p in zip(imported, paths, strict=True) for n in i.notes]
    return Profile(
        schema_version=2, provenance="measured",
        created_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        model=ModelInfo(name=first.model, source="endpoint"),
        hardware=Hardware(device="endpoint", name="as benchmarked", gpu_count=gpus or 1.0),
        workload=WorkloadShape(input_tokens=max(1, round(sum(means_in) / len(means_in))),
                               output_tokens=max(1, round(sum(means_out) / len(means_out)))),
        points=[i.point for i in imported],
        environment=Environment(method="served", engine=f"{TOOL} (version not recorded in the file)"),
        imported=ImportedFrom(tool=TOOL, version=None, files=list(paths), names=NAMES),
        notes=notes,
    )
