"""The Serving and Profiles pages in a real browser (Chromium through Playwright, against `streamlit run`):
the Serving page names the SLO limit that binds each fleet and draws the TTFT limit beside TPOT; the
Profiles page opens on the scenario's own teacher and student, and a served profile shows its length
distribution, binding limit and prices. Screenshots go to test-artifacts/ for review. Marked `browser`.
"""

from __future__ import annotations

import pytest
from browser_support import ARTIFACTS, ROOT, UI_TIMEOUT_MS

import econ
from econ.model.profile import load_profile
from ui.state import default_scenario

pytestmark = pytest.mark.browser

MIX_PROFILE = "served-tiny-llama-4l-cpu-vllm-mix.json"  # measured here through vLLM, lognormal prompts


def test_serving_page_names_the_binding_slo_and_draws_every_limit(server, browser):
    from playwright.sync_api import expect

    ARTIFACTS.mkdir(exist_ok=True)
    result = econ.evaluate(default_scenario())
    page = browser.new_page(viewport={"width": 1400, "height": 2400})
    page.goto(f"{server}/serving")
    # the default teacher runs at batch 8: batch 16's p99 TTFT is 1,049 ms > the 1,000 ms limit
    assert result.teacher_capacity.binding == "batch 16 would break the 1,000 ms TTFT SLO (p99 TTFT 1,049 ms)"
    expect(page.get_by_text(result.teacher_capacity.binding, exact=False)).to_be_visible(
        timeout=UI_TIMEOUT_MS)
    expect(page.get_by_text(result.student_capacity.binding, exact=False)).to_be_visible()
    plot = page.locator(".js-plotly-plot").first
    expect(plot).to_be_visible(timeout=UI_TIMEOUT_MS)
    expect(plot.get_by_text("Teacher and Student SLO: p99 TTFT ≤ 1,000 ms")).to_be_attached()
    expect(plot.get_by_text("Teacher and Student SLO: p99 TPOT ≤ 50 ms")).to_be_attached()
    expect(page.get_by_text("Teacher fallback replicas (4 GPUs each)")).to_be_attached(timeout=UI_TIMEOUT_MS)
    page.wait_for_timeout(1000)  # let the last charts finish drawing before the screenshot
    page.screenshot(path=str(ARTIFACTS / "serving.png"), full_page=True)
    page.close()


def test_profiles_page_opens_on_the_scenarios_profiles_and_shows_a_served_mix(server, browser):
    from playwright.sync_api import expect

    ARTIFACTS.mkdir(exist_ok=True)
    # tall: the app scrolls inside its own container, so a screenshot holds only what the viewport shows
    page = browser.new_page(viewport={"width": 1400, "height": 5200})
    page.goto(f"{server}/profiles")
    first = page.get_by_test_id("stSelectbox").filter(has_text="Profile A")
    expect(page.get_by_role("combobox", name="Profile A")).to_have_value(
        "scenario teacher: llama-3.1-70b on h100-sxm (embedded)", timeout=UI_TIMEOUT_MS)
    expect(page.get_by_role("combobox", name="Profile B")).to_have_value(
        "scenario student: llama-3.1-8b on h100-sxm (embedded)")
    expect(page.locator(".js-plotly-plot").first).to_be_visible(timeout=UI_TIMEOUT_MS)
    page.wait_for_timeout(1000)
    page.screenshot(path=str(ARTIFACTS / "profiles-default.png"), full_page=True)

    first.click()
    page.keyboard.type(MIX_PROFILE)
    page.keyboard.press("Enter")
    profile = load_profile(ROOT / "profiles" / "data" / MIX_PROFILE)
    expect(page.get_by_text(f"Binding limit: {profile.capacity.binding_limit}")).to_be_visible(
        timeout=UI_TIMEOUT_MS)
    expect(page.get_by_text("Request lengths: asked for and counted")).to_be_attached(timeout=UI_TIMEOUT_MS)
    price = page.get_by_role("spinbutton", name="GPU price, $ per GPU-hour (to price each load)")
    price.fill("2.69")
    price.press("Enter")
    expect(page.get_by_text("At the capacity")).to_be_visible(timeout=UI_TIMEOUT_MS)
    page.wait_for_timeout(1000)
    page.screenshot(path=str(ARTIFACTS / "profiles-served-mix.png"), full_page=True)
    page.close()
