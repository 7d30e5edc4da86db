"""A scenario field's name in words, as the app's sidebar labels it, for messages that send a person to it.

Imports pydantic and `econ.model.scenario` only. The sidebar labels each input with its field's description
(its final period dropped); a message names the field by the part of that label before its unit or first
clause ("Compound growth of traffic per month"), in quotes, so the words can be found on screen. A message
never shows a JSON path such as `traffic.monthly_growth`.
"""

from __future__ import annotations

import types
import typing
from typing import Union

from pydantic import BaseModel

from econ.model.scenario import Scenario

SIDES = {"teacher": "the teacher's", "student": "the student's", "swap": "the alternative's"}


def _models(annotation) -> list[type[BaseModel]]:
    """The pydantic models a field's annotation may hold (unions and Annotated unwrapped)."""
    while typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    if typing.get_origin(annotation) in (Union, types.UnionType):
        return [m for a in typing.get_args(annotation) for m in _models(a)]
    return [annotation] if isinstance(annotation, type) and issubclass(annotation, BaseModel) else []


def description_of(path: str) -> str | None:
    """The description of the field at a scenario path ('student.target_utilization'); None if unknown."""
    models: list[type[BaseModel]] = [Scenario]
    info = None
    for part in path.split("."):
        info = next((m.model_fields[part] for m in models if part in m.model_fields), None)
        if info is None:
            return None
        models = _models(info.annotation)
    return info.description if info is not None else None


def field_label(path: str) -> str:
    """The sidebar label's name part: 'Compound growth of traffic per month' (unit and clauses dropped)."""
    text = (description_of(path) or path.rsplit(".", 1)[-1].replace("_", " ")).strip().rstrip(".")
    for stop in (" (", "; ", ". "):
        text = text.split(stop)[0]
    return text


def field_name(path: str) -> str:
    """The field in a sentence: '“Compound growth of traffic per month”', 'the student's “Price of output
    tokens”' (the side named, since the teacher and the student share labels)."""
    side = SIDES.get(path.split(".")[0])
    quoted = f"“{field_label(path)}”"
    return f"{side} {quoted}" if side is not None and "." in path else quoted
