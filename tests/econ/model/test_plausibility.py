"""Plausibility bands: a value that passes validation but is probably a typo gets a warning naming the field
and what was probably meant; the shipped scenarios raise none; outputs past readable sizes stay readable."""

from __future__ import annotations

import pytest
from builders import scenario

import econ
from econ.io.formats import irr, usd
from econ.model.plausibility import end_requests_per_day, input_flags, output_flags


def fields(s) -> list[tuple[str, ...]]:
    return [f.fields for f in input_flags(s)]


def test_the_shipped_scenarios_raise_no_flag():
    assert input_flags(econ.default_scenario()) == []
    assert input_flags(scenario()) == []


def test_growth_typed_as_a_percent_says_what_was_probably_meant():
    (flag, *_) = input_flags(scenario(traffic__monthly_growth=8.0))
    assert flag.fields == ("traffic.monthly_growth",)
    assert flag.message.startswith(
        "Growth of 8 in “Compound growth of traffic per month” is +800% a month")
    assert "did you mean 0.08" in flag.message
    assert fields(scenario(traffic__monthly_growth=0.5)) == []  # the band's edge is still plausible
    assert ("traffic.monthly_growth",) in fields(scenario(traffic__monthly_growth=0.51))


def test_utilization_above_95_percent_is_flagged_on_its_side():
    s = scenario(student__target_utilization=0.96)
    assert fields(s) == [("student.target_utilization",)]
    assert input_flags(s)[0].message.startswith(
        "The student's “Share of capacity the fleet is planned to use at peak” is 96%:")
    assert fields(scenario(student__target_utilization=0.95)) == []


def test_a_student_priced_above_the_teacher_per_token_is_flagged():
    student = {"kind": "api", "input_usd_per_mtok": 3.0, "output_usd_per_mtok": 30.0}  # teacher: $3 / $15
    (flag,) = input_flags(scenario(student=student))
    assert flag.fields == ("student.output_usd_per_mtok",) and "2.0× the teacher's" in flag.message


def test_traffic_beyond_a_billion_requests_a_day_by_the_horizons_end():
    # 1,000,000/day × 1.3^23 = 417M/day: plausible; × 1.45^23 = 5.1G/day: flagged.
    assert end_requests_per_day(scenario(traffic__requests_per_day=1e6, traffic__monthly_growth=0.3)) == \
        pytest.approx(1e6 * 1.3**23)
    assert fields(scenario(traffic__requests_per_day=1e6, traffic__monthly_growth=0.3)) == []
    assert fields(scenario(traffic__requests_per_day=1e6, traffic__monthly_growth=0.45)) == [
        ("traffic.requests_per_day",)]


def test_an_error_cost_with_both_error_rates_at_zero_is_flagged_beside_each_field():
    (flag,) = input_flags(scenario(quality__usd_per_error=0.5))
    assert flag.fields == ("quality.usd_per_error", "quality.student_error_rate",
                           "quality.teacher_error_rate")
    assert "both 0, so errors add nothing" in flag.message
    assert input_flags(scenario(quality__usd_per_error=0.5, quality__student_error_rate=0.02)) == []


def test_outputs_past_readable_sizes_stay_readable():
    # The "$110631917702153536.0B" = 1.106e26 USD = 1.106e14 trillions: grouped, never in exponent
    # form.
    assert usd(110631917702153536.0e9) == "$110,631,917,702,154T"
    assert usd(2.5e12) == "$2.5T" and usd(-3.4e9) == "-$3.4B" and usd(12_300) == "$12.3k"
    assert irr(119.71) == "> 1,000%" and irr(4.03) == "403%" and irr(None) == "n/a"
    assert [f.fields for f in output_flags({"irr_annual": 119.71, "npv_usd": 6.9e5})] == [("irr_annual",)]
    assert [f.fields for f in output_flags({"irr_annual": None, "npv_usd": -2e10})] == [("npv_usd",)]
