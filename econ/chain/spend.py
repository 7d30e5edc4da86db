"""Distillation spend: upfront (data generation, training, evaluation, engineering) and re-distillation.

Imports `econ.model.scenario`, `econ.serving.capacity`, `econ.serving.unit_costs`, `econ.base` (units,
the training-FLOP rule). Each upfront line is either a USD number or an object that derives it;
`upfront_spend` returns every line in USD with how it was derived.
"""

from __future__ import annotations

from dataclasses import dataclass

from econ.base.errors import FieldError
from econ.base.flops import training_flops_per_token
from econ.base.types import MAX_USD
from econ.base.units import SECONDS_PER_HOUR
from econ.chain.distill_cost import RunSpend, run_spend
from econ.io.formats import usd
from econ.model.scenario import (
    ApiServing,
    DataGeneration,
    DistillationRun,
    EngineeringEffort,
    Scenario,
    SelfHostedServing,
    TrainingRun,
    Workload,
    token_counts,
)
from econ.serving.capacity import profile_of, replica_capacity
from econ.serving.unit_costs import api_usd_per_request


@dataclass(frozen=True)
class UpfrontSpend:
    """Upfront distillation spend by line, USD, spent at t = 0."""

    data_generation_usd: float
    training_usd: float
    evaluation_usd: float
    engineering_usd: float
    notes: tuple[str, ...] = ()
    run: RunSpend | None = None  # training_usd as a DistillationRun: its phases (they sum to training_usd)

    @property
    def total_usd(self) -> float:
        return self.data_generation_usd + self.training_usd + self.evaluation_usd + self.engineering_usd

    def lines_usd(self) -> dict[str, float]:
        """USD by upfront line; a distillation run shows each phase in place of the training line."""
        training = self.run.lines_usd() if self.run is not None else {"training_usd": self.training_usd}
        return {"data_generation_usd": self.data_generation_usd, **training,
                "evaluation_usd": self.evaluation_usd, "engineering_usd": self.engineering_usd}


def data_generation_usd(spec: float | DataGeneration, teacher, workload: Workload) -> tuple[float, str]:
    """Teacher-generated data: examples × tokens priced by the teacher (API batch price or GPU-hours)."""
    if not isinstance(spec, DataGeneration):
        return float(spec), "typed"
    if isinstance(teacher, ApiServing):
        per_example = api_usd_per_request(spec.prompt_tokens, spec.completion_tokens,
                                          teacher.input_usd_per_mtok, teacher.output_usd_per_mtok)
        discount = teacher.batch_discount if spec.use_batch_price else 0.0
        note = f"{spec.examples:,} examples at the teacher's API price" + (
            f" less its {discount:.0%} batch discount" if discount else ""
        )
        return spec.examples * per_example * (1.0 - discount), note
    assert isinstance(teacher, SelfHostedServing)
    in_tokens, out_tokens = token_counts(teacher, workload)
    # Offline generation runs at full capacity (no latency SLO, utilization 1); decode dominates,
    # so throughput in requests/s is scaled by the ratio of output tokens.
    offline = teacher.model_copy(update={"slo": None})
    capacity = replica_capacity(offline, in_tokens, out_tokens, "teacher").requests_per_s_per_replica
    examples_per_s = capacity * out_tokens / spec.completion_tokens
    gpu_hours = spec.examples / examples_per_s / SECONDS_PER_HOUR * teacher.gpus_per_replica
    return gpu_hours * teacher.gpu_usd_per_hour, f"{gpu_hours:,.1f} teacher GPU-hours"


def training_usd(spec: float | TrainingRun) -> tuple[float, str]:
    """Training: tokens ÷ training tokens/s → GPU-hours × $/h, or 6·N·D ÷ (peak × MFU) when estimated.

    The estimate counts FLOPs by the roofline's rule (`econ.base.flops`); a scenario gives N, not the
    architecture, so the attention term is left out.
    """
    if not isinstance(spec, TrainingRun):
        return float(spec), "typed"
    tokens = spec.examples * spec.tokens_per_example * spec.epochs
    if spec.training_tokens_per_s is not None:
        seconds = tokens / spec.training_tokens_per_s
        how = f"{tokens:,.0f} tokens at a measured {spec.training_tokens_per_s:,.0f} tokens/s"
    elif spec.profile is not None:
        profile = profile_of(spec.profile, "distillation.training_usd")
        if profile.training is None:
            raise FieldError("distillation.training_usd.profile", "the profile has no training block")
        # The profile's tokens/s is for its own GPUs; more GPUs scale it linearly.
        run_tokens_per_s = profile.training.tokens_per_s * spec.gpus / profile.hardware.gpu_count
        seconds = tokens / run_tokens_per_s
        how = f"{tokens:,.0f} tokens at {run_tokens_per_s:,.0f} tokens/s ({profile.provenance} profile)"
    else:
        flops = training_flops_per_token(spec.parameters, spec.tokens_per_example) * tokens
        seconds = flops / (spec.peak_flop_per_s * spec.mfu * spec.gpus)
        how = f"6·N·D = {flops:.3g} FLOP at {spec.mfu:.0%} MFU (estimate)"
    gpu_hours = seconds / SECONDS_PER_HOUR * spec.gpus
    return gpu_hours * spec.gpu_usd_per_hour, f"{how}: {gpu_hours:,.1f} GPU-hours"


def engineering_usd(spec: float | EngineeringEffort) -> float:
    """Engineering: typed USD or hours × rate."""
    if isinstance(spec, EngineeringEffort):
        return spec.hours * spec.usd_per_hour
    return float(spec)


def upfront_spend(scenario: Scenario) -> UpfrontSpend:
    """Every upfront line of the scenario in USD."""
    dist = scenario.distillation
    data, data_note = data_generation_usd(dist.data_generation_usd, scenario.teacher, scenario.workload)
    run = run_spend(dist.training_usd, scenario.teacher, scenario.student) \
        if isinstance(dist.training_usd, DistillationRun) else None
    train, train_note = (run.total_usd, "phases") if run is not None else training_usd(dist.training_usd)
    for field, value in (("data_generation_usd", data), ("training_usd", train)):
        if not value <= MAX_USD:  # also catches inf and NaN
            raise FieldError(
                f"distillation.{field}",
                f"derives {usd(value)}, above the {usd(MAX_USD)} bound of any distillation budget; "
                "check its inputs",
            )
    derived = (("data generation", data_note), ("training", train_note))
    notes = tuple(f"{name}: {note}" for name, note in derived if note not in ("typed", "phases"))
    notes += run.notes if run is not None else ()
    return UpfrontSpend(data, train, dist.evaluation_usd, engineering_usd(dist.engineering_usd), notes, run)


def redistill_usd(scenario: Scenario, upfront: UpfrontSpend) -> float:
    """One re-distillation: typed USD, or a fraction of upfront data + training (a run that reuses its stored
    logits: of the run without teacher scoring or data generation)."""
    dist = scenario.distillation
    if dist.redistill_fraction_of_upfront is not None:
        run = upfront.run
        if run is not None and run.redistill_usd < run.total_usd:  # stored logits reused: no teacher at all
            return dist.redistill_fraction_of_upfront * run.redistill_usd
        return dist.redistill_fraction_of_upfront * (upfront.data_generation_usd + upfront.training_usd)
    return float(dist.redistill_usd or 0.0)
