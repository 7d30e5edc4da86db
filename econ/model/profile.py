"""The profile file: what the profiler measured (or the estimator estimated) for one model on one machine.

This is the public contract between `python -m profiles` (which writes these files) and `econ`
(which turns them into serving capacity). It lives in `econ` because `econ` may import nothing
from the project, while `profiles` may import `econ`: `profiles` reads them from here.
Imports pydantic, `econ.base.types`/`econ.base.errors`/`econ.io.files` and `econ.model.workload`
(the served workload and server view). Reading a profile never needs torch.
Schema v2 (v1 files still read) adds served measurements: each point's `load` (static batch,
concurrency or request rate), a served point's SLO attainment, goodput and errors, the environment's
method and engine, and the capacity search's result.
"""

from __future__ import annotations

import os
import stat
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator

from econ.base.errors import describe_validation_error, field_path  # noqa: F401 (profiles imports them from here)
from econ.base.types import (
    MAX_CAPACITY_RPS,
    MAX_TOKENS_PER_S,
    Bytes,
    Efficiency,
    FlopPerSecond,
    Fraction,
    GbPerSecond,
    Gib,
    Gpus,
    Joules,
    Milliseconds,
    Name,
    NonNegativeInt,
    PositiveInt,
    Text,
    TokensPerSecond,
    real,
    whole,
)
from econ.base.types import Frozen as _Frozen
from econ.io.files import read_validated_json, validate_json
from econ.model.workload import ImportedFrom, ServerView, WorkloadShape

SCHEMA_VERSION = 2
# Refuse profile files larger than this: a real one is a few hundred KiB at most.
MAX_PROFILE_BYTES = 5 * 2**20


class Percentiles(_Frozen):
    """Distribution summary of one latency, in milliseconds."""

    p50: Milliseconds = Field(description="Median, ms.")
    p90: Milliseconds = Field(description="90th percentile, ms.")
    p99: Milliseconds = Field(description="99th percentile, ms.")
    mean: Milliseconds = Field(description="Mean, ms.")
    cv: real("ratio", ge=0, le=1e3) | None = Field(None, description="Coefficient of variation (std / mean).")
    ci95_half_width: Milliseconds | None = Field(
        None, description="Half-width of the 95% t-interval of the mean across repeated runs, ms.")


class ModelInfo(_Frozen):
    """Which model was profiled."""

    name: Name = Field(description="Preset name (e.g. llama-3.1-8b) or checkpoint folder name.")
    parameters: whole("parameters", gt=0, le=10**15) | None = Field(
        None, description="Parameter count, embeddings included "
        "(None: served by an endpoint that does not say).")
    dtype: Literal["fp32", "bf16", "fp16", "fp8", "int8", "int4"] | None = Field(
        None, description="Weight dtype (None: served by an endpoint that does not say).")
    source: Literal["preset", "checkpoint", "catalog", "endpoint"] = Field(
        "preset", description="preset: real shape, random weights; checkpoint: local HF folder; catalog: "
        "estimate; endpoint: whatever the server serves."
    )
    layers: PositiveInt | None = Field(None, description="Transformer layers.")
    hidden_size: PositiveInt | None = Field(None, description="Hidden size.")
    attention_heads: PositiveInt | None = Field(None, description="Attention heads.")
    kv_heads: PositiveInt | None = Field(None, description="Key/value heads (GQA).")
    head_dim: PositiveInt | None = Field(None, description="Head dimension.")
    intermediate_size: PositiveInt | None = Field(None, description="MLP intermediate size.")
    vocab_size: PositiveInt | None = Field(None, description="Vocabulary size.")
    tied_embeddings: bool | None = Field(None, description="Input embedding shared with the LM head.")
    weights_bytes: Bytes | None = Field(None, description="Analytic weight bytes at this dtype.")
    kv_cache_bytes_per_token: Bytes | None = Field(
        None, description="Analytic KV-cache bytes per token (all layers).")


class Hardware(_Frozen):
    """What it ran on. Spec peaks come from the GPU catalog; measured peaks from `profiles hw`."""

    device: Literal["cuda", "mps", "cpu", "rocm", "estimate", "endpoint"] = Field(
        description="Device kind (endpoint: behind a server this machine does not see).")
    name: Name = Field(description="Device name as reported (or catalog name for estimates).")
    gpu_count: Gpus = Field(1.0, description="GPUs (or GPU share) one replica of this profile uses.")
    memory_gib: Gib | None = Field(None, description="Device memory per GPU, GiB.")
    bandwidth_gb_per_s_spec: GbPerSecond | None = Field(
        None, description="Data-sheet memory bandwidth, GB/s.")
    bandwidth_gb_per_s_measured: GbPerSecond | None = Field(
        None, description="Achievable bandwidth from the large-copy microbenchmark, GB/s.")
    flop_per_s_spec: FlopPerSecond | None = Field(
        None, description="Data-sheet dense FLOP/s at the profile dtype.")
    flop_per_s_measured: FlopPerSecond | None = Field(
        None, description="Achievable matmul FLOP/s at the profile dtype from the microbenchmark.")
    catalog_name: Name | None = Field(None, description="GPU catalog name (e.g. h100-sxm) when known.")


