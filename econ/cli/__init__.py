"""`python -m econ`: argument parsing and the text, JSON and CSV renderings of every command.

Imports any econ package; nothing in econ imports it.
"""
