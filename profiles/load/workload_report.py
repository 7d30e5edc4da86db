"""A served profile's workload block: the lengths asked for against those the server counted, the shared
prefix and caching, and the binding limit named from the server's view at the first load past capacity.

Torch-free and HTTP-free: imports the schema and the load core (request plan, server metrics). Only
counted, completed requests are compared, by request index (a point's `seen` list is in index order).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from econ.model.profile import Point
from econ.model.workload import WorkloadShape
from profiles.load.request_plan import RequestPlan, distribution, mismatch_note
from profiles.load.served import RequestRecord
from profiles.load.server_metrics import binding_limit
from profiles.load.settings import LoadSettings
from profiles.load.traces import Trace


@dataclass
class RealisedLengths:
    """Lengths asked for and counted by the server (usage), pooled over the points."""

    planned_input: list[int] = field(default_factory=list)
    counted_input: list[int | None] = field(default_factory=list)
    planned_output: list[int] = field(default_factory=list)
    counted_output: list[int | None] = field(default_factory=list)

    def add(self, plan: RequestPlan, seen: list[RequestRecord], counted: list[RequestRecord]) -> None:
        kept = {id(r) for r in counted}
        for index, record in enumerate(seen):
            if id(record) in kept and record.ok:
                self.planned_input.append(plan.planned_input(index))
                self.counted_input.append(record.prompt_tokens)
                self.planned_output.append(plan.shape(index).output_tokens)
                self.counted_output.append(record.output_tokens)

    def notes(self) -> list[str]:
        found = [mismatch_note(self.planned_input, self.counted_input, "prompt"),
                 mismatch_note(self.planned_output, self.counted_output, "completion")]
        return [n for n in dict.fromkeys(found) if n and self.planned_input]


def _caching(engine_args: list[str] | None) -> bool | None:
    if not engine_args:
        return None
    if "--no-enable-prefix-caching" in engine_args:
        return False
    return True if "--enable-prefix-caching" in engine_args else None


def trace_text(trace: Trace | None, time_scale: list[float] | None) -> str | None:
    if trace is None:
        return None
    skipped = f", {trace.skipped} spans without token counts skipped" if trace.skipped else ""
    scales = ", ".join(f"{f:g}" for f in time_scale or [1.0])
    return (f"{trace.name} ({trace.format}, {len(trace.offsets_s)} requests over {trace.offsets_s[-1]:.1f} "
            f"s, mean {trace.mean_rate_per_s:.3g} req/s{skipped}); time scales {scales}")


def workload_shape(s: LoadSettings, plan: RequestPlan, realised: RealisedLengths,
                   engine_args: list[str] | None, trace: Trace | None = None) -> WorkloadShape:
    """Means (rounded) for econ, and the distributions asked for and realised."""
    prefix = s.shared_prefix_tokens
    return WorkloadShape(
        input_tokens=max(1, round(s.input_spec.mean + prefix)),
        output_tokens=max(1, round(s.output_spec.mean)),
        input_lengths=distribution(s.input_spec, [c for c in realised.counted_input if c is not None],
                                   prefix),
        output_lengths=distribution(s.output_spec, [c for c in realised.counted_output if c is not None]),
        shared_prefix_tokens=prefix or None, prefix_groups=s.prefix_groups if prefix else None,
        prefix_caching=_caching(engine_args), trace=trace_text(trace, s.time_scale),
    )


def binding_limit_of(points: list[Point], best: Point | None, passed: Callable[[Point], bool]) -> str | None:
    """The server's view at the smallest failing load above the capacity (None: no such load or no view)."""
    floor = best.load.value if best else 0.0
    failing = sorted((p for p in points if not passed(p) and p.load.value > floor),
                     key=lambda p: p.load.value)
    if not failing:
        return None
    first = failing[0]
    value = first.load.value
    planned = f"{value:g} req/s" if first.load.kind == "rate" else f"concurrency {value:g}"
    return binding_limit(first.server, f"{planned} ({first.requests_per_s or 0.0:.3g} req/s achieved)")
