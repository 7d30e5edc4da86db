"""Saving a scenario under concurrency and SIGKILL, Ctrl-C while `python -m econ` starts, and what the app
exposes: uploaded scenarios reach stored profiles only, the server binds to this machine, no start-up call
out.
"""

from __future__ import annotations

import copy
import json
import os
import signal
import subprocess
import sys
import threading
import time
import tomllib
from pathlib import Path

import pytest
from app_support import profile_dict
from start_up import full_pipe, not_import_lines, wait_until_imported

import econ
from econ.model.examples import EXAMPLE_SCENARIO
from ui import uploads

ROOT = Path(__file__).resolve().parents[2]
SAVERS = 8
SAVES_EACH = 25


def test_concurrent_saves_never_fail_and_leave_a_valid_file(tmp_path):
    target = tmp_path / "s.json"
    scenarios = [econ.parse_scenario({**EXAMPLE_SCENARIO, "name": f"saver {i}"}) for i in range(SAVERS)]
    errors: list[BaseException] = []

    def save_many(scenario):
        try:
            for _ in range(SAVES_EACH):
                econ.save_scenario(scenario, target)
        except BaseException as exc:  # noqa: BLE001 (collected and asserted below)
            errors.append(exc)

    threads = [threading.Thread(target=save_many, args=(s,)) for s in scenarios]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert econ.load_scenario(target).name.startswith("saver ")
    assert [p.name for p in tmp_path.iterdir()] == ["s.json"]


def test_a_killed_save_loses_nothing_and_the_next_save_clears_its_temporary_file(tmp_path):
    target = tmp_path / "s.json"
    econ.save_scenario(econ.example_scenario(), target)
    before = target.read_bytes()
    # A saver that writes big scenarios in a loop, killed mid-stream.
    code = ("import econ, sys\nfrom econ.model.examples import EXAMPLE_SCENARIO\n"
            "s = econ.parse_scenario({**EXAMPLE_SCENARIO, 'description': 'x' * 5000})\n"
            "print('ready', flush=True)\nwhile True:\n    econ.save_scenario(s, sys.argv[1])\n")
    for delay_s in (0.05, 0.2, 0.5):
        proc = subprocess.Popen([sys.executable, "-c", code, str(target)], stdout=subprocess.PIPE, text=True)
        assert proc.stdout.readline().strip() == "ready"
        time.sleep(delay_s)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        proc.stdout.close()
        json.loads(target.read_text())  # whole, never half-written
    assert len(target.read_bytes()) >= len(before)
    econ.save_scenario(econ.example_scenario(), target)
    assert [p.name for p in tmp_path.iterdir()] == ["s.json"]  # stale temporary files of dead savers removed


def test_saving_over_a_folder_or_a_device_is_refused(tmp_path):
    for target in (tmp_path, Path("/dev/null")):
        with pytest.raises(econ.ScenarioError, match="not a regular file"):
            econ.save_scenario(econ.example_scenario(), target)


# (the module whose import ends the phase, the phase): econ's SIGINT handler goes in first (econ._startup),
# then numpy, pandas and pydantic load for about a second; after econ.cli.main the command runs.
START_UP_PHASES = [
    pytest.param("econ._startup", id="while-numpy-pandas-and-pydantic-load"),
    pytest.param("econ.cli.main", id="while-the-command-runs"),
]


@pytest.mark.parametrize("imported", START_UP_PHASES)
def test_ctrl_c_ends_python_m_econ_quietly_with_exit_130(imported):
    path = ROOT / "econ" / "data" / "default_scenario.json"
    read_end, write_end = full_pipe()  # its output cannot be written: the command cannot finish first
    proc = subprocess.Popen([sys.executable, "-X", "importtime", "-m", "econ", "risk", str(path)],
                            stdout=write_end, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    os.close(write_end)
    try:
        wait_until_imported(proc, imported)
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=120)
    finally:
        os.close(read_end)
    assert proc.returncode == 130, "\n".join(not_import_lines(stderr))
    assert not_import_lines(stderr) == []  # quiet: no traceback, no KeyboardInterrupt, no message


def uploaded(student: dict) -> bytes:
    data = copy.deepcopy(EXAMPLE_SCENARIO)
    data["student"] = student
    return json.dumps(data).encode()


def self_hosted(profile) -> dict:
    return {"kind": "self_hosted", "gpu_usd_per_hour": 2.0, "profile": profile, "slo": {"tpot_ms_p99": 30}}


