"""Reading a graded-samples CSV: every bad input is one line naming the file line and the column."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from econ.evidence.samples import MAX_SAMPLES_BYTES, SamplesError, load_samples, parse_samples

HEAD = "source,student_correct,teacher_correct,student_confidence,weight\n"


@pytest.mark.parametrize(("text", "message"), [
    (HEAD + "production,1,1,0.5,1\nproduction,maybe,1,0.5,1\n",
     "line 3: student_correct 'maybe' is not 0/1 or true/false"),
    (HEAD + "production,1,2,0.5,1\n", "line 2: teacher_correct '2' is not 0/1 or true/false"),
    (HEAD + "production,1,1,1.5,1\n", "line 2: student_confidence '1.5' is not a confidence in [0, 1]"),
    (HEAD + "production,1,1,-0.1,1\n", "line 2: student_confidence '-0.1' is not a confidence in [0, 1]"),
    (HEAD + "production,1,1,high,1\n", "line 2: student_confidence 'high' is not a confidence in [0, 1]"),
    (HEAD + "production,1,1,nan,1\n", "line 2: student_confidence 'nan' is not a confidence in [0, 1]"),
    (HEAD + "production,1,1,0.5,-1\n", "line 2: weight '-1' is not a weight ≥ 0"),
    (HEAD + "production,1,1,,1\n", "line 2: student_confidence is empty (every row needs a value)"),
    (HEAD + ",1,1,0.5,1\n", "line 2: source is empty (every row needs a value)"),
    ("source,teacher_correct\nproduction,1\n", "line 1: the header must be 'source,student_correct'"),
    ("", "line 1: empty file"),
    (HEAD, "line 2: no graded rows after the header"),
    ("source,student_correct\nproduction,1,extra\n",
     "line 2: expected 2 columns (source,student_correct), got 3"),
    ("source,student_correct,Source\nproduction,1,x\n", "line 1: the header must be"),
    (HEAD + "production,1,1,0.5,0\n", "weight: the weights sum to 0"),
])
def test_bad_input_names_line_and_column(text, message):
    with pytest.raises(SamplesError) as err:
        parse_samples(text, origin="s.csv")
    assert str(err.value).startswith("s.csv: ")
    assert message in str(err.value)
    tail = message.split(": ", 1)[-1] if message.startswith("line") else message
    column = next((c for c in ("student_correct", "teacher_correct", "student_confidence", "weight", "source")
                   if tail.startswith(c)), None)
    assert err.value.column == column  # the app places the message by this field, not by the text
    assert "\n" not in str(err.value)


def test_line_numbers_count_blank_lines_and_quoted_newlines():
    text = ("source,student_correct,note\nproduction,1,a\n\n"
            "synthetic,0,\"two\nlines\"\nproduction,yes,b\n")
    with pytest.raises(SamplesError, match="line 6: student_correct 'yes'"):
        parse_samples(text)


def test_labels_and_flags_are_read_the_way_people_write_them():
    s = parse_samples("Source,Student_Correct,Extra\n Production ,TRUE,x\nsynthetic, false ,y\n\n")
    assert s.source_names == ("production", "synthetic")
    assert s.student_correct.tolist() == [True, False]
    assert s.ignored_columns == ("extra",) and not s.weighted
    assert np.array_equal(s.weight, [1.0, 1.0])


def test_the_fast_and_the_strict_reader_agree():
    # " 0.5" (a space) sends the table to the strict reader; the values must match the typed read.
    typed = parse_samples(HEAD + "production,1,0,0.5,2\nsynthetic,0,1,0.25,1\n")
    spaced = parse_samples(HEAD + "production,1,0, 0.5,2\nsynthetic,0,1,0.25,1\n")
    for field in ("source_code", "student_correct", "teacher_correct", "confidence", "weight"):
        assert np.array_equal(getattr(typed, field), getattr(spaced, field)), field
    assert typed.source_names == spaced.source_names


def test_a_file_over_50_mib_is_refused_before_it_is_read(tmp_path):
    big = tmp_path / "big.csv"
    with big.open("wb") as f:
        f.truncate(MAX_SAMPLES_BYTES + 1)  # sparse: no 50 MiB written to disk
    with pytest.raises(SamplesError, match=r"big.csv: file is larger than 50 MiB"):
        load_samples(big)
    with pytest.raises(SamplesError, match="over the 50 MiB limit"):
        parse_samples(b"x" * (MAX_SAMPLES_BYTES + 1))


def test_not_utf8_and_missing_files_are_one_line(tmp_path):
    with pytest.raises(SamplesError, match="not UTF-8"):
        parse_samples(b"source,student_correct\n\xff,1\n")
    with pytest.raises(SamplesError, match="missing.csv: cannot read"):
        load_samples(tmp_path / "missing.csv")
    with pytest.raises(SamplesError, match="is a folder"):
        load_samples(tmp_path)


def test_the_shared_csv_reader_ignores_unknown_columns_only_when_asked():
    from econ.io.csvfile import CsvError, CsvRules, parse_csv

    text = "source,student_correct,request_id\nproduction,1,r1\n"
    table = parse_csv(text, "s.csv", ("source", "student_correct"), rules=CsvRules(ignore_unknown=True))
    assert table.columns == ("source", "student_correct",
                             "request_id") and table.rows[0].cells["request_id"] == "r1"
    with pytest.raises(CsvError, match="unknown column 'request_id'"):
        parse_csv(text, "s.csv", ("source", "student_correct"))


@settings(max_examples=80, deadline=None)
@given(st.lists(st.sampled_from(["production,1", "", " , ", "synthetic,0", '"multi\nline",1']), min_size=1,
                max_size=12), st.integers(0, 11), st.sampled_from(["\n", "\r\n"]))
def test_the_bad_cell_is_named_at_the_line_the_shared_csv_reader_gives(rows, where, newline):
    from econ.io.csvfile import parse_csv

    good = [r for r in rows if r.replace(",", "").strip()]
    if not good:
        return
    k = where % len(good)
    marked, seen = [], 0
    for r in rows:
        if r.replace(",", "").strip():
            r = "production,maybe" if seen == k else r
            seen += 1
        marked.append(r)
    text = newline.join(["source,student_correct", *marked]) + newline
    expected = parse_csv(text, "s", ("source", "student_correct")).rows[k].line
    with pytest.raises(SamplesError) as err:
        parse_samples(text, origin="s")
    assert err.value.line == expected
