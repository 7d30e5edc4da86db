"""Serving capacity: the one place that turns a profile (or a typed number) into requests/s per replica,
and requests/s into whole replicas.

Imports numpy, `econ.base`, `econ.model.profile`, `econ.model.scenario`, `econ.model.labels` (the side's
name in warnings) and `econ.serving.slo_binding` (every SLO limit, and the sentence naming the one that
binds). The operating point is the largest batch size in the profile (measured or estimated, and said so)
that meets the latency SLO (p99 TTFT and TPOT) at the profile's token counts.
For a served profile (load-tested through an endpoint) it is the measured load with the largest
*achieved* rate that meets the SLO: by p99 TTFT and TPOT, or, when the profile's capacity search ran
at the scenario's own SLO, by its attainment target. Never beyond the measured points.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from econ.base.errors import FieldError
from econ.base.types import MIN_CAPACITY_RPS
from econ.base.units import REPLICA_ROUNDING_TOLERANCE
from econ.model.labels import SIDES
from econ.model.profile import Point, Profile, ProfileError, load_profile
from econ.model.scenario import LatencySlo, SelfHostedServing
from econ.serving.slo_binding import binding_sentence, broken_limits


@dataclass(frozen=True)
class OperatingPoint:
    """The batch size a self-hosted replica runs at, and what it delivers there.

    `measured` is the profile's point itself, carried by identity: a served point's batch size is its
    mean number in flight, which does not name one point, so nothing downstream looks it up again.
    """

    batch_size: int
    requests_per_s: float
    ttft_ms_p99: float
    tpot_ms_p99: float
    provenance: str
    measured: Point
    load_kind: str = "static_batch"
    load_value: float | None = None

    def describe(self) -> str:
        """'batch 16', 'rate 4 req/s' or 'concurrency 8', the way a reader names the operating point."""
        if self.load_kind == "rate":
            return f"rate {self.load_value:g} req/s (achieved {self.requests_per_s:.3g} req/s)"
        if self.load_kind == "concurrency":
            return f"concurrency {self.load_value:g} (achieved {self.requests_per_s:.3g} req/s)"
        return f"batch {self.batch_size}"


def profile_of(ref: str | Profile, field: str) -> Profile:
    """The Profile behind a scenario's profile field (a path or an embedded profile)."""
    if isinstance(ref, Profile):
        return ref
    try:
        return load_profile(Path(ref))
    except ProfileError as exc:
        raise FieldError(f"{field}.profile", str(exc)) from None


def _search_ran_at(profile: Profile, slo: LatencySlo | None) -> bool:
    """The profile's capacity search used exactly the scenario's SLO, so its attainment verdicts apply."""
    search = profile.capacity
    return (search is not None and slo is not None
            and (search.slo_ttft_ms, search.slo_tpot_ms) == (slo.ttft_ms_p99, slo.tpot_ms_p99))


def _meets(point: Point, slo: LatencySlo | None, attainment_target: float | None) -> bool:
    if attainment_target is not None:
        return point.slo_attainment is not None and point.slo_attainment >= attainment_target
    return not broken_limits(point, slo)


def operating_point(profile: Profile, slo: LatencySlo | None, field: str) -> OperatingPoint:
    """Largest fitting batch whose p99 TTFT and TPOT meet the SLO (no SLO: the largest fitting batch);
    served: the largest achieved rate meeting it."""
    fitting = profile.fitting_points()
    if not fitting:
        raise FieldError(f"{field}.profile", "no batch size fits in memory; the profile has no usable point")
    target = profile.capacity.attainment if profile.served and _search_ran_at(profile, slo) else None
    meeting = [p for p in fitting if _meets(p, slo, target)]
    if not meeting:
        best = fitting[0]
        where = f"load {best.load.kind} {best.load.value:g}" if profile.served else f"batch {best.batch_size}"
        raise FieldError(
            f"{field}.slo", f"no {'load' if profile.served else 'batch'} in the {profile.provenance} profile "
            f"meets the SLO; {where} has "
            f"p99 TTFT {best.ttft_ms.p99:.1f} ms and p99 TPOT {best.tpot_ms.p99:.2f} ms"
        )
    rank = (lambda p: p.requests_per_s) if profile.served else (lambda p: p.batch_size)
    chosen = max(meeting, key=rank)
    load = chosen.load
    return OperatingPoint(
        batch_size=chosen.batch_size,
        requests_per_s=float(chosen.requests_per_s),
        ttft_ms_p99=chosen.ttft_ms.p99,
        tpot_ms_p99=chosen.tpot_ms.p99,
        provenance=profile.provenance,
        measured=chosen,
        load_kind=load.kind if load else "static_batch",
        load_value=load.value if load else float(chosen.batch_size),
    )


