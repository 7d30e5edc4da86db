"""Analytic models of a model on hardware: the one roofline (bytes, FLOPs, step times: `roofline`, with
tensor parallelism in `parallel`), the efficiencies and their published defaults (`efficiency`), the
estimator built on them (`estimate`), and calibration of the efficiencies from a measured profile
(`calibrate`, `fitting`, `calibration_file`).

Torch-free: imports numpy, pydantic, `econ` and the catalogs only.
"""
