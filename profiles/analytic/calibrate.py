"""Calibration: fit the estimator's efficiencies (MBU, MFUs, prefill's fixed time per layer, overheads) from a
measured profile, so one real measurement corrects every estimate (llm-analysis's "a measured value
replaces the assumption").

Torch-free: imports numpy, the profile schema, the catalogs and the analytic modules (the same roofline
the estimator and the profiler's measured MFU use). Medians are fitted (p50 TPOT and TTFT): robust to
stalls from other processes on a shared machine. Decode: each point's median TPOT is one step at the
average context (input + output/2), c + max(α·bytes, β·FLOPs), α = 1/(bandwidth·MBU), β = 1/(peak·decode
MFU). Prefill: median TTFT = c + bytes ÷ bandwidth + FLOPs ÷ (peak·mfu) + layers × prefill_layer_ms, with
the decode step's fixed cost c (one host cost per forward pass): batch sizes that differ pin mfu and the
per-layer time. A weak pull toward the published defaults keeps any parameter the profile cannot pin down
at its default; `fitted` lists the parameters the data did constrain.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from econ.base.units import GB
from econ.io.files import slug
from econ.model.profile import Point, Profile
from profiles.analytic.calibration_file import (  # noqa: F401  (re-exported: the calibration's public names)
    Calibration,
    CalibrationSource,
    Reference,
    load_calibration,
    write_calibration,
)
from profiles.analytic.efficiency import (
    MAX_EFFICIENCY,
    MAX_PREFILL_LAYER_MS,
    Efficiency,
    default_efficiency,
)
from profiles.analytic.estimate import FLOP_PER_TFLOP, estimate_point
from profiles.analytic.fitting import fit_decode, fit_prefill
from profiles.analytic.roofline import MS_PER_S, Roofline
from profiles.catalog import ModelArchitecture, model_catalog
from profiles.gpu_catalog import gpu_catalog

# A parameter counts as fitted when the data moved it by more than this fraction of its default.
FITTED_TOLERANCE = 1e-2


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
        raise ValueError(
            f"model {info.name!r} is not a preset and the profile lacks model.{', model.'.join(missing)}")
    return ModelArchitecture(name=slug(info.name, "model", lowercase=True), family="llama",
                             source="measured profile", **shape)


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


@dataclass(frozen=True)
class _Fit:
    """Fitted values (seconds and seconds per byte/FLOP), their defaults and lower bounds, by Efficiency
    field."""

    value: dict[str, float]
    default: dict[str, float]
    lower: dict[str, float]

    def fitted(self) -> list[str]:
        return [
            k for k, v in self.value.items() if abs(v - self.default[k]) > FITTED_TOLERANCE * abs(
                self.default[k])]


def _source(profile: Profile, arch: ModelArchitecture, origin: str | None,
            points: list[Point]) -> CalibrationSource:
    bandwidth, bw_ref, peak, flop_ref = _peaks(profile)
    dtype = profile.model.dtype
    return CalibrationSource(
        profile=origin, profile_created_at=profile.created_at, model=arch.name, dtype=dtype,
        kv_dtype="bf16" if dtype in ("int8", "int4") else dtype,
        hardware_name=profile.hardware.name, device=profile.hardware.device,
        catalog_name=profile.hardware.catalog_name, memory_gib=profile.hardware.memory_gib,
        bandwidth_gb_per_s=bandwidth, bandwidth_reference=bw_ref, flop_per_s=peak, flop_reference=flop_ref,
        batch_sizes=[p.batch_size for p in points],
        input_tokens=profile.workload.input_tokens, output_tokens=profile.workload.output_tokens,
    )


def _fit(roof: Roofline, points: list[Point], n_in: int, n_out: int, d: Efficiency) -> _Fit:
    """Decode (c, α, β) then prefill (β_p, κ) on the points' median TPOT and TTFT; prefill's overhead is c."""
    bw, fl = roof.gpu.bandwidth_gb_per_s * GB, roof.peak_flop_per_s
    batches = np.array([p.batch_size for p in points])
    mean_context = n_in + n_out / 2  # mean of input+1 … input+output−1
    d_bytes = np.array([float(roof.decode_bytes(b, mean_context)) for b in batches])
    d_flops = np.array([float(roof.decode_flops(b, mean_context)) for b in batches])
    d_seconds = np.array([p.tpot_ms.p50 for p in points]) / MS_PER_S
    theta0 = np.array([d.step_overhead_ms / MS_PER_S, 1 / (bw * d.mbu), 1 / (fl * d.decode_mfu)])
    lower = np.array([0.0, 1 / (bw * MAX_EFFICIENCY), 1 / (fl * MAX_EFFICIENCY)])
    c, alpha, beta = fit_decode(d_bytes, d_flops, d_seconds, theta0, lower)

    p_flops = np.array([roof.prefill_flops(b, n_in) for b in batches])
    p_fixed = c + np.array([roof.prefill_read_seconds(b, n_in) for b in batches])
    p_seconds = np.array([p.ttft_ms.p50 for p in points]) / MS_PER_S
    layers = roof.arch.layers
    p_theta0 = np.array([1 / (fl * d.mfu), layers * d.prefill_layer_ms / MS_PER_S])
    p_lower = np.array([1 / (fl * MAX_EFFICIENCY), 0.0])
    beta_p, kappa = fit_prefill(p_flops, p_seconds, p_fixed, p_theta0, p_lower)
    keys = ("step_overhead_ms", "mbu", "decode_mfu", "mfu", "prefill_layer_ms")
    return _Fit(value=dict(zip(keys, (c, alpha, beta, beta_p, kappa / layers * MS_PER_S), strict=True)),
                default=dict(zip(keys, (*theta0, p_theta0[0], d.prefill_layer_ms), strict=True)),
                lower=dict(zip(keys, (*lower, p_lower[0], 0.0), strict=True)))


def _efficiency(fit: _Fit, roof: Roofline, d: Efficiency, description: str) -> Efficiency:
    bw, fl = roof.gpu.bandwidth_gb_per_s * GB, roof.peak_flop_per_s
    v = fit.value
    # min(): a parameter fitted at its bound comes back a rounding error above its limit.
    values = {
        "mbu": min(1 / (v["mbu"] * bw), MAX_EFFICIENCY), "mfu": min(1 / (v["mfu"] * fl), MAX_EFFICIENCY),
        "decode_mfu": min(1 / (v["decode_mfu"] * fl), MAX_EFFICIENCY),
        "prefill_layer_ms": min(v["prefill_layer_ms"], MAX_PREFILL_LAYER_MS),
        "step_overhead_ms": v["step_overhead_ms"] * MS_PER_S,
    }
    fitted = fit.fitted()
    # What the data did not move stays exactly at its published default (no float round-trip noise).
    values.update({k: getattr(d, k) for k in values if k not in fitted})
    # One fixed host cost per forward pass, prefill or decode (see fitting.fit_prefill).
    values["prefill_overhead_ms"] = values["step_overhead_ms"]
    return Efficiency(**values, source=f"{description}; fitted: {', '.join(fitted) or 'none'}")


def _errors(roof: Roofline, points: list[Point], n_in: int, n_out: int) -> tuple[float, float]:
    """Largest relative error of the calibrated estimate: decode tokens/s (batch ÷ median TPOT), median
    TTFT."""
    decode_err, ttft_err = [], []
    for p in points:
        est = estimate_point(roof, p.batch_size, n_in, n_out)
        decode_err.append(abs(est.decode_tokens_per_s / (p.batch_size / (p.tpot_ms.p50 / MS_PER_S)) - 1))
        ttft_err.append(abs(est.ttft_ms.mean / p.ttft_ms.p50 - 1))
    return max(decode_err), max(ttft_err)


def _notes(fit: _Fit, points: list[Point], src: CalibrationSource) -> list[str]:
    notes, fitted = [], fit.fitted()
    if len(points) == 1:
        notes.append("One batch size: the overhead and MBU are not separable, nor prefill's MFU and its "
                     "fixed time per layer; the split follows the defaults.")
    unfitted = [k for k in fit.value if k not in fitted]
    if unfitted:
        notes.append(
            f"Not constrained by this profile, kept at the published defaults: {', '.join(unfitted)}.")
    at_bound = [k for k in fitted if np.isclose(fit.value[k], fit.lower[k])]
    if at_bound:
        notes.append("At the edge of the allowed range (the data gives them little weight, e.g. a model "
                     f"small enough to stay in cache): {', '.join(at_bound)}.")
    if "measured" in (src.bandwidth_reference, src.flop_reference):
        notes.append("Efficiencies are relative to the measured (microbenchmark) peaks of the source "
                     "machine; projected onto another GPU they multiply its data-sheet peaks.")
    return notes


def _check_calibratable(profile: Profile, origin: str | None) -> list[Point]:
    if profile.provenance != "measured":
        raise ValueError(f"{origin or 'profile'}: calibrate needs a measured profile, this one is "
                         f"{profile.provenance!r} (calibrating an estimate would only return its "
                         "assumptions)")
    if profile.hardware.gpu_count != 1:
        raise ValueError(f"{origin or 'profile'}: calibrate needs a single-device profile "
                         f"(hardware.gpu_count is {profile.hardware.gpu_count:g})")
    points = profile.fitting_points()
    if not points:
        raise ValueError(f"{origin or 'profile'}: no point with TTFT and TPOT to fit (all oom or incomplete)")
    return points


def calibrate(profile: Profile, origin: str | None = None, created_at: str | None = None) -> Calibration:
    """Fit MBU, MFUs, prefill's fixed time per layer and the overheads from a measured single-device
    profile."""
    points = _check_calibratable(profile, origin)
    arch = _architecture(profile)
    src = _source(profile, arch, origin, points)
    created = created_at or dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    d = default_efficiency(src.dtype)
    draft = Calibration(created_at=created, efficiency=d, fitted=[], source=src,
                        decode_max_relative_error=0, ttft_max_relative_error=0)
    roof = Roofline(arch, draft.hardware_spec(), 1, src.dtype, src.kv_dtype, d)
    n_in, n_out = src.input_tokens, src.output_tokens
    fit = _fit(roof, points, n_in, n_out, d)
    reference = (f"MBU vs {src.bandwidth_reference} {src.bandwidth_gb_per_s:g} GB/s, MFU vs "
                 f"{src.flop_reference} {src.flop_per_s / FLOP_PER_TFLOP:.3g} TFLOP/s")
    description = (f"calibrated from a measured profile of {arch.name} {src.dtype} on "
                   f"{profile.hardware.name} (batch sizes {', '.join(map(str, src.batch_sizes))}; "
                   f"{reference})")
    efficiency = _efficiency(fit, roof, d, description)
    decode_err, ttft_err = _errors(Roofline(arch, roof.gpu, 1, src.dtype, src.kv_dtype, efficiency), points,
                                   n_in, n_out)
    return Calibration(
        created_at=created, efficiency=efficiency, fitted=fit.fitted(), source=src,
        decode_max_relative_error=decode_err, ttft_max_relative_error=ttft_err,
        notes=_notes(fit, points, src),
    )
