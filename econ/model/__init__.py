"""The file contracts: the scenario and its blocks (traffic, serving, distillation spend, quality with
its evidence pointer, uncertainty), the profile file, the dated price tables, scenario files and the
shipped examples.

Imports `econ.base` and `econ.io` only. Nothing here computes a cost.
"""
