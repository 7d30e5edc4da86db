"""Reading the pydantic models for the form: a field's members, label, unit, step and default.

Imports pydantic and econ. Labels come from each field's description; units and step sizes from the
`json_schema_extra` ({"unit": ..., "step": ...}) that the field's type in `econ.base.types` declares.
"""

from __future__ import annotations

import math
import types
import typing
from typing import Union

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

import econ
from ui import state


def strip_annotated(tp):
    """Annotated[X, ...] → X."""
    while typing.get_origin(tp) is typing.Annotated:
        tp = typing.get_args(tp)[0]
    return tp


def members_of(tp) -> tuple[list, bool]:
    """Members of a union (Annotated stripped) and whether None is one of them."""
    tp = strip_annotated(tp)
    if typing.get_origin(tp) in (Union, types.UnionType):
        args = [strip_annotated(a) for a in typing.get_args(tp)]
        return [a for a in args if a is not type(None)], type(None) in args
    return [tp], False


def is_model(tp) -> bool:
    return isinstance(tp, type) and issubclass(tp, BaseModel)


def label_of(info) -> str:
    """The field's description as a label (its unit in parentheses is part of it), no final period."""
    text = (info.description or "").strip()
    return text[:-1] if text.endswith(".") else text


def schema_extra(info) -> dict:
    """The field's json_schema_extra: on the field itself, or on its number type inside `X | None`."""
    if isinstance(info.json_schema_extra, dict):
        return info.json_schema_extra
    for member in typing.get_args(info.annotation):
        if typing.get_origin(member) is typing.Annotated:
            for meta in member.__metadata__:
                extra = getattr(meta, "json_schema_extra", None)
                if isinstance(extra, dict):
                    return extra
    return {}


def unit_of(info) -> str | None:
    """The unit declared on the field's type (econ.base.types): 'requests/day', 'fraction', 'USD'."""
    return schema_extra(info).get("unit")


def default_of(info):
    if info.default is not PydanticUndefined:
        return info.default
    if info.default_factory is not None:
        return info.default_factory()
    return None


def step_of(info, is_int: bool):
    """The step declared on the field's type; else 1 for whole numbers, a tenth of the default's magnitude."""
    declared = schema_extra(info).get("step")
    if declared is not None:
        return declared
    if is_int:
        return 1
    default = default_of(info)
    if isinstance(default, int | float) and not isinstance(default, bool) and default > 0:
        return float(10 ** (math.floor(math.log10(default)) - 1))
    return 0.1


def default_sides() -> dict[str, econ.ApiServing | econ.SelfHostedServing]:
    """A complete serving of each kind to start from when a side switches kind."""
    out = {}
    for scenario in (state.default_scenario(), econ.example_scenario()):
        for side in (scenario.teacher, scenario.student):
            out.setdefault(side.kind, side)
    return out
