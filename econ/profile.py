"""The profile file: what the profiler measured (or the estimator estimated) for one model on one machine.

This is the public contract between `python -m profiles` (which writes these files) and `econ`
(which turns them into serving capacity). It lives in `econ` because `econ` may import nothing
from the project, while `profiles` may import `econ`: `profiles.schema` re-exports these models.
Imports pydantic only. Reading a profile never needs torch.
Schema v2 (v1 files still read) adds served measurements: each point's `load` (static batch,
concurrency or request rate), a served point's SLO attainment, goodput and errors, the environment's
method and engine, and the capacity search's result.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, ValidationError

from econ.errors import describe_validation_error, field_path  # noqa: F401 (profiles imports field_path from here)
from econ.types import Efficiency, Fraction, NonNegativeFloat, PositiveFloat, PositiveInt
from econ.types import Frozen as _Frozen

SCHEMA_VERSION = 2
# Refuse profile files larger than this: a real one is a few hundred KiB at most.
MAX_PROFILE_BYTES = 5 * 2**20


class Percentiles(_Frozen):
    """Distribution summary of one latency, in milliseconds."""

    p50: NonNegativeFloat = Field(description="Median, ms.")
    p90: NonNegativeFloat = Field(description="90th percentile, ms.")
    p99: NonNegativeFloat = Field(description="99th percentile, ms.")
    mean: NonNegativeFloat = Field(description="Mean, ms.")
    cv: NonNegativeFloat | None = Field(None, description="Coefficient of variation (std / mean).")
    ci95_half_width: NonNegativeFloat | None = Field(
        None, description="Half-width of the 95% t-interval of the mean across repeated runs, ms."
    )


class ModelInfo(_Frozen):
    """Which model was profiled."""

    name: str = Field(min_length=1, description="Preset name (e.g. llama-3.1-8b) or checkpoint folder name.")
    parameters: PositiveInt | None = Field(
        None, description="Parameter count, embeddings included (None: served by an endpoint that does not say).")
    dtype: Literal["fp32", "bf16", "fp16", "fp8", "int8", "int4"] | None = Field(
        None, description="Weight dtype (None: served by an endpoint that does not say).")
    source: Literal["preset", "checkpoint", "catalog", "endpoint"] = Field(
        "preset", description="preset: real shape, random weights; checkpoint: local HF folder; catalog: "
        "estimate; endpoint: whatever the server serves."
    )
    layers: int | None = Field(None, gt=0, description="Transformer layers.")
    hidden_size: int | None = Field(None, gt=0, description="Hidden size.")
    attention_heads: int | None = Field(None, gt=0, description="Attention heads.")
    kv_heads: int | None = Field(None, gt=0, description="Key/value heads (GQA).")
    head_dim: int | None = Field(None, gt=0, description="Head dimension.")
    intermediate_size: int | None = Field(None, gt=0, description="MLP intermediate size.")
    vocab_size: int | None = Field(None, gt=0, description="Vocabulary size.")
    tied_embeddings: bool | None = Field(None, description="Input embedding shared with the LM head.")
    weights_bytes: NonNegativeFloat | None = Field(None, description="Analytic weight bytes at this dtype.")
    kv_cache_bytes_per_token: NonNegativeFloat | None = Field(
        None, description="Analytic KV-cache bytes per token (all layers)."
    )


class Hardware(_Frozen):
    """What it ran on. Spec peaks come from the GPU catalog; measured peaks from `profiles hw`."""

    device: Literal["cuda", "mps", "cpu", "rocm", "estimate", "endpoint"] = Field(
        description="Device kind (endpoint: behind a server this machine does not see).")
    name: str = Field(min_length=1, description="Device name as reported (or catalog name for estimates).")
    gpu_count: PositiveFloat = Field(1.0, description="GPUs (or GPU share) one replica of this profile uses.")
    memory_gib: NonNegativeFloat | None = Field(None, description="Device memory per GPU, GiB.")
    bandwidth_gb_per_s_spec: PositiveFloat | None = Field(None, description="Data-sheet memory bandwidth, GB/s.")
    bandwidth_gb_per_s_measured: PositiveFloat | None = Field(
        None, description="Achievable bandwidth from the large-copy microbenchmark, GB/s."
    )
    flop_per_s_spec: PositiveFloat | None = Field(None, description="Data-sheet dense FLOP/s at the profile dtype.")
    flop_per_s_measured: PositiveFloat | None = Field(
        None, description="Achievable matmul FLOP/s at the profile dtype from the microbenchmark."
    )
    catalog_name: str | None = Field(None, description="GPU catalog name (e.g. h100-sxm) when known.")


class Environment(_Frozen):
    """Software and machine environment of a measurement."""

    driver: str | None = Field(None, description="GPU driver / CUDA version.")
    torch_version: str | None = None
    transformers_version: str | None = None
    python_version: str | None = None
    platform: str | None = None
    cpu: str | None = None
    threads: int | None = Field(None, gt=0, description="torch intra-op threads.")
    git_commit: str | None = Field(None, description="Commit of this project that measured it.")
    compiled: bool = Field(False, description="Whether torch.compile was used.")
    command: str | None = Field(None, description="Command line that produced the file.")
    method: Literal["static-batch", "served"] | None = Field(
        None, description="static-batch: the profiler's own loop (no serving engine); served: load-tested "
        "through an endpoint.")
    engine: str | None = Field(None, description="What served it: transformers X, vllm X, or the endpoint host.")
    engine_args: list[str] | None = Field(None, description="Engine arguments (a launched vLLM server's).")
    endpoint: str | None = Field(None, description="Host and path of the endpoint (never its query string).")


class WorkloadShape(_Frozen):
    """Token counts the points were measured at."""

    input_tokens: PositiveInt = Field(description="Prompt tokens per request.")
    output_tokens: PositiveInt = Field(description="Generated tokens per request.")


class Load(_Frozen):
    """The load a point was measured at."""

    kind: Literal["static_batch", "concurrency", "rate"] = Field(
        description="static_batch: batch_size sequences start and end together; concurrency: that many "
        "requests always in flight (closed loop); rate: requests/s planned (open loop).")
    value: PositiveFloat = Field(description="Batch size, concurrency, or planned requests/s.")


class RequestErrors(_Frozen):
    """Failed requests at a served point."""

    count: PositiveInt = Field(description="Requests that failed.")
    first: list[str] = Field(default_factory=list, description="The first distinct error messages.")


class Point(_Frozen):
    """One load of the sweep. Every measured field is None when the batch ran out of memory."""

    batch_size: PositiveInt = Field(description="Concurrent sequences (served at a rate: the mean in flight, "
                                    "achieved rate × mean E2E, Little's law).")
    load: Load | None = Field(None, description="The load measured (v1 files: a static batch of batch_size).")
    oom: bool = Field(False, description="The batch did not fit in memory.")
    ttft_ms: Percentiles | None = Field(None, description="Time to first token (prefill), ms.")
    tpot_ms: Percentiles | None = Field(None, description="Time per output token after the first, ms.")
    itl_ms: Percentiles | None = Field(None, description="Inter-token latency, every decode step pooled, ms.")
    e2e_ms: Percentiles | None = Field(None, description="Request latency, ms.")
    prefill_tokens_per_s: NonNegativeFloat | None = Field(None, description="batch × input / TTFT.")
    decode_tokens_per_s: NonNegativeFloat | None = Field(
        None, description="Aggregate: batch × (output − 1) / (E2E − TTFT)."
    )
    decode_tokens_per_s_per_sequence: NonNegativeFloat | None = Field(None, description="Per sequence.")
    requests_per_s: NonNegativeFloat | None = Field(
        None, description="Static batch: batch / E2E; served: the achieved rate (completed / window).")
    output_tokens_per_s: NonNegativeFloat | None = Field(None, description="Served: output tokens / window.")
    slo_attainment: Fraction | None = Field(None, description="Served: share of requests meeting every SLO.")
    goodput_requests_per_s: NonNegativeFloat | None = Field(
        None, description="Served: requests meeting every SLO per second.")
    errors: RequestErrors | None = Field(None, description="Served: failed requests.")
    peak_memory_gib: NonNegativeFloat | None = Field(None, description="Peak device memory (allocated), GiB.")
    peak_memory_reserved_gib: NonNegativeFloat | None = Field(None, description="Peak reserved (CUDA), GiB.")
    analytic_memory_gib: NonNegativeFloat | None = Field(
        None, description="Weights + KV cache at this batch and context, GiB."
    )
    mbu: Efficiency | None = Field(None, description="Decode memory-bandwidth utilization vs measured peak.")
    mfu: Efficiency | None = Field(None, description="Prefill FLOP utilization vs measured peak.")
    mbu_spec: Efficiency | None = Field(None, description="MBU vs data-sheet bandwidth.")
    mfu_spec: Efficiency | None = Field(None, description="MFU vs data-sheet FLOP/s.")
    energy_j_per_token: NonNegativeFloat | None = Field(None, description="NVML energy per generated token, J.")
    cold_first_call_ms: NonNegativeFloat | None = Field(None, description="First (cold) call latency, ms.")
    repeats: int | None = Field(None, ge=0, description="Timed runs behind the statistics.")


class Training(_Frozen):
    """Training throughput: forward + backward + AdamW step."""

    tokens_per_s: PositiveFloat = Field(description="Training tokens per second on this hardware.")
    seq_len: PositiveInt = Field(description="Sequence length.")
    batch_size: PositiveInt = Field(description="Sequences per step.")
    peak_memory_gib: NonNegativeFloat | None = Field(None, description="Peak memory, GiB.")
    mfu: Efficiency | None = Field(None, description="6·N per token plus attention, vs measured peak.")
    mfu_spec: Efficiency | None = Field(None, description="Same vs data-sheet peak.")


class CapacityProbe(_Frozen):
    """One load the capacity search measured."""

    load: PositiveFloat = Field(description="Concurrency or planned requests/s.")
    requests_per_s: NonNegativeFloat = Field(description="Achieved rate.")
    slo_attainment: Fraction = Field(description="Share of requests meeting every SLO.")
    passed: bool = Field(description="Attainment reached the target.")


class CapacitySearch(_Frozen):
    """The result of `load --find-capacity`: the largest load meeting the SLO, and every probe."""

    kind: Literal["concurrency", "rate"]
    slo_ttft_ms: PositiveFloat | None = None
    slo_tpot_ms: PositiveFloat | None = None
    attainment: Fraction = Field(description="Target share of requests meeting every SLO.")
    load: PositiveFloat | None = Field(None, description="Largest passing load (None: none passed).")
    requests_per_s: NonNegativeFloat | None = Field(None, description="Its achieved rate: the capacity.")
    probes: list[CapacityProbe] = Field(default_factory=list, description="In the order measured.")
    ended: str = Field("", description="Why the search stopped.")


class Profile(_Frozen):
    """A measured or estimated throughput/latency profile of one model on one hardware setup."""

    schema_version: Literal[1, 2] = Field(SCHEMA_VERSION, description="File format version (1 is still read).")
    provenance: Literal["measured", "estimated"] = Field(description="How the numbers were obtained.")
    partial: bool = Field(False, description="The sweep was interrupted; only completed points are kept.")
    created_at: str | None = Field(None, description="ISO-8601 time the file was written.")
    model: ModelInfo
    hardware: Hardware
    workload: WorkloadShape
    points: list[Point] = Field(min_length=1, description="One per batch size, ascending.")
    training: Training | None = None
    environment: Environment | None = None
    capacity: CapacitySearch | None = Field(None, description="Served: the capacity search's result.")
    assumptions: list[str] = Field(default_factory=list, description="What an estimate assumed.")
    notes: list[str] = Field(default_factory=list, description="Anything a reader should know.")

    @property
    def served(self) -> bool:
        """Measured through a serving endpoint (not the static-batch loop or an estimate)."""
        return any(p.load is not None and p.load.kind != "static_batch" for p in self.points)

    def fitting_points(self) -> list[Point]:
        """Points that fit in memory and have the latencies capacity needs, ascending load."""
        ok = [p for p in self.points if not p.oom and p.requests_per_s and p.ttft_ms and p.tpot_ms]
        return sorted(ok, key=lambda p: p.load.value if p.load else p.batch_size)


class ProfileError(ValueError):
    """A profile file that cannot be read or does not match the schema."""


def validated_json(path: Path, model: type[BaseModel], error: type[ValueError] = ValueError) -> BaseModel:
    """Read a shipped JSON data file and validate it; `error` names the file and each bad field."""
    try:
        return model.model_validate(json.loads(Path(path).read_text()))
    except ValidationError as exc:
        raise error(f"{path}: {describe_validation_error(exc)}") from None
    except json.JSONDecodeError as exc:
        raise error(f"{path}: not valid JSON ({exc})") from None


def parse_profile(text: str | bytes, origin: str = "profile") -> Profile:
    """Validate a profile from JSON text; raise ProfileError naming the field on any problem."""
    if len(text) > MAX_PROFILE_BYTES:
        raise ProfileError(f"{origin}: file is larger than {MAX_PROFILE_BYTES // 2**20} MiB")
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ProfileError(f"{origin}: not valid JSON ({exc})") from None
    try:
        return Profile.model_validate(data)
    except ValidationError as exc:
        raise ProfileError(f"{origin}: {describe_validation_error(exc)}") from None


def load_profile(path: str | Path) -> Profile:
    """Read and validate a profile file (cached by path, size and modification time)."""
    p = Path(path)
    try:
        stat = p.stat()
    except OSError:
        raise ProfileError(f"{path}: profile file not found") from None
    return _load_cached(str(p.resolve()), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=64)
def _load_cached(path: str, _mtime_ns: int, _size: int) -> Profile:
    return parse_profile(Path(path).read_bytes(), origin=path)
