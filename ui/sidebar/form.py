"""The generic form builder: one widget per model field, nested models, unions of an amount or a model.

Imports streamlit, pydantic and econ (plus `ui.sidebar`'s model reading and serving widgets). Widgets hold
raw values; the form returns them as a dict for econ to validate as a whole, and keeps an error slot per
field path so each message lands beside its field.
"""

from __future__ import annotations

import json
import typing
from dataclasses import dataclass, field
from typing import Any, Literal

import streamlit as st
from pydantic import BaseModel

import econ
from ui import state
from ui.sections import is_basic
from ui.sidebar.fields import default_of, is_model, label_of, members_of, step_of, unit_of
from ui.sidebar.quality import QualityWidgets
from ui.sidebar.serving import ServingWidgets

P = state.INPUT_PREFIX
JSON_FIELDS = {"risk"}  # nested lists of unions: edited as JSON, validated by econ like every field


@dataclass
class Form(ServingWidgets, QualityWidgets):
    """Widgets of one run: their error slots by field path and the branch chosen in each union."""

    container: Any
    force: bool = False  # overwrite every widget's value from the scenario (it was replaced elsewhere)
    slots: dict[str, Any] = field(default_factory=dict)
    branches: dict[str, str] = field(default_factory=dict)  # union path → 'number' or 'model'
    parse_errors: list[tuple[str, str]] = field(default_factory=list)  # text the form could not read
    basic: dict[str, Any] = field(default_factory=dict)  # top-level field → its box in the basic part
    advanced: dict[str, Any] = field(default_factory=dict)  # top-level field → its box in the advanced part

    def place(self, path: str, where):
        """The container a field's widget goes in: its section's basic or advanced box (ui.sections)."""
        parts = self.basic if is_basic(path) else self.advanced
        return parts.get(path.split(".")[0], where)

    def slot(self, path: str, where) -> None:
        self.slots[path] = where.empty()

    def _init(self, key: str, value) -> None:
        if self.force or key not in st.session_state:
            st.session_state[key] = value

    def help(self, info, path: str) -> str:
        default = default_of(info)
        shown = "required" if default is None and info.is_required() else repr(default)
        unit = unit_of(info)
        return f"{info.description or ''}\n\nField `{path}` · default: {shown}" + (f" · unit: {unit}" if unit else "")

    # scalar widgets
    def number(self, where, info, path: str, value, is_int: bool):
        key = P + path
        if isinstance(value, bool) or not isinstance(value, int | float):
            value = None
        self._init(key, None if value is None else (int(value) if is_int else float(value)))
        out = where.number_input(label_of(info) or path, key=key, value=None, step=step_of(info, is_int),
                                 format=None if is_int else "%g", help=self.help(info, path))
        self.slot(path, where)
        return out

    def text(self, where, info, path: str, value):
        key = P + path
        self._init(key, value or "")
        area = info.description and "Free text" in info.description
        widget = where.text_area if area else where.text_input
        out = widget(label_of(info) or path, key=key, help=self.help(info, path))
        self.slot(path, where)
        return out

    def numbers(self, where, info, path: str, value):
        """A list of numbers typed comma-separated; blank means none."""
        key = P + path
        self._init(key, "" if value is None else ", ".join(f"{v:g}" for v in value))
        raw = where.text_input(f"{label_of(info)} — comma-separated", key=key, help=self.help(info, path))
        self.slot(path, where)
        if not raw.strip():
            return None
        try:
            return [float(v) for v in raw.replace(";", ",").split(",") if v.strip()]
        except ValueError:
            return raw  # econ's validation names the field and says it is not a list of numbers

    def json(self, where, info, path: str, value, key_suffix: str = ""):
        """A structured field typed as JSON; blank means none. Parsed here, validated by econ."""
        key = P + path + key_suffix
        text = "" if value is None else json.dumps(
            value.model_dump(mode="json", exclude_none=True) if isinstance(value, BaseModel) else value, indent=1)
        self._init(key, text)
        raw = where.text_area(f"{label_of(info)} (JSON)", key=key, height=150, help=self.help(info, path))
        self.slot(path, where)
        if not raw.strip():
            return None
        try:
            return json.loads(raw)
        except json.JSONDecodeError as exc:
            self.parse_errors.append((path, f"not valid JSON: {exc}"))
            return None

    def field(self, where, model: type[BaseModel], name: str, path: str, obj):
        """One field of `model` at `path`, its initial value from `obj` (None: the field default)."""
        info = model.model_fields[name]
        value = getattr(obj, name) if obj is not None else default_of(info)
        where = self.place(path, where)
        if path in JSON_FIELDS:
            return self.json(where, info, path, value)
        if path == "quality.usd_per_error":
            return self.error_cost(where, info, path, value)
        members, optional = members_of(info.annotation)
        first = members[0]
        if {econ.ApiServing, econ.SelfHostedServing} <= set(members):
            return self.serving(where, path, value)
        if str in members and econ.Profile in members:
            return self.profile(where, info, path, value, optional)
        scalars = [m for m in members if m in (int, float)]
        models = [m for m in members if is_model(m)]
        if scalars and models:
            return self.number_or_model(where, info, path, value, scalars[0] is int, models)
        if models and models[0] is econ.Quality:
            return self.quality(where, path, value)
        if models and optional:
            return self.optional_model(where, info, path, value, models[0])
        if models:
            return self.model(where, models[0], path, value)
        if typing.get_origin(first) is Literal:
            options = list(typing.get_args(first))
            key = P + path
            self._init(key, value if value in options else options[0])
            out = where.selectbox(label_of(info) or path, options, key=key, help=self.help(info, path))
            self.slot(path, where)
            return out
        if first is bool:
            key = P + path
            self._init(key, bool(value))
            out = where.checkbox(label_of(info) or path, key=key, help=self.help(info, path))
            self.slot(path, where)
            return out
        if typing.get_origin(first) is list:
            return self.numbers(where, info, path, value)
        if first in (int, float):
            return self.number(where, info, path, value, first is int)
        out = self.text(where, info, path, value)
        return None if optional and not out else out

    def model(self, where, model: type[BaseModel], path: str, obj, skip: tuple[str, ...] = ()) -> dict:
        self.slot(path, where)  # model-level messages ("give exactly one of ...")
        return {name: self.field(where, model, name, f"{path}.{name}", obj)
                for name in model.model_fields if name not in skip}

    def optional_model(self, where, info, path: str, value, model: type[BaseModel]):
        key = P + path + ".__on"
        self._init(key, value is not None)
        on = where.checkbox(f"Use: {label_of(info)}", key=key, help=self.help(info, path))
        if not on:
            return None
        return self.model(where, model, path, value if isinstance(value, model) else None)

    def number_or_model(self, where, info, path: str, value, is_int: bool, models: list[type[BaseModel]]):
        """A typed amount, the first model's form, or a further model (a distillation run) typed as JSON."""
        key = P + path + ".__mode"
        model, typed_as_json = models[0], models[1:]
        modes = ["Amount", f"Derive ({model.__name__})", *(f"{m.__name__} (JSON)" for m in typed_as_json)]
        chosen = next((i for i, m in enumerate(models) if isinstance(value, m)), None)
        self._init(key, modes[0] if chosen is None else modes[chosen + 1])
        mode = where.radio(label_of(info), modes, key=key, horizontal=True, help=self.help(info, path))
        if mode == modes[0]:
            self.branches[path] = "number"
            number = value if not isinstance(value, BaseModel) else default_of(info)
            return self.number(where, info, path, number, is_int)
        if mode == modes[1]:
            self.branches[path] = "model"
            return self.model(where, model, path, value if isinstance(value, model) else None)
        self.branches[path] = "json"
        wanted = typed_as_json[modes.index(mode) - 2]
        return self.json(where, info, path, value if isinstance(value, wanted) else None, key_suffix=".__json")
