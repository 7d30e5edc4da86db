"""econ: the distillation cost model. When does distilling a teacher LLM into a student pay off?

Imports pydantic, numpy and pandas only (never torch or streamlit). Typical use:

    import econ
    result = econ.evaluate(econ.example_scenario())
    result.payback_months, result.npv_usd, result.monthly
    econ.monte_carlo(scenario), econ.tornado(scenario), econ.decide(scenario)   # risk
    econ.screen(econ.load_usage("usage.csv"), scenario).to_frame()             # which tasks to distil
    econ.quality_evidence(econ.load_samples("samples.csv"))                     # measured quality
"""

from econ import _startup  # noqa: F401 (first: a quiet Ctrl-C under `python -m econ`)
from econ.base.errors import FieldError
from econ.chain.evaluate import (
    HEADLINE,
    Evaluation,
    HeadlineItem,
    ManyResults,
    evaluate,
    evaluate_many,
)
from econ.chain.inputs import NumericInputs, numeric_inputs, vary
from econ.evidence.rates import GradedSampleRates, quality_evidence
from econ.evidence.samples import SamplesError, load_samples, parse_samples
from econ.model.examples import default_scenario, example_scenario
from econ.model.profile import Profile, ProfileError, load_profile, parse_profile
from econ.model.quality import Evidence
from econ.model.scenario import (
    ApiServing,
    DataGeneration,
    Distillation,
    EngineeringEffort,
    LatencySlo,
    Quality,
    Scenario,
    SelfHostedServing,
    Swap,
    Traffic,
    TrainingRun,
    Workload,
)
from econ.model.scenario_files import ScenarioError, load_scenario, parse_scenario, save_scenario
from econ.model.uncertainty import UncertainInput, Uncertainty
from econ.portfolio.screen import Screen, TaskScore, screen
from econ.risk.decision import Decision, decide
from econ.risk.sensitivity import Tornado, tornado
from econ.risk.simulation import MonteCarlo, monte_carlo
from econ.risk.threshold import ThresholdSweep, threshold_sweep
from econ.traffic.forecast import TrafficForecast, apply_forecast, forecast_traffic, load_history
from econ.traffic.usage import UsageError, UsageLog, load_usage, parse_usage

# Renamed; the old names stay importable from `econ` so notebooks do not break (econ.__all__ keeps them).
QualityEvidence = GradedSampleRates  # what graded samples say; not `Evidence`, the scenario's pointer to them

__all__ = [
    "HEADLINE",
    "FieldError",
    "HeadlineItem",
    "UncertainInput",
    "Uncertainty",
    "ApiServing",
    "DataGeneration",
    "Decision",
    "Distillation",
    "EngineeringEffort",
    "Evaluation",
    "Evidence",
    "GradedSampleRates",
    "LatencySlo",
    "ManyResults",
    "MonteCarlo",
    "NumericInputs",
    "Profile",
    "ProfileError",
    "Quality",
    "QualityEvidence",
    "SamplesError",
    "Scenario",
    "ScenarioError",
    "Screen",
    "SelfHostedServing",
    "Swap",
    "TaskScore",
    "ThresholdSweep",
    "Tornado",
    "Traffic",
    "TrafficForecast",
    "TrainingRun",
    "UsageError",
    "UsageLog",
    "Workload",
    "apply_forecast",
    "decide",
    "default_scenario",
    "evaluate",
    "evaluate_many",
    "example_scenario",
    "forecast_traffic",
    "load_history",
    "load_profile",
    "load_samples",
    "load_scenario",
    "load_usage",
    "monte_carlo",
    "numeric_inputs",
    "parse_profile",
    "parse_samples",
    "parse_scenario",
    "parse_usage",
    "quality_evidence",
    "save_scenario",
    "screen",
    "threshold_sweep",
    "tornado",
    "vary",
]
