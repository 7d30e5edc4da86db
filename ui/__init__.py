"""ui: Streamlit pages (one thin module each) and Plotly chart builders (charts.py, no streamlit import).

May import econ and profiles. Nothing imports ui except app.py.
"""
