"""Bounded file readers, the CSV reader with line-and-column errors, the one JSON serializer and the
number formats.

Imports `econ.base` only.
"""
