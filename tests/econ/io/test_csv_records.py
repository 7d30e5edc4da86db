"""`csv_records` and `normalize_newlines`, the helpers every new econ reader builds on (issue 21): records
read whole and bounded, line numbers as the file has them, one error type, one line."""

from __future__ import annotations

import pytest

from econ.io.csvfile import MAX_CELL_CHARS, CsvError, csv_records
from econ.io.files import decode_text, normalize_newlines


class MyError(CsvError):
    pass


def test_mixed_line_endings_become_one_kind_once():
    assert normalize_newlines("a\rb\r\nc\n") == "a\nb\nc\n"
    assert normalize_newlines(b"a\rb\r\nc\n") == b"a\nb\nc\n"
    assert decode_text(b"\xef\xbb\xbfh\r1\r\n2", "f", "f") == "h\n1\n2"


def test_records_carry_the_line_where_they_end_quoted_newlines_included():
    text = 'a,b\n1,"two\nlines"\n\n3,4\n'
    assert list(csv_records(text, "f.csv")) == [(1, ["a", "b"]), (3, ["1", "two\nlines"]), (4, []),
                                                (5, ["3", "4"])]


def test_a_record_past_the_limit_is_refused_naming_its_first_line():
    text = "a,b\n1,2\n" + "x" * 50 + "\n"
    records = csv_records(text, "f.csv", MyError, limit_chars=20)
    assert next(records) == (1, ["a", "b"]) and next(records) == (2, ["1", "2"])
    with pytest.raises(MyError, match="f.csv: line 3: a record is longer than 20 characters"):
        next(records)


def test_a_long_quoted_record_counts_all_its_lines_against_the_limit():
    text = 'h\n"' + "y\n" * 30 + '"\n'
    with pytest.raises(CsvError, match="line 2: a record is longer than 40"):
        list(csv_records(text, "f.csv", limit_chars=40))


def test_a_cell_over_the_csv_limit_is_the_readers_error_not_csv_error():
    with pytest.raises(MyError, match="line 1: a cell is longer than 131,072 characters"):
        list(csv_records("h," + "z" * (MAX_CELL_CHARS + 1) + "\n", "f.csv", MyError))


def test_only_what_is_asked_for_is_read():
    text = "h\n" + "1\n" * 10 + "x" * 100
    records = csv_records(text, "f.csv", limit_chars=50)
    # the long tail never read
    assert [next(records) for _ in range(3)] == [(1, ["h"]), (2, ["1"]), (3, ["1"])]
