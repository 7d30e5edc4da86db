"""Serving capacity and unit costs: a profile or a typed number -> requests/s per replica -> replicas
for the peak; token and GPU prices -> $ per request.

Imports `econ.base`, `econ.io` and `econ.model`.
"""
