"""The Portfolio table in a real browser at 1,400 px: every column, header and value, is read in full.

Marked `browser`. Loads the sample log (examples/usage.csv) on the default sidebar scenario, in Chromium at a
viewport 1,400 px wide, and checks in the DOM that the ranked table fits its container (no column scrolled
out of sight) and that no header or cell is clipped (each cell's scrollWidth ≤ its clientWidth), and that
the NPV columns show econ's numbers. Saves test-artifacts/portfolio-1400.png.
"""

from __future__ import annotations

import pytest
from browser_support import ARTIFACTS, ROOT, UI_TIMEOUT_MS

import econ
from ui import format as fmt
from ui import screen_tables
from ui.state import default_scenario

pytestmark = pytest.mark.browser

VIEWPORT_WIDTH = 1400
# Cell boxes are laid out in whole pixels while text is measured in fractions: one pixel of slack.
SLACK_PX = 1

MEASURE = """table => {
  const box = table.closest('[data-testid="stTable"]') || table.parentElement;
  const cells = [...table.querySelectorAll('th, td')].map(c => ({
    text: c.innerText, scroll: c.scrollWidth, client: c.clientWidth,
    right: c.getBoundingClientRect().right}));
  const headers = [...table.querySelectorAll('thead th')].map(c => c.innerText);
  return {tableScroll: table.scrollWidth, boxClient: box.clientWidth, boxScroll: box.scrollWidth,
          boxRight: box.getBoundingClientRect().right, viewport: window.innerWidth, cells, headers};
}"""


def test_every_portfolio_column_is_fully_visible_at_1400_px(server, browser):
    from playwright.sync_api import expect

    ARTIFACTS.mkdir(exist_ok=True)
    result = econ.screen(econ.load_usage(ROOT / "examples" / "usage.csv"), default_scenario())
    shown = screen_tables.shown_table(result, with_chosen=False)
    page = browser.new_page(viewport={"width": VIEWPORT_WIDTH, "height": 1800})
    page.goto(f"{server}/portfolio")
    page.get_by_role("button", name="Use the sample log (examples/usage.csv)").click()
    table = page.get_by_test_id("stTable").locator("table")
    expect(table).to_be_visible(timeout=UI_TIMEOUT_MS)
    expect(table.locator("tbody tr")).to_have_count(len(result.tasks), timeout=UI_TIMEOUT_MS)
    m = table.evaluate(MEASURE)
    page.screenshot(path=str(ARTIFACTS / "portfolio-1400.png"), full_page=True)
    page.close()

    assert [h for h in m["headers"] if h.strip()][-len(shown.columns):] == list(shown.columns)
    # the whole table inside its container, and the container inside the window: no column out of sight
    assert m["tableScroll"] <= m["boxClient"] + SLACK_PX and m["boxScroll"] <= m["boxClient"] + SLACK_PX
    assert m["boxRight"] <= m["viewport"]
    clipped = [(c["text"], c["scroll"], c["client"]) for c in m["cells"]
               if c["scroll"] > c["client"] + SLACK_PX]
    assert clipped == []
    assert all(c["right"] <= m["viewport"] for c in m["cells"])
    texts = {c["text"] for c in m["cells"]}
    for t in result.tasks:  # the NPV columns carry econ's numbers, each in full
        for value in (t.npv_p10_usd, t.npv_usd, t.npv_p90_usd):
            assert fmt.usd(value) in texts
