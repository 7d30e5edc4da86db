"""No request leaves this machine: every page of the app, opened in a real Chromium, asks only 127.0.0.1
or localhost for what it shows (scripts, fonts, icons, the favicon, data). Marked `browser`.

Each page's every request is recorded with Playwright's `page.on("request")` from the first navigation
on, the page is given time to draw its charts and load its fonts, and a full-page screenshot is saved as
test-artifacts/page-<name>.png for review.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from browser_support import ARTIFACTS, UI_TIMEOUT_MS

pytestmark = pytest.mark.browser

PAGES = {"breakeven": "", "serving": "serving", "profiles": "profiles", "scenarios": "scenarios",
         "risk": "risk", "portfolio": "portfolio", "quality": "quality"}
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
LOCAL_SCHEMES = {"data", "blob", "about"}  # made inside the page, never fetched


def leaves_this_machine(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme not in LOCAL_SCHEMES and parts.hostname not in LOCAL_HOSTS


def test_the_rule_tells_a_public_font_server_from_the_app():
    assert leaves_this_machine("https://fonts.gstatic.com/s/i/short-term/release/x/24px.svg")
    assert leaves_this_machine("https://fonts.googleapis.com/css2?family=Source+Sans")
    assert not leaves_this_machine("http://127.0.0.1:8501/static/media/MaterialSymbols-Rounded.woff2")
    assert not leaves_this_machine("data:image/svg+xml,<svg/>")


@pytest.mark.parametrize("name", PAGES)
def test_a_page_asks_nothing_of_any_other_machine(server, browser, name):
    from playwright.sync_api import expect

    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_page(viewport={"width": 1400, "height": 3000})
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(f"{server}/{PAGES[name]}")
    expect(page.get_by_test_id("stSidebar")).to_be_visible(timeout=UI_TIMEOUT_MS)
    expect(page.get_by_test_id("stSidebarNav")).to_be_visible(timeout=UI_TIMEOUT_MS)
    expect(page.get_by_test_id("stHeading").first).to_be_visible(timeout=UI_TIMEOUT_MS)
    # the page has finished drawing (no placeholder left, twice a second apart: a chart drawn after a
    # table), its fonts and favicon have been asked for
    for _ in range(2):
        expect(page.get_by_test_id("stSkeleton")).to_have_count(0, timeout=UI_TIMEOUT_MS)
        expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=UI_TIMEOUT_MS)
        page.wait_for_timeout(1000)
    page.evaluate("document.fonts.ready")
    page.wait_for_load_state("networkidle", timeout=UI_TIMEOUT_MS)
    page.screenshot(path=str(ARTIFACTS / f"page-{name}.png"), full_page=True)
    page.close()
    assert requested, "no request was recorded: the listener saw nothing"
    assert any(urlsplit(u).hostname == "127.0.0.1" for u in requested)
    outside = sorted({u for u in requested if leaves_this_machine(u)})
    assert not outside, f"the {name} page asked other machines for: {outside}"
