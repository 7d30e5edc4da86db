"""Units, constrained number types and the errors every layer raises.

Imports the standard library and pydantic only, nothing from econ: every other package builds on it.
"""
