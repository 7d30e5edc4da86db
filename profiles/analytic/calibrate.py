"""Calibration: fit the estimator's efficiencies (MBU, MFU, per-step overhead) from a measured profile,
so one real measurement corrects every estimate (llm-analysis's "a measured value replaces the assumption").

Torch-free: imports numpy, pydantic, the profile schema, the catalogs and `profiles.analytic.estimate`.

Medians are fitted (p50 TPOT and TTFT): robust to stalls from other processes on a shared machine; on a
quiet one median and mean agree. Decode: each point's median TPOT is one step at the average context
(input + output/2), modelled
as c + max(α·bytes, β·FLOPs) with α = 1/(bandwidth·MBU), β = 1/(peak·decode MFU). Every split of the
points into bandwidth-bound and compute-bound (by arithmetic intensity) is fitted by least squares of the
*relative* error; the split with the smallest error under the max model wins. Prefill: mean TTFT =
c_p + α·bytes + β_p·FLOPs with α from decode (median TTFT). A weak pull toward the published defaults keeps any
parameter the profile cannot pin down (one batch size, never compute-bound) at its default; `fitted`
lists the parameters the data did constrain.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from econ.profile import Profile, describe_validation_error
from econ.units import GB
from profiles.analytic.estimate import (
    DEFAULT_EFFICIENCY,
    FLOP_PER_TFLOP,
    MAX_EFFICIENCY,
    MS_PER_S,
    Efficiency,
    Roofline,
    estimate_point,
)
from profiles.catalog import ModelArchitecture, model_catalog
from profiles.gpu_catalog import GpuSpec, gpu_catalog
from profiles.store import write_text_atomically

# Weight of the pull toward the defaults, relative to the squared relative error of the data: small
# enough that a parameter the data constrains ignores it, large enough to break ties when it does not.
PRIOR_WEIGHT = 1e-6
# A parameter counts as fitted when the data moved it by more than this fraction of its default.
FITTED_TOLERANCE = 1e-2
# Rounds of the bounded least squares (each fixes the parameters that hit a bound); 3 parameters at most.
MAX_ACTIVE_SET_ROUNDS = 4
CALIBRATION_VERSION = 1
MAX_CALIBRATION_BYTES = 2**20
Reference = Literal["spec", "catalog", "measured"]


class CalibrationSource(BaseModel):
    """What the calibration was fitted from."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    profile: str | None = Field(None, description="Path of the measured profile, when read from a file.")
    profile_created_at: str | None = None
    model: str
    dtype: str
    kv_dtype: str
    hardware_name: str
    device: str
    catalog_name: str | None = None
    memory_gib: float | None = None
    bandwidth_gb_per_s: float = Field(gt=0, description="Bandwidth the MBU is relative to, GB/s.")
    bandwidth_reference: Reference = Field(description="spec: data sheet; catalog: GPU catalog; measured: microbenchmark.")
    flop_per_s: float = Field(gt=0, description="Peak FLOP/s the MFUs are relative to.")
    flop_reference: Reference
    batch_sizes: list[int]
    input_tokens: int
    output_tokens: int


