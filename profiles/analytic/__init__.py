"""Analytic models of a model on hardware: the roofline (bytes and FLOPs), the estimator built on it,
and calibration of its efficiencies from a measured profile.

Torch-free: imports numpy, pydantic, `econ` and the catalogs only.
"""
