"""Every econ reader of a user-named file refuses what is not a small regular JSON/CSV file, in one line.

The fuzz of issue 10 found tracebacks, unbounded reads and hangs for a directory, "", ".", /dev/zero, a
named pipe and an over-long name, in every reader (scenario, the profile paths inside it, load_profile,
the history CSV, shipped data files), and RecursionError for JSON nested 1,000 levels deep. Real files
and real devices throughout; the pipe case runs in a subprocess with a timeout, so a hang fails the test.
"""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from app_support import profile_dict

import econ
from econ.io.files import validated_json
from econ.model.examples import EXAMPLE_SCENARIO
from econ.model.prices import GpuPriceTable
from econ.traffic.forecast import HistoryError, load_history

ROOT = Path(__file__).resolve().parents[3]
LONG_NAME = "x" * 300  # over the 255-byte limit of a file name
DEEP = 1_000  # the fuzz's nesting depth


def bad_paths(tmp_path: Path) -> dict[str, str]:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    return {"empty": "", "dot": ".", "folder": str(tmp_path), "device": "/dev/zero", "pipe": str(fifo),
            "long name": str(tmp_path / LONG_NAME), "missing": str(tmp_path / "missing.json")}


def one_line(exc: BaseException) -> str:
    text = str(exc)
    assert "\n" not in text and "Traceback" not in text and text
    return text


def scenario_with_student_profile(ref: str) -> dict:
    data = copy.deepcopy(EXAMPLE_SCENARIO)
    data["student"].pop("requests_per_s_per_replica")
    data["student"]["profile"] = ref
    return data


READERS = {
    "load_scenario": (econ.load_scenario, econ.ScenarioError),
    "load_profile": (econ.load_profile, econ.ProfileError),
    "load_history": (load_history, HistoryError),
    "validated_json": (lambda p: validated_json(p, GpuPriceTable), ValueError),
}


@pytest.mark.parametrize("reader", list(READERS))
@pytest.mark.parametrize("case", ["empty", "dot", "folder", "device", "long name", "missing"])
def test_every_reader_refuses_what_is_not_a_regular_file_in_one_line(tmp_path, reader, case):
    read, error = READERS[reader]
    with pytest.raises(error) as caught:
        read(bad_paths(tmp_path)[case])
    one_line(caught.value)


@pytest.mark.parametrize("reader", list(READERS))
def test_a_named_pipe_is_refused_without_hanging(tmp_path, reader):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    call = {"load_scenario": "econ.load_scenario", "load_profile": "econ.load_profile",
            "load_history": "econ.load_history",
            "validated_json": "lambda p: econ.io.files.validated_json(p, econ.model.prices.GpuPriceTable)"}[
                reader]
    code = (f"import econ, econ.io.files, econ.model.prices\nread = {call}\n"
            f"try:\n    read({str(fifo)!r})\nexcept ValueError as exc:\n    print('refused:', exc)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and out.stdout.startswith("refused:") and "regular file" in out.stdout


@pytest.mark.parametrize("case", ["empty", "dot", "folder", "device", "long name", "missing"])
def test_a_profile_path_inside_a_scenario_names_the_field(tmp_path, case):
    ref = bad_paths(tmp_path)[case]
    try:
        scenario = econ.parse_scenario(scenario_with_student_profile(ref))
    except econ.ScenarioError as exc:  # "" is refused by validation already
        assert "student.profile" in one_line(exc)
        return
    with pytest.raises(ValueError) as caught:
        econ.evaluate(scenario)
    assert one_line(caught.value).startswith("student.profile")


def test_the_cli_refuses_a_folder_and_a_device_in_one_line(tmp_path):
    for path in (str(tmp_path), "/dev/zero", ""):
        out = subprocess.run([sys.executable, "-m", "econ", "evaluate", path], capture_output=True, text=True,
                             cwd=ROOT, timeout=60)
        assert out.returncode == 2 and out.stderr.count("\n") == 1 and "Traceback" not in out.stderr


def test_an_oversized_file_is_refused_before_it_is_read(tmp_path):
    big = tmp_path / "big.json"
    with open(big, "wb") as f:
        f.truncate(2**40)  # a sparse terabyte: reading it would take hours and all the memory
    with pytest.raises(econ.ScenarioError, match="larger than"):
        econ.load_scenario(big)
    with pytest.raises(econ.ProfileError, match="larger than"):
        econ.load_profile(big)


def test_a_file_that_reports_no_size_is_still_read_no_further_than_its_limit(monkeypatch):
    from econ.io import files

    read_sizes = []
    real_read = os.read
    monkeypatch.setattr(files.os, "read", lambda fd, n: read_sizes.append(n) or real_read(fd, n))
    # /proc files are regular files that report size 0 whatever their content.
    with pytest.raises(ValueError, match="larger than 10 bytes"):
        files.read_bounded_bytes("/proc/self/maps", 10, "maps")
    assert sum(read_sizes) <= 11


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize("depth", [DEEP, 100_000])
def test_deeply_nested_json_is_refused_cleanly_by_every_parser(tmp_path, depth):
    text = '{"name": ' + nested(depth) + "}"
    with pytest.raises(econ.ScenarioError, match="nested deeper") as caught:
        econ.parse_scenario(text)
    one_line(caught.value)
    with pytest.raises(econ.ProfileError, match="nested deeper"):
        econ.parse_profile(text)
    path = tmp_path / "deep.json"
    path.write_text(text)
    with pytest.raises(ValueError, match="nested deeper"):
        validated_json(path, GpuPriceTable)


def test_a_repeated_key_is_refused_naming_the_key():
    text = json.dumps(profile_dict()).replace('"provenance": "measured"',
                                              '"provenance": "measured", "provenance": "estimated"')
    with pytest.raises(econ.ProfileError, match="'provenance' appears twice"):
        econ.parse_profile(text)
    with pytest.raises(econ.ScenarioError, match="'name' appears twice"):
        econ.parse_scenario('{"name": "a", "name": "b"}')


def test_nan_and_infinity_are_not_json_numbers():
    with pytest.raises(econ.ScenarioError, match="NaN is not a JSON number"):
        econ.parse_scenario('{"traffic": {"requests_per_day": NaN}}')


def test_a_scenario_file_has_a_size_limit():
    from econ.model.scenario_files import MAX_SCENARIO_BYTES

    with pytest.raises(econ.ScenarioError, match="larger than"):
        econ.parse_scenario(" " * (MAX_SCENARIO_BYTES + 1))