class Calibration(BaseModel):
    """Efficiencies fitted from one measured profile; `estimate --calibration FILE` applies them."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: Literal["calibration"] = "calibration"
    version: Literal[1] = CALIBRATION_VERSION
    created_at: str
    efficiency: Efficiency
    fitted: list[str] = Field(description="Efficiency fields the profile constrained; the rest are defaults.")
    source: CalibrationSource
    decode_max_relative_error: float = Field(
        ge=0, description="Largest |estimated − measured| / measured decode tokens/s (batch ÷ median TPOT)."
    )
    ttft_max_relative_error: float = Field(ge=0, description="Same for TTFT (vs the median).")
    notes: list[str] = Field(default_factory=list)

    def hardware_spec(self) -> GpuSpec:
        """The measured machine as a GpuSpec (peaks the efficiencies are relative to), for same-hardware estimates."""
        src = self.source
        slug = re.sub(r"[^a-z0-9.\-]+", "-", (src.catalog_name or src.hardware_name).lower()).strip("-.") or "device"
        peak = src.flop_per_s
        return GpuSpec(
            name=slug if slug[0].isalnum() else f"d{slug}", vendor="other",
            description=f"{src.hardware_name} ({src.device}), peaks from its measured profile",
            memory_gib=src.memory_gib, bandwidth_gb_per_s=src.bandwidth_gb_per_s,
            bf16_flop_per_s=peak, fp16_flop_per_s=peak, fp32_flop_per_s=peak, fp8_flop_per_s=peak,
            interconnect="none", max_gpus=1,
            source=f"calibration from {src.profile or 'a measured profile'} "
                   f"(bandwidth: {src.bandwidth_reference}, FLOP/s: {src.flop_reference})",
            as_of=dt.date.fromisoformat((src.profile_created_at or self.created_at)[:10]),
        )


def _architecture(profile: Profile) -> ModelArchitecture:
    info = profile.model
    presets = model_catalog()
    if info.name in presets:
        return presets[info.name]
    shape = {
        "layers": info.layers, "hidden_size": info.hidden_size, "attention_heads": info.attention_heads,
        "kv_heads": info.kv_heads, "intermediate_size": info.intermediate_size, "vocab_size": info.vocab_size,
        "tied_embeddings": info.tied_embeddings,
    }
    missing = [k for k, v in shape.items() if v is None]
    if missing:
        raise ValueError(f"model {info.name!r} is not a preset and the profile lacks model.{', model.'.join(missing)}")
    name = re.sub(r"[^a-z0-9.\-]+", "-", info.name.lower()).strip("-.") or "model"
    return ModelArchitecture(name=name, family="llama", source="measured profile", **shape)


def _peaks(profile: Profile) -> tuple[float, Reference, float, Reference]:
    hw = profile.hardware
    catalog = gpu_catalog().get(hw.catalog_name or "")
    if hw.bandwidth_gb_per_s_spec:
        bandwidth, bw_ref = hw.bandwidth_gb_per_s_spec, "spec"
    elif catalog is not None:
        bandwidth, bw_ref = catalog.bandwidth_gb_per_s, "catalog"
    elif hw.bandwidth_gb_per_s_measured:
        bandwidth, bw_ref = hw.bandwidth_gb_per_s_measured, "measured"
    else:
        raise ValueError("the profile has no bandwidth peak: hardware.bandwidth_gb_per_s_spec, "
                         "hardware.bandwidth_gb_per_s_measured or a catalog hardware.catalog_name is needed")
    if hw.flop_per_s_spec:
        flops, flop_ref = hw.flop_per_s_spec, "spec"
    elif catalog is not None:
        flops, flop_ref = catalog.flop_per_s(profile.model.dtype), "catalog"
    elif hw.flop_per_s_measured:
        flops, flop_ref = hw.flop_per_s_measured, "measured"
    else:
        raise ValueError("the profile has no FLOP/s peak: hardware.flop_per_s_spec, "
                         "hardware.flop_per_s_measured or a catalog hardware.catalog_name is needed")
    return bandwidth, bw_ref, flops, flop_ref


def _bounded_ridge(design: np.ndarray, y: np.ndarray, theta0: np.ndarray, scale: np.ndarray,
                   lower: np.ndarray, relative_to: np.ndarray | None = None) -> np.ndarray:
    """argmin Σ((design·θ − y)/t)² + w·Σ((θ − θ0)/scale)² subject to θ ≥ lower (active set); t = y by default."""
    t = y if relative_to is None else relative_to
    a = design * scale / t[:, None]
    r = (y - design @ theta0) / t
    k = len(theta0)
    z = np.zeros(k)
    free = np.ones(k, dtype=bool)
    for _ in range(MAX_ACTIVE_SET_ROUNDS):
        rhs = r - a[:, ~free] @ z[~free]
        af = a[:, free]
        stacked = np.vstack([af, np.sqrt(PRIOR_WEIGHT) * np.eye(af.shape[1])])
        target = np.concatenate([rhs, np.zeros(af.shape[1])])
        z[free] = np.linalg.lstsq(stacked, target, rcond=None)[0]
        theta = theta0 + scale * z
        violated = free & (theta < lower)
        if not violated.any():
            break
        z[violated] = (lower[violated] - theta0[violated]) / scale[violated]
        free &= ~violated
    return theta0 + scale * z


def _objective(pred: np.ndarray, y: np.ndarray, theta: np.ndarray, theta0: np.ndarray, scale: np.ndarray) -> float:
    return float(np.sum(((pred - y) / y) ** 2) + PRIOR_WEIGHT * np.sum(((theta - theta0) / scale) ** 2))


def fit_decode(bytes_: np.ndarray, flops: np.ndarray, seconds: np.ndarray,
               theta0: np.ndarray, lower: np.ndarray) -> np.ndarray:
    """(c, α, β) of seconds ≈ c + max(α·bytes, β·FLOPs), best over every bandwidth/compute split."""
    scale = theta0.copy()
    order = np.argsort(flops / bytes_)
    best, best_obj = theta0, np.inf
    for split in range(len(order) + 1):
        memory_bound = np.zeros(len(order), dtype=bool)
        memory_bound[order[:split]] = True
        design = np.column_stack([np.ones_like(seconds), bytes_ * memory_bound, flops * ~memory_bound])
        theta = _bounded_ridge(design, seconds, theta0, scale, lower)
        pred = theta[0] + np.maximum(theta[1] * bytes_, theta[2] * flops)
        obj = _objective(pred, seconds, theta, theta0, scale)
        if obj < best_obj:
            best, best_obj = theta, obj
    return best


def fit_prefill(bytes_: np.ndarray, flops: np.ndarray, seconds: np.ndarray, alpha: float,
                theta0: np.ndarray, lower: np.ndarray) -> np.ndarray:
    """(c_p, β_p) of seconds ≈ c_p + α·bytes + β_p·FLOPs (α from decode)."""
    design = np.column_stack([np.ones_like(seconds), flops])
    # The error stays relative to the whole TTFT, not to the part left after the weight read.
    return _bounded_ridge(design, seconds - alpha * bytes_, theta0, theta0.copy(), lower, relative_to=seconds)


def calibrate(profile: Profile, origin: str | None = None, created_at: str | None = None) -> Calibration:
    """Fit MBU, MFUs and overheads from a measured single-device profile."""
    if profile.provenance != "measured":
        raise ValueError(f"{origin or 'profile'}: calibrate needs a measured profile, this one is "
                         f"{profile.provenance!r} (calibrating an estimate would only return its assumptions)")
    if profile.hardware.gpu_count != 1:
        raise ValueError(f"{origin or 'profile'}: calibrate needs a single-device profile "
                         f"(hardware.gpu_count is {profile.hardware.gpu_count:g})")
    points = profile.fitting_points()
    if not points:
        raise ValueError(f"{origin or 'profile'}: no point with TTFT and TPOT to fit (all oom or incomplete)")
    arch = _architecture(profile)
    bandwidth, bw_ref, peak, flop_ref = _peaks(profile)
    dtype = profile.model.dtype
    kv_dtype = "bf16" if dtype in ("int8", "int4") else dtype
    src = CalibrationSource(
        profile=origin, profile_created_at=profile.created_at, model=arch.name, dtype=dtype, kv_dtype=kv_dtype,
        hardware_name=profile.hardware.name, device=profile.hardware.device,
        catalog_name=profile.hardware.catalog_name, memory_gib=profile.hardware.memory_gib,
        bandwidth_gb_per_s=bandwidth, bandwidth_reference=bw_ref, flop_per_s=peak, flop_reference=flop_ref,
        batch_sizes=[p.batch_size for p in points],
        input_tokens=profile.workload.input_tokens, output_tokens=profile.workload.output_tokens,
    )
    created = created_at or dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    draft = Calibration(created_at=created, efficiency=DEFAULT_EFFICIENCY, fitted=[], source=src,
                        decode_max_relative_error=0, ttft_max_relative_error=0)
    spec = draft.hardware_spec()
    roof = Roofline(arch, spec, 1, dtype, kv_dtype, DEFAULT_EFFICIENCY)
    n_in, n_out = profile.workload.input_tokens, profile.workload.output_tokens
    batches = np.array([p.batch_size for p in points])
    mean_context = n_in + n_out / 2  # mean of input+1 … input+output−1
    d_bytes = np.array([float(roof.decode_bytes(b, mean_context)) for b in batches])
    d_flops = np.array([float(roof.decode_flops(b, mean_context)) for b in batches])
    d_seconds = np.array([p.tpot_ms.p50 for p in points]) / MS_PER_S
    bw, fl = bandwidth * GB, peak
    d = DEFAULT_EFFICIENCY
    theta0 = np.array([d.step_overhead_ms / MS_PER_S, 1 / (bw * d.mbu), 1 / (fl * d.decode_mfu)])
    lower = np.array([0.0, 1 / (bw * MAX_EFFICIENCY), 1 / (fl * MAX_EFFICIENCY)])
    c, alpha, beta = fit_decode(d_bytes, d_flops, d_seconds, theta0, lower)

    p_bytes = np.array([roof.prefill_bytes(b, n_in) for b in batches])
    p_flops = np.array([roof.prefill_flops(b, n_in) for b in batches])
    p_seconds = np.array([p.ttft_ms.p50 for p in points]) / MS_PER_S
    p_theta0 = np.array([d.prefill_overhead_ms / MS_PER_S, 1 / (fl * d.mfu)])
    p_lower = np.array([0.0, 1 / (fl * MAX_EFFICIENCY)])
    c_p, beta_p = fit_prefill(p_bytes, p_flops, p_seconds, alpha, p_theta0, p_lower)

    fitted_values = {
        "step_overhead_ms": (c, theta0[0]), "mbu": (alpha, theta0[1]), "decode_mfu": (beta, theta0[2]),
        "prefill_overhead_ms": (c_p, p_theta0[0]), "mfu": (beta_p, p_theta0[1]),
    }
    fitted = [k for k, (v, v0) in fitted_values.items() if abs(v - v0) > FITTED_TOLERANCE * v0]
    reference = f"MBU vs {bw_ref} {bandwidth:g} GB/s, MFU vs {flop_ref} {peak / FLOP_PER_TFLOP:.3g} TFLOP/s"
    # min(): a parameter fitted at its bound comes back a rounding error above MAX_EFFICIENCY.
    values = {
        "mbu": min(1 / (alpha * bw), MAX_EFFICIENCY), "mfu": min(1 / (beta_p * fl), MAX_EFFICIENCY),
        "decode_mfu": min(1 / (beta * fl), MAX_EFFICIENCY),
        "step_overhead_ms": c * MS_PER_S, "prefill_overhead_ms": c_p * MS_PER_S,
    }
    # What the data did not move stays exactly at its published default (no float round-trip noise).
    values.update({k: getattr(DEFAULT_EFFICIENCY, k) for k in fitted_values if k not in fitted})
    efficiency = Efficiency(
        **values,
        source=f"calibrated from a measured profile of {arch.name} {dtype} on {profile.hardware.name} "
               f"(batch sizes {', '.join(map(str, batches))}; {reference}); fitted: {', '.join(fitted) or 'none'}",
    )
    fitted_roof = Roofline(arch, spec, 1, dtype, kv_dtype, efficiency)
    decode_err, ttft_err = [], []
    for p in points:
        est = estimate_point(fitted_roof, p.batch_size, n_in, n_out)
        measured_decode = p.batch_size / (p.tpot_ms.p50 / MS_PER_S)
        decode_err.append(abs(est.decode_tokens_per_s / measured_decode - 1))
        ttft_err.append(abs(est.ttft_ms.mean / p.ttft_ms.p50 - 1))
    notes = []
    if len(points) == 1:
        notes.append("One batch size: the overhead and MBU are not separable; the split follows the defaults.")
    unfitted = [k for k in fitted_values if k not in fitted]
    if unfitted:
        notes.append(f"Not constrained by this profile, kept at the published defaults: {', '.join(unfitted)}.")
    bounds = {"step_overhead_ms": lower[0], "mbu": lower[1], "decode_mfu": lower[2],
              "prefill_overhead_ms": p_lower[0], "mfu": p_lower[1]}
    at_bound = [k for k in fitted if np.isclose(fitted_values[k][0], bounds[k])]
    if at_bound:
        notes.append(f"At the edge of the allowed range (the data gives them little weight, e.g. a model small "
                     f"enough to stay in cache): {', '.join(at_bound)}.")
    if bw_ref == "measured" or flop_ref == "measured":
        notes.append("Efficiencies are relative to the measured (microbenchmark) peaks of the source machine; "
                     "projected onto another GPU they multiply its data-sheet peaks.")
    return Calibration(
        created_at=created, efficiency=efficiency, fitted=fitted, source=src,
        decode_max_relative_error=max(decode_err), ttft_max_relative_error=max(ttft_err), notes=notes,
    )


def write_calibration(calibration: Calibration, path: str | Path) -> Path:
    """Write atomically (temp file in the same folder, renamed over the target)."""
    return write_text_atomically(calibration.model_dump_json(indent=2, exclude_none=True) + "\n", path)


def load_calibration(path: str | Path) -> Calibration:
    """Read and validate a calibration file; ValueError naming the field on any problem."""
    p = Path(path)
    try:
        text = p.read_bytes()
    except OSError as exc:
        raise ValueError(f"{path}: cannot read calibration ({exc.strerror})") from None
    if len(text) > MAX_CALIBRATION_BYTES:
        raise ValueError(f"{path}: calibration file is too large")
    try:
        return Calibration.model_validate(json.loads(text))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ValueError(f"{path}: not valid JSON ({exc})") from None
    except ValidationError as exc:
        raise ValueError(f"{path}: {describe_validation_error(exc)}") from None