@dataclass(frozen=True)
class Capacity:
    """Requests/s one replica serves at the latency target, with where the number came from."""

    requests_per_s_per_replica: float
    source: str
    point: OperatingPoint | None
    warnings: tuple[str, ...]
    profile: Profile | None = None  # the profile the point was read from (None when capacity was typed)
    binding: str | None = None  # what stops the next load up, in words (None when capacity was typed)


def replica_capacity(
    side: SelfHostedServing, input_tokens: int, output_tokens: int, field: str
) -> Capacity:
    """Capacity of one replica: typed, or the profile's operating point scaled to the replica's GPU share."""
    if side.requests_per_s_per_replica is not None:
        return Capacity(side.requests_per_s_per_replica, "typed", None, ())
    profile = profile_of(side.profile, field)
    point = operating_point(profile, side.slo, field)
    warnings = []
    shape = profile.workload
    whose = f"{SIDES.get(field, f'the {field}')}"  # "the student's"; never a JSON path
    if (shape.input_tokens, shape.output_tokens) != (input_tokens, output_tokens):
        made = "measured" if profile.provenance == "measured" else "estimated"
        warnings.append(
            f"{whose} profile was {made} at {shape.input_tokens} in / {shape.output_tokens} out tokens, but "
            f"the workload is {input_tokens} in / {output_tokens} out: its capacity may not carry over"
        )
    if profile.provenance == "estimated":
        warnings.append(f"{whose} capacity comes from an estimated profile ({profile.model.name} on "
                        f"{profile.hardware.name}), not a measurement")
    if profile.provenance == "measured" and not profile.served:
        warnings.append(f"{whose} profile was measured with the static-batch loop, without a serving "
                        "engine; continuous batching (vLLM, SGLang, TGI) may serve more: measure it with "
                        "`python -m profiles load`")
    if profile.partial:
        warnings.append(f"{whose} profile is partial (its sweep was interrupted)")
    # Capacity is that of the replica's GPU share (a MIG slice gets its fraction of the profiled GPUs).
    share = side.gpus_per_replica / profile.hardware.gpu_count
    if point.requests_per_s * share < MIN_CAPACITY_RPS:
        raise FieldError(f"{field}.profile",
                         f"capacity {point.requests_per_s * share:.3g} requests/s per replica is "
                                             f"below {MIN_CAPACITY_RPS:g}: not a serving replica")
    kind = "served profile" if profile.served else "profile"
    source = f"{profile.provenance} {kind} {profile.model.name}, {point.describe()}"
    target = profile.capacity.attainment if profile.served and _search_ran_at(profile, side.slo) else None
    binding = binding_sentence(profile, side.slo, point.measured, target)
    return Capacity(point.requests_per_s * share, source, point, tuple(warnings), profile, binding)


def replicas_for_peak(peak_rps, requests_per_s_per_replica, target_utilization, min_replicas):
    """Always-on replicas: max(min_replicas, ceil(peak / (capacity × utilization))). numpy-friendly."""
    needed = np.asarray(peak_rps) / (np.asarray(requests_per_s_per_replica) * np.asarray(target_utilization))
    return np.maximum(min_replicas, np.ceil(needed - REPLICA_ROUNDING_TOLERANCE))


def autoscaled_replicas(average_rps, requests_per_s_per_replica, target_utilization, min_replicas):
    """Autoscaled replica-equivalents: max(min_replicas, average / (capacity × utilization)).
    numpy-friendly."""
    needed = np.asarray(average_rps) / (
        np.asarray(requests_per_s_per_replica) * np.asarray(target_utilization))
    return np.maximum(min_replicas, needed)
