"""Quality evidence: graded samples -> per-source error and fallback rates with Wilson intervals, the
production gap, the router curve, and the rates a scenario's evidence pointer measures.

Imports `econ.base`, `econ.io` and `econ.model`.
"""
