"""Hostile input through the real command lines (issue 21), each case a subprocess: `python -m econ ...` on
usage logs and graded samples, `python -m profiles load ...` against a misbehaving local server.

The pass rule for every case: exit 0 with finite output (no NaN or Infinity in what it prints or writes),
or exit 2 with exactly one line on stderr; never a traceback, never a hang (a timeout kills the process
group and fails), no file changed that the case did not ask for (the case's folder is snapshot before and
after, and so is profiles/data, where `profiles load` writes by default), no process left behind. Each
case also says which outcome its class must have, and a word the answer must contain.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import signal
import subprocess
import sys
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]
TIMEOUT_S = 120
USAGE_HEADER = "date,task,requests,input_tokens,output_tokens"
SAMPLES_HEADER = "source,student_correct,weight"
LOAD = ["--served-model", "m", "--input-tokens", "8", "--output-tokens", "4", "--requests", "4", "--warmup",
        "1", "--min-seconds", "0", "--timeout-s", "5", "--concurrency", "2"]
NOT_FINITE = re.compile(r"\b(nan|inf|infinity)\b", re.IGNORECASE)


def usage(*extra_rows: str, days: int = 60, requests: str = "1000", input_tokens: str = "500000",
          header: str = USAGE_HEADER, end: str = "\n", header_end: str | None = None) -> bytes:
    start = date(2026, 1, 1)
    rows = [f"{start + timedelta(d)},a,{requests},{input_tokens},100000" for d in range(days)] + list(
        extra_rows)
    return (header + (header_end or end) + end.join(rows) + end).encode()


def wide_usage() -> bytes:
    # The old 64 KiB header sniff cut this valid 50,000-column header inside "extra6658", at "extra665".
    header = USAGE_HEADER + ",p," + ",".join(f"extra{i}" for i in range(50_000))
    return (header + "\n2026-01-01,a,1,1,1," + ",".join("0" for _ in range(50_001)) + "\n").encode()


def scenario_with_evidence(samples: str) -> bytes:
    out = subprocess.run([sys.executable, "-m", "econ", "example"], capture_output=True, text=True,
                         check=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=TIMEOUT_S)
    data = json.loads(out.stdout)
    data["quality"] = {"evidence": {"path": samples, "router_threshold": None}}
    return json.dumps(data).encode()


@dataclass
class Case:
    argv: list[str]  # after `python -m`; {tmp} is the case's folder
    files: dict[str, bytes] = field(default_factory=dict)
    code: int = 2  # the outcome this class must have
    says: str = ""  # in the error line (exit 2), or in the written profile's first error (exit 0)
    writes: tuple[str, ...] = ()  # files the case asks for


ECON_CASES = {
    "usage: CR header, LF rows": Case(["econ", "screen", "u.csv", "--template",
                                       str(ROOT / "examples/template.json"), "--format", "json"],
                                       {"u.csv": usage(header_end="\r")}, code=0),
    "usage: CR header, CRLF rows": Case(["econ", "screen", "u.csv", "--template",
                                         str(ROOT / "examples/template.json")],
                                        {"u.csv": usage(header_end="\r", end="\r\n")}, code=0),
    "usage: date 9999-12-31": Case(["econ", "screen", "u.csv", "--template",
                                    str(ROOT / "examples/template.json")],
                                   {"u.csv": usage("9999-12-31,a,1,1,1")},
                                   says="line 62: date '9999-12-31' is outside"),
    "usage: date 2262-04-12": Case(["econ", "screen", "u.csv", "--template",
                                    str(ROOT / "examples/template.json")],
                                   {"u.csv": usage("2262-04-12,a,1,1,1")},
                                   says="outside 1970-01-01..2100-12-31"),
    "usage: 1e308 tokens": Case(["econ", "screen", "u.csv", "--template",
                                 str(ROOT / "examples/template.json")],
                                {"u.csv": usage(input_tokens="1e308")}, says="line 2: input_tokens"),
    "usage: 1e308 requests": Case(["econ", "screen", "u.csv", "--template",
                                   str(ROOT / "examples/template.json")],
                                  {"u.csv": usage(requests="1e308")}, says="line 2: requests"),
    "usage: 50,000-column header": Case(["econ", "screen", "u.csv", "--template",
                                         str(ROOT / "examples/template.json"), "--format", "json"],
                                        {"u.csv": wide_usage()}, code=0),
    "usage: header past the record limit": Case(
        ["econ", "screen", "u.csv", "--template", str(ROOT / "examples/template.json")],
        {"u.csv": usage(header=USAGE_HEADER + ",x" + ",y" * (5 * 2**20))}, says="a record is longer than"),
    "samples: 140 KiB header cell": Case(
        ["econ", "quality", "s.csv", "--format", "json"],
        {"s.csv": b"source,student_correct," + b"x" * 140_000 + b"\nproduction,1,a\n"},
        says="line 1: a cell is longer than 131,072 characters"),
    "samples: 1e308 weights": Case(
        ["econ", "quality", "s.csv", "--format", "json"],
        {"s.csv": f"{SAMPLES_HEADER}\nproduction,1,1e308\nproduction,0,1e308\n".encode()},
        says="line 2: weight"),
    "samples: production weights all 0": Case(
        ["econ", "quality", "s.csv", "--format", "json"],
        {"s.csv": f"{SAMPLES_HEADER}\nproduction,1,0\nproduction,0,0\nsynthetic,1,1\n".encode()},
        says="source 'production' sum to 0"),
    "samples: CR header, LF rows": Case(["econ", "quality", "s.csv", "--format", "json"],
                                        {"s.csv": b"source,student_correct\rproduction,1\nproduction,0\n"},
                                        code=0),
    "scenario evidence: 1e308 weights": Case(
        ["econ", "evaluate", "scenario.json", "--format", "json"],
        {"s.csv": f"{SAMPLES_HEADER}\nproduction,1,1e308\nproduction,0,1e308\n".encode(),
         "scenario.json": b""},
        says="weight"),
    "screen --out-dir ''": Case(["econ", "screen", str(ROOT / "examples/usage.csv"), "--template",
                                 str(ROOT / "examples/template.json"), "--out-dir", ""],
                                {"support-replies.json": b'{"keep": "me"}'},
                                says="--out-dir: no folder name given"),
    "screen --out-dir ' '": Case(["econ", "screen", str(ROOT / "examples/usage.csv"), "--template",
                                  str(ROOT / "examples/template.json"), "--out-dir", " "], says="--out-dir"),
}

LOAD_CASES = {
    "load: 307 to another address": Case(["profiles", "load", "--url", "{server}/redirect/v1", *LOAD,
                                          "--out", "p.json"], says="HTTP 307 redirect to http://127.0.0.2"),
    "load: 2 MiB SSE event": Case(["profiles", "load", "--url", "{server}/bigline/v1", *LOAD, "--out",
                                   "p.json"],
                                  code=0, says="an SSE line longer than 1,048,576 bytes", writes=("p.json",)),
    "load: gzip stream inflating to one 64 MiB line": Case(
        ["profiles", "load", "--url", "{server}/gzipline/v1", *LOAD, "--out", "p.json"], code=0,
        says="an SSE line longer than", writes=("p.json",)),
    "load: 1 GiB gzip error body": Case(["profiles", "load", "--url", "{server}/gzipbomb/v1", *LOAD,
                                         "--out", "p.json"], code=0, says="HTTP 500 from",
                                         writes=("p.json",)),
    "load: usage -1": Case(["profiles", "load", "--url", "{server}/usageneg/v1", *LOAD, "--out", "p.json"],
                           code=0, says="usage.prompt_tokens -1 is not a count", writes=("p.json",)),
    "load: usage 10^12": Case(["profiles", "load", "--url", "{server}/usagehuge/v1", *LOAD, "--out",
                               "p.json"],
                              code=0, says="usage.completion_tokens 1000000000000 is not a count",
                              writes=("p.json",)),
    "load: JSON nested 100,000 deep": Case(["profiles", "load", "--url", "{server}/deepjson/v1", *LOAD,
                                            "--out", "p.json"], code=0, says="malformed JSON",
                                            writes=("p.json",)),
    "load: probe gets a 2 MiB event": Case(["profiles", "load", "--url", "{server}/deadbigline/v1", *LOAD,
                                            "--out", "p.json"],
                                            says="the probe request failed: an SSE line longer"),
    "load: probe gets usage -1": Case(["profiles", "load", "--url", "{server}/deadusageneg/v1", *LOAD,
                                       "--out", "p.json"], says="usage.prompt_tokens -1"),
    "load: --out ''": Case(["profiles", "load", "--url", "{server}/ok/v1", *LOAD, "--out", ""],
                           says="--out: no file name given"),
}


def snapshot(*folders: Path) -> dict[str, str]:
    """Every file under the folders: path → sha256 of its bytes."""
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest()
            for folder in folders for p in sorted(folder.rglob("*")) if p.is_file()}


def no_constant(name: str):
    raise AssertionError(f"{name} in JSON output")


def run_case(case: Case, folder: Path, server: str = "") -> tuple[int, str, str]:
    for name, data in case.files.items():
        (folder / name).write_bytes(data)
    argv = [arg.replace("{server}", server) for arg in case.argv]
    before = snapshot(folder, ROOT / "profiles" / "data")
    process = subprocess.Popen([sys.executable, "-m", *argv], cwd=folder,
                               env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        out, err = process.communicate(timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        pytest.fail(f"hung past {TIMEOUT_S} s")
    try:
        os.killpg(process.pid, 0)  # anything left in the process group the command started?
    except ProcessLookupError:
        pass
    else:
        os.killpg(process.pid, signal.SIGKILL)
        pytest.fail("a process was left running")
    after = snapshot(folder, ROOT / "profiles" / "data")
    changed = {p for p in before.keys() | after.keys() if before.get(p) != after.get(p)}
    assert changed <= {str(folder / name) for name in case.writes}, f"files changed: {sorted(changed)}"
    return process.returncode, out, err


def check_rule(case: Case, code: int, out: str, err: str, folder: Path) -> None:
    assert "Traceback" not in err and "never retrieved" not in err, err
    assert code == case.code, f"exit {code}: {err[-2000:]}"
    if code == 2:
        assert len(err.strip().splitlines()) == 1 and case.says in err, err
        return
    assert not NOT_FINITE.search(out), out[-2000:]
    if out.lstrip().startswith(("{", "[")):
        json.loads(out, parse_constant=no_constant)
    for name in case.writes:
        profile = json.loads((folder / name).read_text(), parse_constant=no_constant)
        first_error = profile["points"][0]["errors"]["first"][0]
        assert case.says in first_error, first_error


@pytest.mark.parametrize("name", list(ECON_CASES))
def test_hostile_input_to_econ_is_a_clean_result_or_one_line(name, tmp_path):
    case = ECON_CASES[name]
    if "scenario.json" in case.files:
        case.files["scenario.json"] = scenario_with_evidence(str(tmp_path / "s.csv"))
    code, out, err = run_case(case, tmp_path)
    check_rule(case, code, out, err, tmp_path)


@pytest.fixture(scope="module")
def redirect_target():
    pytest.importorskip("aiohttp")  # profiles load and the fault server need it (requirements-profile.txt)
    from tests.fault_server import other_address_listener

    with other_address_listener() as (url, peers):
        yield url or "http://127.0.0.1:9", peers  # port 9 (discard) is closed here: nothing listens


@pytest.fixture(scope="module")
def server(redirect_target):
    from tests.fault_server import running_server

    with running_server(redirect_to=redirect_target[0]) as base:
        yield base


@pytest.mark.parametrize("name", list(LOAD_CASES))
def test_a_hostile_server_is_a_recorded_error_or_one_line(name, server, redirect_target, tmp_path):
    case = LOAD_CASES[name]
    code, out, err = run_case(case, tmp_path, server)
    check_rule(case, code, out, err, tmp_path)
    assert redirect_target[1] == [], "a connection reached the redirect's other address"
