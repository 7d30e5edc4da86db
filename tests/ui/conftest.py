"""Fixtures for the browser tests in this folder: one app server and one Chromium for the whole session
(tests/browser_support.py starts them)."""

from __future__ import annotations

import pytest
from browser_support import launch_browser, start_app


@pytest.fixture(scope="session")
def server():
    yield from start_app()


@pytest.fixture(scope="session")
def browser():
    yield from launch_browser()
