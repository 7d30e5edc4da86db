"""ui: Streamlit pages (one thin module each), the sidebar, and Plotly chart builders (ui/charts/, no
streamlit import).

May import econ and profiles. Nothing imports ui except app.py.
"""
