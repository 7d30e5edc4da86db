"""Every econ reader of a user's file, fed random bytes, truncated files and mangled files (issue 21): the
answer is a clean result (finite where it must be) or the reader's own error type with a one-line message.
Nothing else: no `_csv.Error`, `OverflowError`, `ZeroDivisionError`, pandas error or RuntimeWarning.

A new reader (Parquet, JSON lines, traces, imported benchmark files) joins READERS with a valid seed file.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from econ.evidence.rates import quality_evidence
from econ.evidence.samples import SamplesError, parse_samples
from econ.model.examples import EXAMPLE_SCENARIO
from econ.model.profile import ProfileError, parse_profile
from econ.model.scenario_files import ScenarioError, parse_scenario
from econ.traffic.forecast import HistoryError, parse_history
from econ.traffic.usage import UsageError, parse_usage

ROOT = Path(__file__).resolve().parents[3]
SEED_BYTES = 4000  # the head of each seed file: enough rows for every shape, small enough to mangle fast


def _head(path: Path) -> bytes:
    data = path.read_bytes()[:SEED_BYTES]
    return data[:data.rfind(b"\n") + 1]


def _history() -> bytes:
    start = date(2026, 1, 1)
    return ("date,requests\n" + "".join(f"{start + timedelta(d)},{1000 + d}\n" for d in range(70))).encode()


def _usage_clean(log) -> None:
    assert np.isfinite(log.daily[["requests", "input_tokens", "output_tokens"]].to_numpy()).all()


def _samples_clean(evidence) -> None:
    assert np.isfinite(evidence.to_frame()[["error_rate", "ci95_low", "ci95_high"]].to_numpy()).all()


@dataclass(frozen=True)
class Reader:
    read: Callable[[bytes], object]
    error: type[Exception]
    seed: bytes
    clean: Callable[[object], None] = lambda result: None


READERS = {
    "usage": Reader(lambda b: parse_usage(b, "u.csv"), UsageError, _head(ROOT / "examples/usage.csv"),
                    _usage_clean),
    "graded samples": Reader(lambda b: quality_evidence(parse_samples(b, "s.csv")), SamplesError,
                             _head(ROOT / "examples/quality_samples.csv"), _samples_clean),
    "history": Reader(lambda b: parse_history(b, "h.csv"), HistoryError, _history()),
    "scenario": Reader(lambda b: parse_scenario(b, "s.json"), ScenarioError,
                       json.dumps(EXAMPLE_SCENARIO).encode()),
    "profile": Reader(lambda b: parse_profile(b, "p.json"), ProfileError,
                      (ROOT / "profiles/data/cpu-tiny-student.json").read_bytes()),
}
HOSTILE_PIECES = [b"\r", b"\n", b"\r\n", b",", b'"', b"\x00", b"\xff", b"1e308", b"-1", b"nan", b"9999-12-31",
                  b"2262-04-12", b"{", b"[" * 50, b"\xef\xbb\xbf", b" " * 3]


def check(reader: Reader, data: bytes) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        try:
            result = reader.read(data)
        except reader.error as exc:
            assert "\n" not in str(exc) and str(exc).strip(), repr(str(exc))
            return
    reader.clean(result)


@st.composite
def mangled(draw, seed: bytes) -> bytes:
    """The seed with a few slices replaced by random or hostile bytes."""
    data = bytearray(seed)
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(data)))
        cut = draw(st.integers(0, 20))
        piece = draw(st.one_of(st.binary(max_size=20), st.sampled_from(HOSTILE_PIECES)))
        data[at:at + cut] = piece
    return bytes(data)


PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize("name", list(READERS))
@PROPERTY
@given(data=st.binary(max_size=3000))
def test_random_bytes_are_a_result_or_one_line_of_the_readers_error(name, data):
    check(READERS[name], data)


@pytest.mark.parametrize("name", list(READERS))
@PROPERTY
@given(fraction=st.floats(0, 1))
def test_a_truncated_file_is_a_result_or_one_line_of_the_readers_error(name, fraction):
    seed = READERS[name].seed
    check(READERS[name], seed[:int(len(seed) * fraction)])


@pytest.mark.parametrize("name", list(READERS))
@PROPERTY
@given(st.data())
def test_a_mangled_file_is_a_result_or_one_line_of_the_readers_error(name, data):
    check(READERS[name], data.draw(mangled(READERS[name].seed)))


@pytest.mark.parametrize("name", list(READERS))
def test_every_seed_reads_cleanly(name):
    reader = READERS[name]
    reader.clean(reader.read(reader.seed))
