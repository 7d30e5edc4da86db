"""The app in a real browser, shared by every browser test: `streamlit run app.py` on localhost (one server
for the whole session), driven by Playwright with Debian's Chromium (headless, no sandbox, background
networking off). Screenshots go to test-artifacts/ for review.

The fixtures `server` and `browser` live in tests/ui/conftest.py and call the functions here. A browser
test module marks itself `pytest.mark.browser`.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
STARTUP_TIMEOUT_S = 60
UI_TIMEOUT_MS = 30_000
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_app():
    """Start the app on a free local port; yields its URL and stops it afterwards (a generator)."""
    port = free_port()
    env = {**os.environ, "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
           "DISTIL_EVIDENCE_DIR": str(ARTIFACTS / "evidence")}  # uploads the Quality page keeps
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while True:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    break
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"streamlit did not start on {url}:\n{proc.communicate()[0]}")
        time.sleep(0.3)
    try:
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def launch_browser():
    """Headless Chromium through Playwright (a generator); skipped off CI when chromium is missing."""
    executable = shutil.which("chromium")
    if executable is None:
        if os.environ.get("CI"):  # .ci/run installs chromium: in CI its absence is a failure, not a skip
            pytest.fail("chromium is not on PATH although CI should have installed it (.ci/run)")
        pytest.skip("chromium is not on PATH (Debian: apt-get install chromium); Playwright's own browser "
                    "download does not work here")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
