"""Streamlit entry point: routing only. Page config, the shared sidebar (every input), the pages.

Imports streamlit and ui. Run: `streamlit run app.py`. Pages live in ui/pages/ (one thin script each), the
sidebar in ui/sidebar/; all numbers come from econ. Nothing the page shows comes from another machine
(tests/ui/test_browser_network.py).
"""


import streamlit as st

from ui.sidebar import render_sidebar

# The favicon is an emoji, which Streamlit draws inline (a data: URL). A page's ":material/...:" icon as
# favicon would be fetched from fonts.gstatic.com; the menu's icons use the font bundled with Streamlit.
st.set_page_config(page_title="Distillation break-even", page_icon="📈", layout="wide")
if render_sidebar():
    st.warning("The inputs have errors (shown in the sidebar): this page shows the last valid result.")
pages = [
    st.Page("ui/pages/breakeven.py", title="Break-even", icon=":material/show_chart:", default=True),
    st.Page("ui/pages/serving.py", title="Serving", icon=":material/dns:"),
    st.Page("ui/pages/profiles.py", title="Profiles", icon=":material/speed:"),
    st.Page("ui/pages/scenarios.py", title="Scenarios", icon=":material/compare_arrows:"),
    st.Page("ui/pages/risk.py", title="Risk", icon=":material/casino:"),
    st.Page("ui/pages/portfolio.py", title="Portfolio", icon=":material/leaderboard:"),
    st.Page("ui/pages/quality.py", title="Quality", icon=":material/fact_check:"),
]
st.navigation(pages).run()
