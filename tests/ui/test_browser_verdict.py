"""The verdict and the calm first screen in a real browser (Chromium via Playwright). Marked `browser`.

What a team lead sees at 1,400 px: the verdict as the first line under the title; "Not yet decidable"
naming the input to supply and where, once the error cost is set to "Not stated yet"; a plausibility
warning right under the growth field when growth is typed as 8; the headline cards showing their whole
value and label (nothing cut off, even with growth 8's huge numbers). Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import pytest
from browser_support import ARTIFACTS, UI_TIMEOUT_MS

import econ
from econ.model.quality import ERROR_COST_LABEL
from econ.risk.verdict import verdict
from ui.sidebar.quality import UNSTATED
from ui.state import default_scenario

pytestmark = pytest.mark.browser

GROWTH_LABEL = econ.Traffic.model_fields["monthly_growth"].description.rstrip(".")
# Whether an element's text is wider than its box (an ellipsis or a clipped value).
CUT_OFF = "e => [e, ...e.querySelectorAll('*')].some(x => x.scrollWidth > x.clientWidth + 1)"


def _open(browser, server):
    from playwright.sync_api import expect

    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_page(viewport={"width": 1400, "height": 2400})
    page.goto(server)
    expect(page.get_by_test_id("stMetric")).to_have_count(6, timeout=UI_TIMEOUT_MS)
    return page


def _cut_off_cards(page) -> list[str]:
    cards = page.get_by_test_id("stMetric")
    out = []
    for i in range(cards.count()):
        for part in ("stMetricLabel", "stMetricValue"):
            element = cards.nth(i).get_by_test_id(part)
            if element.evaluate(CUT_OFF):
                out.append(element.inner_text())
    return out


def test_the_verdict_is_the_first_line_and_no_headline_card_is_cut_off(server, browser):
    from playwright.sync_api import expect

    page = _open(browser, server)
    expected = verdict(default_scenario())
    first = page.get_by_test_id("stMain").get_by_test_id("stAlert").first
    expect(first).to_contain_text(f"{expected.label}:", timeout=UI_TIMEOUT_MS)
    expect(first).to_contain_text("Pays back in")
    title, alert = page.get_by_role("heading", name="Does distilling pay off?"), first.bounding_box()
    assert title.bounding_box()["y"] < alert["y"] < 600  # on the first screen, right under the title
    assert _cut_off_cards(page) == []
    page.screenshot(path=str(ARTIFACTS / "verdict-first-screen.png"), full_page=True)
    page.close()


def test_an_unstated_error_cost_is_not_yet_decidable_and_names_the_input(server, browser):
    from playwright.sync_api import expect

    page = _open(browser, server)
    page.get_by_test_id("stSidebar").get_by_text(UNSTATED, exact=True).click()
    first = page.get_by_test_id("stMain").get_by_test_id("stAlert").first
    expect(first).to_contain_text("Not yet decidable", timeout=UI_TIMEOUT_MS)
    expect(first).to_contain_text(f"Supply {ERROR_COST_LABEL} in the sidebar under Quality and fallback")
    page.screenshot(path=str(ARTIFACTS / "verdict-not-decidable.png"), full_page=True)
    page.close()


def test_growth_typed_as_8_warns_right_under_the_growth_field_and_no_card_is_cut_off(server, browser):
    from playwright.sync_api import expect

    page = _open(browser, server)
    field = page.get_by_role("spinbutton", name=GROWTH_LABEL, exact=True)
    field.fill("8")
    field.press("Enter")
    sidebar = page.get_by_test_id("stSidebar")
    warning = sidebar.get_by_test_id("stAlert").filter(has_text="did you mean 0.08")
    expect(warning).to_be_visible(timeout=UI_TIMEOUT_MS)
    expect(warning).to_contain_text("Growth of 8 in “Compound growth of traffic per month” is +800% a month")
    below = warning.bounding_box()["y"] - field.bounding_box()["y"]
    assert 0 < below < 120  # beside the field: the next thing under it
    expect(page.get_by_test_id("stMain").get_by_test_id("stAlert").first).to_contain_text(
        "but check “Compound growth of traffic per month”")
    assert _cut_off_cards(page) == []  # the huge NPV still reads in full
    page.screenshot(path=str(ARTIFACTS / "verdict-growth-8.png"), full_page=True)
    page.close()