@pytest.mark.parametrize("ref", ["/etc/passwd", "/etc/does-not-exist", "../../etc/passwd", "/dev/zero", "."])
def test_an_uploaded_scenario_cannot_name_a_server_path(tmp_path, ref):
    (tmp_path / "stored.json").write_text(json.dumps(profile_dict()))
    with pytest.raises(econ.ScenarioError) as caught:
        uploads.parse_uploaded_scenario("u.json", uploaded(self_hosted(ref)), store=tmp_path)
    message = str(caught.value)
    # One message whatever is at that path: it says neither whether the file exists nor its format.
    assert message == ("u.json: student.profile: an uploaded scenario may name only a profile in the profile "
                       "store (profiles/data/: stored.json) or embed the profile itself")


def test_an_uploaded_scenario_may_use_a_stored_name_its_stored_path_or_an_embedded_profile(tmp_path):
    (tmp_path / "stored.json").write_text(json.dumps(profile_dict()))
    for ref in ("stored.json", str(tmp_path / "stored.json"), profile_dict()):
        scenario, evaluation = uploads.parse_uploaded_scenario("u.json", uploaded(self_hosted(ref)),
                                                               store=tmp_path)
        assert evaluation.student_capacity.point.batch_size == 16  # p99 TPOT 19.2 ms ≤ 30 < 36 ms at batch 32


def test_the_app_binds_to_this_machine_and_makes_no_start_up_network_call():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["address"] == "127.0.0.1"
    # With browser.serverAddress set, Streamlit prints that URL and never looks up the external IP.
    assert config["browser"]["serverAddress"] == "localhost"
    assert config["browser"]["gatherUsageStats"] is False
    makefile = (ROOT / "Makefile").read_text()
    assert "ADDRESS ?= 127.0.0.1" in makefile and "--server.address $(ADDRESS)" in makefile


def test_streamlit_start_up_calls_nothing_outside(tmp_path):
    """Start the real server with every socket connect outside loopback recorded; stop it once it serves."""
    probe = tmp_path / "sitecustomize.py"
    log = tmp_path / "connects.log"
    probe.write_text(
        "import socket\n_real = socket.socket.connect\n"
        "def connect(self, address):\n"
        f"    open({str(log)!r}, 'a').write(repr(address) + '\\n')\n"
        "    return _real(self, address)\nsocket.socket.connect = connect\n")
    env = {**os.environ, "PYTHONPATH": f"{tmp_path}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    port = "8765"
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", port],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        lines = []
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            lines.append(line)
            if "URL:" in line or not line:
                break
        assert any(f"http://localhost:{port}" in line for line in lines), "".join(lines)
        assert not any("External URL" in line or "Network URL" in line for line in lines)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
        proc.stdout.close()
    connects = log.read_text().splitlines() if log.exists() else []
    assert [c for c in connects if "127.0.0.1" not in c and "localhost" not in c and "::1" not in c] == []


def test_the_scenarios_page_refuses_a_server_path_beside_the_uploader():
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    at.switch_page("ui/pages/scenarios.py").run()
    at.file_uploader(key="scenarios.upload").set_value(
        ("evil.json", uploaded(self_hosted("/etc/passwd")), "application/json")).run()
    assert not at.exception
    refused = [e.value for e in at.error if e.value.startswith("Not loaded")]
    assert len(refused) == 1 and "may name only a profile in the profile store" in refused[0]
    assert "passwd" not in refused[0].split("store")[1]  # nothing about the file itself


def test_a_scenario_with_a_redistillation_fraction_saves_and_reads_back(tmp_path):
    data = econ.example_scenario().model_dump(exclude_none=True)
    del data["distillation"]["redistill_usd"]
    data["distillation"]["redistill_fraction_of_upfront"] = 0.5
    scenario = econ.parse_scenario(data)
    econ.save_scenario(scenario, tmp_path / "frac.json")
    # used to fail: the default $3,750 was written beside it
    again = econ.load_scenario(tmp_path / "frac.json")
    assert again == scenario and again.distillation.redistill_usd is None
    # half of upfront data + training: 0.5 × (750 + 3,000) = 1,875 per re-distillation, every 6 months
    flows = econ.evaluate(again).monthly
    assert flows.loc[flows["month"] == 6, "student_redistill_usd"].iloc[0] == pytest.approx(1875.0)
