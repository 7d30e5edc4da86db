"""What a hostile user gives `python -m profiles`: bad --out targets (refused before any work, for `run`
before the measurement), bad flags (one line like econ's), a bad --calibration file (bounded, regular files
only), and Ctrl-C while the CLI is still importing (no traceback). Each class failed before its fix."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from start_up import not_import_lines, wait_until_imported

from profiles.cli import main
from profiles.store import check_out_path

PROJECT_ROOT = Path(__file__).resolve().parents[3]
ESTIMATE = ["estimate", "--model", "qwen2.5-0.5b", "--gpu", "l4", "--batch-sizes", "1", "--input-tokens",
            "16", "--output-tokens", "4"]
LONG_NAME = "x" * 300 + ".json"  # NAME_MAX is 255 bytes on Linux file systems


def one_error_line(capsys) -> str:
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1 and "Traceback" not in err, err
    return err


def bad_out_targets(tmp_path: Path) -> dict[str, str]:
    link = tmp_path / "link-to-device.json"
    link.symlink_to("/dev/full")
    return {
        "empty": "",
        "folder": str(tmp_path),
        "dev-full": "/dev/full",
        "link to a device": str(link),
        "over-long name": str(tmp_path / LONG_NAME),
        "read-only place": "/proc/profile.json",
    }


@pytest.mark.parametrize("kind", ["empty", "folder", "dev-full", "link to a device", "over-long name",
                                  "read-only place"])
def test_estimate_refuses_a_bad_out_in_one_line(tmp_path, capsys, kind):
    target = bad_out_targets(tmp_path)[kind]
    assert main([*ESTIMATE, "--out", target]) == 2
    assert "--out" in one_error_line(capsys)
    assert Path("/dev/full").is_char_device()  # never replaced by a regular file
    assert not any(p.name.endswith(".tmp") for p in tmp_path.iterdir())


@pytest.mark.parametrize("kind", ["empty", "folder", "dev-full", "over-long name", "read-only place"])
def test_run_refuses_a_bad_out_before_measuring(tmp_path, capsys, monkeypatch, kind):
    from profiles.backends.transformers import runner

    def no_measuring(*args, **kwargs):
        raise AssertionError("measured before checking --out")

    monkeypatch.setattr(runner, "load_model", no_measuring)
    monkeypatch.setattr(runner, "measure_hardware", no_measuring)
    target = bad_out_targets(tmp_path)[kind]
    argv = ["run", "--model", "tiny-llama", "--device", "cpu", "--batch-sizes", "1", "--input-tokens", "8",
            "--output-tokens", "2", "--out", target]
    assert main(argv) == 2
    assert "--out" in one_error_line(capsys)


def test_run_profile_checks_its_out_before_loading_the_model(tmp_path, monkeypatch):
    from profiles.backends.transformers import runner
    from profiles.settings import run_settings

    monkeypatch.setattr(runner, "load_model", lambda *a, **k: pytest.fail("loaded before checking out"))
    with pytest.raises(ValueError, match="exists and is a folder"):
        runner.run_profile(run_settings(model="tiny-llama", device="cpu", out=str(tmp_path)))


def test_calibrate_refuses_a_bad_out(tmp_path, capsys):
    assert main(
        ["calibrate", str(PROJECT_ROOT / "profiles/data/cpu-tiny-student.json"), "--out", str(tmp_path)]) == 2
    assert "--out" in one_error_line(capsys)


def test_a_good_out_passes_and_an_existing_regular_file_may_be_replaced(tmp_path):
    existing = tmp_path / "old.json"
    existing.write_text("{}")
    assert check_out_path(existing) == existing
    assert check_out_path(tmp_path / "new" / "p.json") == tmp_path / "new" / "p.json"
    # The probe's temporary files are gone again.
    assert set(tmp_path.rglob("*")) == {existing, tmp_path / "new"}


@pytest.mark.parametrize("argv", [
    [],
    ["frobnicate"],
    ["run"],
    ["estimate", "--model", "llama-3.1-8b", "--gpu", "h100-sxm", "--bogus"],
    ["estimate", "--model", "llama-3.1-8b", "--gpu", "h100-sxm", "--input-tokens", "many"],
    ["hw", "--device", "tpu"],
])
def test_flag_errors_are_one_line_and_exit_2(argv, capsys):
    with pytest.raises(SystemExit) as stop:
        main(argv)
    assert stop.value.code == 2
    err = one_error_line(capsys)
    assert "usage:" not in err


def fifo(tmp_path: Path) -> str:
    path = tmp_path / "pipe.json"
    os.mkfifo(path)
    return str(path)


@pytest.mark.parametrize("make", [
    lambda tmp: "",
    lambda tmp: str(tmp),
    lambda tmp: "/dev/zero",
    fifo,
    lambda tmp: str(tmp / LONG_NAME),
    lambda tmp: str(tmp / "missing.json"),
], ids=["empty", "folder", "dev-zero", "named-pipe", "over-long-name", "missing"])
def test_a_bad_calibration_path_is_one_line(tmp_path, capsys, make):
    assert main([*ESTIMATE, "--calibration", make(tmp_path)]) == 2
    assert "--calibration" in one_error_line(capsys)


def test_an_oversized_calibration_is_refused_without_reading_it_all(tmp_path, capsys):
    big = tmp_path / "big.json"
    with big.open("wb") as handle:
        handle.truncate(64 * 2**20)  # sparse: 64 MiB that cost nothing to make
    assert main([*ESTIMATE, "--calibration", str(big)]) == 2
    assert "larger than" in one_error_line(capsys)


# The module whose import puts the child in the phase: numpy is the CLI's first native import (pandas and
# pydantic-core follow, inside the guard); torch._opaque_base is imported from inside torch._C's pybind11
# initialisation (about 0.3 s of it remains), where a Ctrl-C once aborted the process (-6).
START_UP_PHASES = [
    pytest.param("numpy", id="while-the-cli-imports-numpy-pandas-and-pydantic"),
    pytest.param("torch._opaque_base", id="while-run-initialises-torch"),
]


@pytest.mark.slow
@pytest.mark.parametrize("imported", START_UP_PHASES)
def test_ctrl_c_while_starting_up_ends_with_one_line_and_exit_130(tmp_path, imported):
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    out = tmp_path / "p.json"
    argv = [sys.executable, "-X", "importtime", "-m", "profiles", "run", "--model", "tiny-llama", "--device",
            "cpu", "--batch-sizes", "1", "--input-tokens", "8", "--output-tokens", "2", "--out", str(out)]
    process = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wait_until_imported(process, imported)
    process.send_signal(signal.SIGINT)  # held back until the import is done, then a KeyboardInterrupt
    _out, err = process.communicate(timeout=120)
    assert process.returncode == 130, "\n".join(not_import_lines(err))
    assert not_import_lines(err) == ["interrupted"]
    assert not out.exists()  # interrupted before anything was measured