class Environment(_Frozen):
    """Software and machine environment of a measurement."""

    driver: Text | None = Field(None, description="GPU driver / CUDA version.")
    torch_version: Text | None = None
    transformers_version: Text | None = None
    python_version: Text | None = None
    platform: Text | None = None
    cpu: Text | None = None
    threads: PositiveInt | None = Field(None, description="torch intra-op threads.")
    git_commit: Text | None = Field(None, description="Commit of this project that measured it.")
    compiled: bool = Field(False, description="Whether torch.compile was used.")
    command: Text | None = Field(None, description="Command line that produced the file.")
    method: Literal["static-batch", "served"] | None = Field(
        None, description="static-batch: the profiler's own loop (no serving engine); served: load-tested "
        "through an endpoint.")
    engine: Text | None = Field(
        None, description="What served it: transformers X, vllm X, or the endpoint host.")
    engine_args: list[Text] | None = Field(None, description="Engine arguments (a launched vLLM server's).")
    endpoint: Text | None = Field(None, description="Host and path of the endpoint (never its query string).")


class Load(_Frozen):
    """The load a point was measured at."""

    kind: Literal["static_batch", "concurrency", "rate"] = Field(
        description="static_batch: batch_size sequences start and end together; concurrency: that many "
        "requests always in flight (closed loop); rate: requests/s planned (open loop).")
    value: real(gt=0, le=MAX_CAPACITY_RPS) = Field(
        description="Batch size, concurrency, or planned requests/s.")


class RequestErrors(_Frozen):
    """Failed requests at a served point."""

    count: PositiveInt = Field(description="Requests that failed.")
    first: list[Text] = Field(default_factory=list, description="The first distinct error messages.")


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
    prefill_tokens_per_s: TokensPerSecond | None = Field(None, description="batch × input / TTFT.")
    decode_tokens_per_s: TokensPerSecond | None = Field(
        None, description="Aggregate: batch × (output − 1) / (E2E − TTFT).")
    decode_tokens_per_s_per_sequence: TokensPerSecond | None = Field(None, description="Per sequence.")
    requests_per_s: real("requests/s", ge=0, le=MAX_CAPACITY_RPS) | None = Field(
        None, description="Static batch: batch / E2E; served: the achieved rate (completed / window).")
    output_tokens_per_s: TokensPerSecond | None = Field(None, description="Served: output tokens / window.")
    slo_attainment: Fraction | None = Field(None, description="Served: share of requests meeting every SLO.")
    goodput_requests_per_s: real("requests/s", ge=0, le=MAX_CAPACITY_RPS) | None = Field(
        None, description="Served: requests meeting every SLO per second.")
    errors: RequestErrors | None = Field(None, description="Served: failed requests.")
    server: ServerView | None = Field(None, description="Served: the server's /metrics while the point ran.")
    peak_memory_gib: Gib | None = Field(None, description="Peak device memory (allocated), GiB.")
    peak_memory_reserved_gib: Gib | None = Field(None, description="Peak reserved (CUDA), GiB.")
    analytic_memory_gib: Gib | None = Field(
        None, description="Weights + KV cache at this batch and context, GiB.")
    mbu: Efficiency | None = Field(None, description="Decode memory-bandwidth utilization vs measured peak.")
    mfu: Efficiency | None = Field(None, description="Prefill FLOP utilization vs measured peak.")
    mbu_spec: Efficiency | None = Field(None, description="MBU vs data-sheet bandwidth.")
    mfu_spec: Efficiency | None = Field(None, description="MFU vs data-sheet FLOP/s.")
    energy_j_per_token: Joules | None = Field(None, description="NVML energy per generated token, J.")
    cold_first_call_ms: Milliseconds | None = Field(None, description="First (cold) call latency, ms.")
    repeats: NonNegativeInt | None = Field(None, description="Timed runs behind the statistics.")


