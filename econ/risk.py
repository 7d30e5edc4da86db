"""Risk: the tornado (which inputs decide the answer) and the Monte Carlo (how likely payback is).

Imports the `econ` risk modules only; this is the one place that gathers them:
`econ.levers` (where each uncertain input lives), `econ.sensitivity` (the tornado),
`econ.simulation` (the Monte Carlo) and `econ.words` (the answer in sentences).
"""

from econ.levers import LEVERS, Lever, check_listed, merge_columns, settings_of
from econ.sensitivity import Tornado, tornado, tornado_range
from econ.simulation import MonteCarlo, Range, capacity_spread_sigma, monte_carlo
from econ.words import (
    chance_words,
    first_year_months,
    payback_chance_words,
    period_words,
    risk_sentences,
)

__all__ = [
    "LEVERS", "Lever", "MonteCarlo", "Range", "Tornado", "capacity_spread_sigma", "chance_words",
    "check_listed", "first_year_months", "merge_columns", "monte_carlo", "payback_chance_words", "period_words", "risk_sentences",
    "settings_of", "tornado", "tornado_range",
]
