"""The app in a real browser: `streamlit run app.py` on localhost, driven by Playwright with Debian's
Chromium (headless, no sandbox, background networking off). Marked `browser`.

Checks what a user sees: the landing page draws the chart and the headline metrics, and changing
one input (requests per day) updates the payback value to econ's number. Saves screenshots to
test-artifacts/ for review. Skipped, with the reason, when chromium is not on PATH.
"""

from __future__ import annotations

import pytest
from browser_support import ARTIFACTS, ROOT, UI_TIMEOUT_MS

import econ
from econ.model.profile import load_profile
from ui import format as fmt
from ui import screen_tables
from ui.state import default_scenario

pytestmark = pytest.mark.browser

REQUESTS_LABEL = econ.Traffic.model_fields["requests_per_day"].description.rstrip(".")


def _payback(page):
    return page.get_by_test_id("stMetric").filter(has_text="Payback").get_by_test_id("stMetricValue")


def test_landing_page_shows_chart_and_metrics_and_follows_an_input(server, browser):
    from playwright.sync_api import expect

    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_page(viewport={"width": 1400, "height": 2400})
    page.goto(server)
    expected = econ.evaluate(default_scenario())
    expect(_payback(page)).to_have_text(fmt.months(expected.payback_months), timeout=UI_TIMEOUT_MS)
    expect(page.get_by_test_id("stMetric")).to_have_count(6)
    plot = page.locator(".js-plotly-plot").first
    expect(plot).to_be_visible(timeout=UI_TIMEOUT_MS)
    expect(plot.locator(".scatterlayer .trace").first).to_be_attached()
    expect(page.get_by_text(f"Pays back after {fmt.months(expected.payback_months)}").first).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "breakeven.png"), full_page=True)

    field = page.get_by_role("spinbutton", name=REQUESTS_LABEL, exact=True)
    field.fill("60000")
    field.press("Enter")
    changed = default_scenario().model_dump()
    changed["traffic"]["requests_per_day"] = 60_000
    after = econ.evaluate(econ.Scenario.model_validate(changed))
    assert fmt.months(after.payback_months) != fmt.months(expected.payback_months)
    expect(_payback(page)).to_have_text(fmt.months(after.payback_months), timeout=UI_TIMEOUT_MS)
    page.screenshot(path=str(ARTIFACTS / "breakeven-60k-requests.png"), full_page=True)
    page.close()


def test_portfolio_ranks_the_sample_log_and_opens_a_task_for_every_page(server, browser):
    from playwright.sync_api import expect

    ARTIFACTS.mkdir(exist_ok=True)
    result = econ.screen(econ.load_usage(ROOT / "examples" / "usage.csv"), default_scenario())
    top = result.tasks[0]
    page = browser.new_page(viewport={"width": 1400, "height": 2600})
    page.goto(f"{server}/portfolio")
    page.get_by_role("button", name="Use the sample log (examples/usage.csv)").click()
    npv = page.get_by_test_id("stMetric").filter(has_text="Distil set NPV").get_by_test_id("stMetricValue")
    expect(npv).to_have_text(fmt.usd(result.distil_npv_usd), timeout=UI_TIMEOUT_MS)
    bars = page.locator(".js-plotly-plot .barlayer .trace")
    expect(bars.first).to_be_attached(timeout=UI_TIMEOUT_MS)
    expect(page.get_by_test_id("stTable")).to_be_visible()
    expect(page.get_by_text(f"{top.task}: {top.verdict_label}")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "portfolio.png"), full_page=True)

    page.get_by_role("button", name=f"Open {top.task} in the sidebar").click()
    expect(page.get_by_text(f"{top.task} is the current scenario")).to_be_visible(timeout=UI_TIMEOUT_MS)
    page.get_by_role("link", name="Break-even").click()
    typed = econ.evaluate(screen_tables.as_typed(top.scenario))  # opened as a person would type it
    expect(_payback(page)).to_have_text(fmt.months(typed.payback_months), timeout=UI_TIMEOUT_MS)
    page.screenshot(path=str(ARTIFACTS / "portfolio-opened-task.png"), full_page=True)
    page.close()


def test_quality_page_uploads_samples_prices_the_threshold_and_the_scenario_follows(server, browser,
                                                                                    tmp_path):
    """Upload the shipped samples through the real uploader, read the gap, apply a threshold, see payback
    move."""
    from playwright.sync_api import expect

    samples = ROOT / "examples" / "quality_samples.csv"
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_page(viewport={"width": 1400, "height": 2400})
    page.goto(f"{server}/quality")
    page.locator("input[type=file]").first.set_input_files(str(samples))
    expect(page.get_by_text("flatters the student by 7.0 points (95% CI 4.2–9.7)").first).to_be_visible(
        timeout=UI_TIMEOUT_MS)
    expect(page.locator(".js-plotly-plot")).to_have_count(3, timeout=UI_TIMEOUT_MS)
    page.screenshot(path=str(ARTIFACTS / "quality.png"), full_page=True)
    # Errors are not priced in the default scenario: the main action is never the $0 optimum ("never fall
    # back", threshold 0) but the lowest threshold that meets the teacher's bar, and the page says why.
    expect(page.get_by_text("Errors are not priced").first).to_be_visible()
    apply = page.get_by_role("button", name="Use threshold")
    threshold = float(apply.inner_text().split()[2])
    assert threshold > 0, apply.inner_text()
    apply.click()
    expect(page.get_by_text("The scenario measures its quality from").first).to_be_visible(
        timeout=UI_TIMEOUT_MS)
    page.get_by_role("link", name="Break-even").click()
    expect(page.get_by_text("measured on production traffic: the synthetic validation set flatters").first
           ).to_be_visible(timeout=UI_TIMEOUT_MS)
    page.screenshot(path=str(ARTIFACTS / "breakeven-with-evidence.png"), full_page=True)
    page.close()


SERVED_PROFILE = "served-tiny-llama-4l-cpu-vllm.json"  # measured on CPU through a real vLLM server


def test_profiles_page_shows_a_served_profile_against_the_achieved_rate(server, browser):
    from playwright.sync_api import expect

    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_page(viewport={"width": 1400, "height": 2400})
    page.goto(f"{server}/profiles")
    expect(page.get_by_text("Compare", exact=True)).to_be_visible(timeout=UI_TIMEOUT_MS)
    picker = page.get_by_test_id("stSelectbox").filter(has_text="Profile A")
    picker.click()
    page.keyboard.type(SERVED_PROFILE)
    page.keyboard.press("Enter")
    expect(page.get_by_text("Served: latency and goodput vs achieved request rate")).to_be_visible(
        timeout=UI_TIMEOUT_MS)
    capacity = load_profile(ROOT / "profiles" / "data" / SERVED_PROFILE).capacity
    expect(page.get_by_text(f"{capacity.requests_per_s:.3g} requests/s achieved at rate {capacity.load:g}")
           .first).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "profiles-served.png"), full_page=True)
    page.close()
