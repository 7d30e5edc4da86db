"""Risk: everything that re-runs the cost chain over variants. The tornado (which inputs decide the
answer), the Monte Carlo (how likely payback is), stay / swap / distil (`decision`) and the priced router
threshold (`threshold`).

Imports every econ package below it (base .. chain); nothing above. This package's face gathers
`econ.risk.levers` (where each uncertain input lives), `econ.risk.sensitivity` (the tornado),
`econ.risk.simulation` (the Monte Carlo) and `econ.risk.words` (the answer in sentences).
"""

from econ.risk.levers import LEVERS, Lever, check_listed, merge_columns, settings_of
from econ.risk.sensitivity import Tornado, tornado, tornado_range
from econ.risk.simulation import MonteCarlo, Range, capacity_spread_sigma, monte_carlo
from econ.risk.words import (
    chance_words,
    first_year_months,
    payback_chance_words,
    period_words,
    risk_sentences,
)

__all__ = [
    "LEVERS", "Lever", "MonteCarlo", "Range", "Tornado", "capacity_spread_sigma", "chance_words",
    "check_listed", "first_year_months", "merge_columns", "monte_carlo", "payback_chance_words",
    "period_words", "risk_sentences", "settings_of", "tornado", "tornado_range",
]
