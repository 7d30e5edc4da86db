"""Traffic: the daily-history forecast (Holt-Winters), usage logs and their per-task statistics.

Imports `econ.base`, `econ.io` and `econ.model` (statsmodels only when a forecast is fitted).
"""
