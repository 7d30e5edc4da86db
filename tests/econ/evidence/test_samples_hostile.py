"""Hostile graded-samples files (issue 21): one SamplesError line naming the line, the column or the source;
never `_csv.Error`, a ZeroDivisionError, or a 0/0 rate written as NaN."""

from __future__ import annotations

import math
import warnings

import pytest

from econ.evidence.rates import quality_evidence
from econ.evidence.samples import MAX_WEIGHT, SamplesError, parse_samples


def refused(text: str) -> SamplesError:
    with pytest.raises(SamplesError) as caught:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            quality_evidence(parse_samples(text.encode(), "s.csv"))
    assert "\n" not in str(caught.value)
    return caught.value


def test_a_header_cell_over_128_kib_is_one_line_not_a_csv_error():
    error = refused("source,student_correct," + "x" * 140_000 + "\nproduction,1,a\n")
    assert error.line == 1 and "cell is longer than 131,072 characters" in str(error)


@pytest.mark.parametrize("weight", ["1e308", "1.7976931348623157e308", f"{MAX_WEIGHT * 10:g}"])
def test_weights_that_would_overflow_are_refused_naming_the_line(weight):
    error = refused(f"source,student_correct,weight\nproduction,1,1\nproduction,0,{weight}\n")
    assert error.line == 3 and error.column == "weight"


def test_a_source_whose_weights_sum_to_zero_is_an_error_naming_it():
    error = refused("source,student_correct,weight\nproduction,1,0\nproduction,0,0\nsynthetic,1,1\n")
    assert "production" in str(error) and error.column == "weight"


def test_subnormal_weights_are_refused_rather_than_underflowing():
    error = refused("source,student_correct,weight\nproduction,1,1e-320\nproduction,0,1\n")
    assert error.line == 2 and error.column == "weight"


def test_zero_weights_beside_positive_ones_in_the_same_source_are_fine():
    evidence = quality_evidence(
        parse_samples(b"source,student_correct,weight\nproduction,1,0\nproduction,0,2\n"))
    assert evidence.production.rate == 1.0 and math.isfinite(evidence.production.ci95[0])


@pytest.mark.parametrize("ending", ["\r", "\r\n"])
def test_line_endings_that_change_after_the_header_read_as_lines(ending):
    text = "source,student_correct\r" + ending.join(["production,1", "production,0", "synthetic,1"]) + "\n"
    samples = parse_samples(text.encode(), "s.csv")
    assert samples.rows == 3 and samples.source_names == ("production", "synthetic")


def test_a_bad_cell_after_mixed_line_endings_is_named_by_its_file_line():
    error = refused("source,student_correct\r" + "production,1\r\nproduction,maybe\n")
    assert error.line == 3 and error.column == "student_correct"