class Training(_Frozen):
    """Training throughput: forward + backward + AdamW step."""

    tokens_per_s: real("tokens/s", gt=0, le=MAX_TOKENS_PER_S) = Field(
        description="Training tokens per second on this hardware.")
    seq_len: PositiveInt = Field(description="Sequence length.")
    batch_size: PositiveInt = Field(description="Sequences per step.")
    peak_memory_gib: Gib | None = Field(None, description="Peak memory, GiB.")
    mfu: Efficiency | None = Field(None, description="6·N per token plus attention, vs measured peak.")
    mfu_spec: Efficiency | None = Field(None, description="Same vs data-sheet peak.")


class CapacityProbe(_Frozen):
    """One load the capacity search measured."""

    load: real(gt=0, le=MAX_CAPACITY_RPS) = Field(description="Concurrency or planned requests/s.")
    requests_per_s: real("requests/s", ge=0, le=MAX_CAPACITY_RPS) = Field(description="Achieved rate.")
    slo_attainment: Fraction = Field(description="Share of requests meeting every SLO.")
    passed: bool = Field(description="Attainment reached the target.")


class CapacitySearch(_Frozen):
    """The result of `load --find-capacity`: the largest load meeting the SLO, and every probe."""

    kind: Literal["concurrency", "rate"]
    slo_ttft_ms: Milliseconds | None = None
    slo_tpot_ms: Milliseconds | None = None
    attainment: Fraction = Field(description="Target share of requests meeting every SLO.")
    load: real(gt=0, le=MAX_CAPACITY_RPS) | None = Field(
        None, description="Largest passing load (None: none).")
    requests_per_s: real("requests/s", ge=0, le=MAX_CAPACITY_RPS) | None = Field(
        None, description="Its achieved rate: the capacity.")
    probes: list[CapacityProbe] = Field(default_factory=list, description="In the order measured.")
    ended: Text = Field("", description="Why the search stopped.")
    binding_limit: Text | None = Field(
        None, description="What set the capacity, read from the server's metrics.")


class Profile(_Frozen):
    """A measured or estimated throughput/latency profile of one model on one hardware setup."""

    schema_version: Literal[1, 2] = Field(
        SCHEMA_VERSION, description="File format version (1 is still read).")
    provenance: Literal["measured", "estimated"] = Field(description="How the numbers were obtained.")
    partial: bool = Field(False, description="The sweep was interrupted; only completed points are kept.")
    created_at: Text | None = Field(None, description="ISO-8601 time the file was written.")
    model: ModelInfo
    hardware: Hardware
    workload: WorkloadShape
    points: list[Point] = Field(min_length=1, description="One per batch size, ascending.")
    training: Training | None = None
    environment: Environment | None = None
    capacity: CapacitySearch | None = Field(None, description="Served: the capacity search's result.")
    imported: ImportedFrom | None = Field(
        None, description="Served: converted from another benchmark's results.")
    assumptions: list[Text] = Field(default_factory=list, description="What an estimate assumed.")
    notes: list[Text] = Field(default_factory=list, description="Anything a reader should know.")

    @field_validator("points")
    @classmethod
    def _ascending_batches(cls, points: list[Point]) -> list[Point]:
        if any(p.load is not None and p.load.kind != "static_batch" for p in points):  # served: by load
            loads = [p.load.value if p.load else None for p in points]
            if None in loads or loads != sorted(set(loads)):
                raise ValueError(f"served loads must be given, distinct and ascending, got {loads}")
            return points
        batches = [p.batch_size for p in points]
        if batches != sorted(set(batches)):
            raise ValueError(f"batch sizes must be distinct and ascending, got {batches}")
        return points

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


def parse_profile(text: str | bytes, origin: str = "profile") -> Profile:
    """Validate a profile from JSON text; raise ProfileError naming the field on any problem."""
    return validate_json(text, Profile, origin, MAX_PROFILE_BYTES, ProfileError)


def load_profile(path: str | Path) -> Profile:
    """Read and validate a profile file: a regular file of at most MAX_PROFILE_BYTES (cached by path,
    size and modification time). Anything else (a folder, a device, a pipe, no such file) is a ProfileError.
    """
    shown = str(path)
    try:
        info = os.stat(shown) if shown.strip() else None
    except (OSError, ValueError):
        info = None
    if info is None or not stat.S_ISREG(info.st_mode):
        return _read_profile(shown)  # says precisely why it cannot be read
    return _load_cached(os.path.abspath(shown), info.st_mtime_ns, info.st_size)


def _read_profile(path: str) -> Profile:
    return read_validated_json(path, Profile, MAX_PROFILE_BYTES, ProfileError)


@lru_cache(maxsize=64)
def _load_cached(path: str, _mtime_ns: int, _size: int) -> Profile:
    return _read_profile(path)
