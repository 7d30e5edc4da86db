"""Plausibility bands: values that pass validation but are probably a typo or a misunderstanding. ONE table.

Imports `econ.base.units`, `econ.io.formats` (the IRR limit), `econ.model.scenario`, `econ.model.labels` and
the standard library only. Every message names its field by the sidebar's words, never a JSON path. The
hard limits (`econ.base.types`, the
models' bounds) refuse what cannot be; these bands only *warn*, naming the field and what was probably
meant ("8 = +800% a month; did you mean 0.08?"). Input bands read the scenario; output bands read the
headline numbers by name (`econ.chain.evaluate.HEADLINE`), so a headline beyond a band says so beside it.
`econ evaluate`, the app's sidebar (beside the field) and its first screen show them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from econ.base.units import DAYS_PER_MONTH
from econ.io.formats import IRR_SHOWN_LIMIT
from econ.model.labels import field_name
from econ.model.scenario import ApiServing, Scenario, SelfHostedServing

PERCENT = 100.0


@dataclass(frozen=True)
class Flag:
    """One implausible value: the field(s) it shows beside and the sentence that says what was probably
    meant."""

    fields: tuple[str, ...]
    message: str

    def to_dict(self) -> dict:
        return {"fields": list(self.fields), "message": self.message}


@dataclass(frozen=True)
class Band:
    """A field's plausible side of a limit: `value` reads it (None: does not apply), above `limit` is
    flagged."""

    field: str
    value: Callable[[Scenario], float | None]
    limit: float
    says: Callable[[float], str]  # the sentence for a flagged value


def _side(name: str, field: str) -> Callable[[Scenario], float | None]:
    def read(s: Scenario) -> float | None:
        side = getattr(s, name)
        return getattr(side, field) if isinstance(side, SelfHostedServing) else None
    return read


def _price_ratio(s: Scenario) -> float | None:
    """Student over teacher list price per output token, both APIs (self-hosted is compared on the result)."""
    t, st = s.teacher, s.student
    if not (isinstance(t, ApiServing) and isinstance(st, ApiServing)) or t.output_usd_per_mtok <= 0:
        return None
    return max(st.output_usd_per_mtok / t.output_usd_per_mtok,
               st.input_usd_per_mtok / t.input_usd_per_mtok if t.input_usd_per_mtok > 0 else 0.0)


def end_requests_per_day(s: Scenario) -> float:
    """Requests/day in the horizon's last month before seasonality: month-1 volume × (1 + growth)^(months −
    1)."""
    t = s.traffic
    if t.monthly_requests is not None:
        return max(t.monthly_requests[: s.horizon_months]) / DAYS_PER_MONTH
    return t.requests_per_day * (1 + t.monthly_growth) ** (s.horizon_months - 1)


def capital(text: str) -> str:
    """The sentence with its first letter in capitals ('the student's …' → 'The student's …')."""
    return text[:1].upper() + text[1:]


def _growth_says(v: float) -> str:
    return (f"Growth of {v:g} in {field_name('traffic.monthly_growth')} is {v:+.0%} a month, compounded over "
            f"the horizon; did you mean {v / PERCENT:g} ({v / PERCENT:+.0%} a month)? Growth is a fraction: "
            "0.08 = +8% a month.")


def _utilization_says(side: str) -> Callable[[float], str]:
    return lambda v: (f"{capital(field_name(f'{side}.target_utilization'))} is {v:.0%}: no headroom for "
                      "bursts or a lost replica, so the SLO breaks at the first spike. 0.6–0.85 is usual; "
                      "did you mean 0.85?")


INPUT_BANDS: tuple[Band, ...] = (
    # Above 50% a month is 130× a year: a product launch, not a forecast to plan a fleet on.
    Band("traffic.monthly_growth", lambda s: s.traffic.monthly_growth, 0.5, _growth_says),
    Band("student.target_utilization", _side("student", "target_utilization"), 0.95,
         _utilization_says("student")),
    Band("teacher.target_utilization", _side("teacher", "target_utilization"), 0.95,
         _utilization_says("teacher")),
    Band("student.output_usd_per_mtok", _price_ratio, 1.0, lambda v: (
        f"The student's API price ({field_name('student.input_usd_per_mtok')}, "
        f"{field_name('student.output_usd_per_mtok')}) is {v:.1f}× the teacher's per token: a distilled "
        "student is meant to be cheaper, so distilling cannot pay. Did you swap the teacher's and the "
        "student's prices?")),
    # 10^9 requests a day is the scale of the largest consumer assistants; one task past it is a typo.
    Band("traffic.requests_per_day", end_requests_per_day, 1e9, lambda v: (
        f"Traffic reaches {v:,.3g} requests/day by the horizon's end, beyond 10^9 (the largest consumer "
        f"assistants): check {field_name('traffic.requests_per_day')} and "
        f"{field_name('traffic.monthly_growth')} (0.08 = +8% a month).")),
)

# Headline numbers (econ.chain.evaluate.HEADLINE names) past which the number itself needs a word beside it.
OUTPUT_BANDS: tuple[Band, ...] = (
    Band("irr_annual", lambda h: h.get("irr_annual"), IRR_SHOWN_LIMIT, lambda v: (
        "IRR above 1,000% a year: the upfront spend is small next to the monthly savings, so the rate says "
        "little; read payback and NPV instead.")),
    Band("npv_usd", lambda h: abs(h["npv_usd"]) if h.get("npv_usd") is not None else None, 1e10, lambda v: (
        "NPV beyond $10B for one task: check the traffic, its growth and the prices for a typo.")),
)


def _flags(bands: tuple[Band, ...], subject) -> list[Flag]:
    out = []
    for band in bands:
        value = band.value(subject)
        if value is not None and value > band.limit:
            out.append(Flag((band.field,), band.says(value)))
    return out


def error_cost_flags(s: Scenario) -> list[Flag]:
    """An error cost with both error rates at 0 prices nothing: said beside the cost and the rates."""
    q = s.quality
    if q.usd_per_error_value > 0 and q.evidence is None and q.student_error_rate == 0 == q.teacher_error_rate:
        return [Flag(("quality.usd_per_error", "quality.student_error_rate", "quality.teacher_error_rate"), (
            f"A wrong answer costs ${q.usd_per_error_value:g} ({field_name('quality.usd_per_error')}), but "
            f"{field_name('quality.teacher_error_rate')} and {field_name('quality.student_error_rate')} are "
            "both 0, so errors add nothing: give the error rates, or grade samples on the Quality page."))]
    return []


def input_flags(s: Scenario) -> list[Flag]:
    """Every input band the scenario is beyond, and an error cost that prices nothing."""
    return _flags(INPUT_BANDS, s) + error_cost_flags(s)


def output_flags(headline: dict[str, float | None]) -> list[Flag]:
    """Every headline number beyond its band (the field is the headline's name)."""
    return _flags(OUTPUT_BANDS, headline)
