"""The risk answer in words a manager reads: '7 in 10 chance of paying back within a year'.

Imports `econ.io.formats` (money) and `econ.base.units`, and takes plain numbers (never a `MonteCarlo`,
which imports this). Ranges come before points.
"""

from __future__ import annotations

from econ.base.units import MONTHS_PER_YEAR
from econ.io.formats import usd

Percentiles = tuple[float | None, float | None, float | None]  # P10, P50, P90; None = beyond the horizon

# Probabilities within this of 0 or 1 are said as "less than 1 in 100" / "more than 99 in 100".
NEAR_CERTAIN = 0.005
TENTHS = 10  # "7 in 10": the grain of the words


def chance_words(p: float) -> str:
    """0.7 → '7 in 10 chance'; near 0 or 1 → 'less than 1 in 100 chance' / 'more than 99 in 100 chance'."""
    if not 0 <= p <= 1:
        raise ValueError(f"a probability is between 0 and 1, got {p}")
    if p >= 1 - NEAR_CERTAIN:
        return "more than 99 in 100 chance"
    if p <= NEAR_CERTAIN:
        return "less than 1 in 100 chance"
    tenths = round(p * TENTHS)
    if tenths == 0:
        return "less than 1 in 10 chance"
    if tenths == TENTHS:
        return "more than 9 in 10 chance"
    return f"{tenths} in 10 chance"


def period_words(months: float) -> str:
    """12 → 'a year', 24 → '2 years', 18 → '18 months'."""
    if months == MONTHS_PER_YEAR:
        return "a year"
    if months % MONTHS_PER_YEAR == 0:
        return f"{int(months // MONTHS_PER_YEAR)} years"
    return f"{months:g} months"


def payback_chance_words(p: float, months: float) -> str:
    """'7 in 10 chance of paying back within a year'."""
    return f"{chance_words(p)} of paying back within {period_words(months)}"


def first_year_months(horizon_months: int) -> int:
    """The "within a year" of the payback odds: 12 months, or the whole horizon when it is shorter."""
    return min(MONTHS_PER_YEAR, horizon_months)


def risk_sentences(horizon_months: int, p_payback_within_year: float, p_payback_within_horizon: float,
                   p_npv_positive: float, npv_usd: Percentiles, payback_months: Percentiles) -> list[str]:
    """Ranges before points: NPV range, payback odds at a year and at the horizon, then the medians.

    `p_payback_within_year` is the chance of paying back within `first_year_months(horizon_months)`.
    """
    h = horizon_months
    out = []
    year = first_year_months(h)
    odds = payback_chance_words(p_payback_within_year, year)
    if h > year:
        odds += f"; {chance_words(p_payback_within_horizon)} within {period_words(h)}"
    out.append(odds[0].upper() + odds[1:] + ".")
    npv_p10, npv_p50, npv_p90 = npv_usd
    out.append(f"NPV over {period_words(h)} between {usd(npv_p10)} and {usd(npv_p90)} (P10–P90), "
               f"median {usd(npv_p50)}; {chance_words(p_npv_positive)} that it is positive.")
    p10, p50, p90 = payback_months
    if p10 is None:
        out.append(f"Payback is beyond {period_words(h)} in most draws.")
    else:
        high = f"{p90:.1f} months" if p90 is not None else f"beyond {period_words(h)}"
        mid = f"{p50:.1f} months" if p50 is not None else f"beyond {period_words(h)}"
        out.append(f"Payback between {p10:.1f} months and {high} (P10–P90), median {mid}.")
    return out


def failure_sentence(p_fails: float, source: str) -> str:
    """'2 in 10 chance that the student never reaches the quality bar (stated prior): ...'."""
    whence = ("measured: graded samples, student vs teacher error rate" if source == "evidence"
              else "stated prior: “Chance the student never reaches the quality bar”")
    text = chance_words(p_fails)
    return (f"{text[0].upper()}{text[1:]} that the student never reaches the quality bar ({whence}); "
            "those draws pay the upfront spend and stay on the teacher.")
