"""The scenario editor in the sidebar: every Scenario field, built from the pydantic models themselves.

Imports streamlit, pydantic and econ (plus `ui.loads`/`ui.state`). Labels, units, help text and
defaults come from each field's description and default on the model (defaults live once, there).
Widgets hold raw values; every run they are assembled into a dict and validated by econ as a whole.
A valid, evaluable result replaces the current scenario; an invalid one shows each validation
message under its field (st.error) and leaves the last valid scenario, and its result, in place.
"""

from __future__ import annotations

import json
import math
import re
import types
import typing
from dataclasses import dataclass, field
from typing import Any, Literal, Union

import streamlit as st
from pydantic import BaseModel, ValidationError
from pydantic_core import PydanticUndefined

import econ
from econ.profile import describe_validation_error, field_path
from ui import loads, state

P = state.INPUT_PREFIX
TYPED = "(type the price)"
TYPED_CAPACITY = "Typed capacity (requests/s per replica)"
FROM_PROFILE = "From a profile + latency SLO"
REQUIRED = "Required: enter a value"
KIND_LABELS = {"api": "API, priced per token", "self_hosted": "Self-hosted GPUs"}
SECTIONS = (  # (title, scenario field(s), expanded)
    ("Traffic", ("traffic",), True),
    ("Teacher (today)", ("teacher",), True),
    ("Student (distilled)", ("student",), True),
    ("Distillation spend", ("distillation",), False),
    ("Quality and fallback", ("quality",), False),
    ("Workload (tokens per request)", ("workload",), False),
    ("Horizon and finance", ("name", "description", "horizon_months", "annual_discount_rate"), False),
    ("Alternative: swap to an off-the-shelf model", ("swap",), False),
    ("Risk settings (JSON; the Risk page edits them too)", ("risk",), False),
)
JSON_FIELDS = {"risk"}  # nested lists of unions: edited as JSON, validated by econ like every field
_UNIT = re.compile(r"\(([^()]*)\)\s*\.?\s*(?:;.*)?$")
_FIELD_PREFIX = re.compile(r"^([a-z_][a-z0-9_]*(?:\.[a-z_][a-z0-9_]*)*)\s*:\s*(.+)$", re.S)


# --- reading the models -----------------------------------------------------------------------

def _strip(tp):
    """Annotated[X, ...] → X."""
    while typing.get_origin(tp) is typing.Annotated:
        tp = typing.get_args(tp)[0]
    return tp


def _members(tp) -> tuple[list, bool]:
    """Members of a union (Annotated stripped) and whether None is one of them."""
    tp = _strip(tp)
    if typing.get_origin(tp) in (Union, types.UnionType):
        args = [_strip(a) for a in typing.get_args(tp)]
        return [a for a in args if a is not type(None)], type(None) in args
    return [tp], False


def _is_model(tp) -> bool:
    return isinstance(tp, type) and issubclass(tp, BaseModel)


def label_of(info) -> str:
    """The field's description as a label (its unit in parentheses is part of it), no final period."""
    text = (info.description or "").strip()
    return text[:-1] if text.endswith(".") else text


def unit_of(info) -> str | None:
    """The unit in the description's parentheses: '(requests/day)' → 'requests/day'."""
    match = _UNIT.search(info.description or "")
    return match.group(1).split(";")[0].strip() if match else None


def _default(info):
    if info.default is not PydanticUndefined:
        return info.default
    if info.default_factory is not None:
        return info.default_factory()
    return None


def _step(info, is_int: bool):
    if is_int:
        return 1
    unit = unit_of(info) or ""
    if unit.startswith("fraction") or unit.startswith("ratio"):
        return 0.01
    default = _default(info)
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


# --- the form ---------------------------------------------------------------------------------

@dataclass
class Form:
    """Widgets of one run: their error slots by field path and the branch chosen in each union."""

    container: Any
    force: bool = False  # overwrite every widget's value from the scenario (it was replaced elsewhere)
    slots: dict[str, Any] = field(default_factory=dict)
    branches: dict[str, str] = field(default_factory=dict)  # union path → 'number' or 'model'
    parse_errors: list[tuple[str, str]] = field(default_factory=list)  # text the form could not read

    def slot(self, path: str, where) -> None:
        self.slots[path] = where.empty()

    def _init(self, key: str, value) -> None:
        if self.force or key not in st.session_state:
            st.session_state[key] = value

    def help(self, info, path: str) -> str:
        default = _default(info)
        shown = "required" if default is None and info.is_required() else repr(default)
        return f"{info.description or ''}\n\nField `{path}` · default: {shown}"

    # scalar widgets
    def number(self, where, info, path: str, value, is_int: bool):
        key = P + path
        if isinstance(value, bool) or not isinstance(value, int | float):
            value = None
        self._init(key, None if value is None else (int(value) if is_int else float(value)))
        out = where.number_input(label_of(info) or path, key=key, value=None, step=_step(info, is_int),
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

    def json(self, where, info, path: str, value):
        """A structured field typed as JSON; blank means none. Parsed here, validated by econ."""
        key = P + path
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
        value = getattr(obj, name) if obj is not None else _default(info)
        if path in JSON_FIELDS:
            return self.json(where, info, path, value)
        members, optional = _members(info.annotation)
        first = members[0]
        if {econ.ApiServing, econ.SelfHostedServing} <= set(members):
            return self.serving(where, path, value)
        if str in members and econ.Profile in members:
            return self.profile(where, info, path, value, optional)
        scalars = [m for m in members if m in (int, float)]
        models = [m for m in members if _is_model(m)]
        if scalars and models:
            return self.number_or_model(where, info, path, value, scalars[0] is int, models[0])
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

    def number_or_model(self, where, info, path: str, value, is_int: bool, model: type[BaseModel]):
        key = P + path + ".__mode"
        modes = ["Amount", f"Derive ({model.__name__})"]
        self._init(key, modes[1] if isinstance(value, model) else modes[0])
        mode = where.radio(label_of(info), modes, key=key, horizontal=True, help=self.help(info, path))
        if mode == modes[0]:
            self.branches[path] = "number"
            number = value if not isinstance(value, BaseModel) else _default(info)
            return self.number(where, info, path, number, is_int)
        self.branches[path] = "model"
        return self.model(where, model, path, value if isinstance(value, model) else None)

    # serving: API or self-hosted, with price tables and profiles
    def serving(self, where, path: str, value) -> dict:
        self.slot(path, where)  # "give exactly one of ..." lands here
        kinds = list(KIND_LABELS)
        key = P + path + ".kind"
        self._init(key, value.kind if value is not None else "api")
        kind = where.radio("How it is served", kinds, key=key, format_func=KIND_LABELS.get, horizontal=True,
                           help=f"API: priced per token. Self-hosted: GPUs priced per hour. Field `{path}.kind`.")
        obj = value if value is not None and value.kind == kind else default_sides().get(kind)
        if kind == "api":
            self.api_table(where, path)
            out = self.model(where, econ.ApiServing, path, obj, skip=("kind",))
        else:
            out = self.self_hosted(where, path, obj)
        return {"kind": kind, **out}

    def api_table(self, where, path: str) -> None:
        rows = {r["model"]: r for r in loads.api_price_rows()}
        key = P + path + ".__api_table"

        def apply() -> None:
            row = rows.get(st.session_state[key])
            if row is None:
                return
            st.session_state[P + path + ".name"] = row["model"]
            st.session_state[P + path + ".input_usd_per_mtok"] = float(row["input_usd_per_mtok"])
            st.session_state[P + path + ".output_usd_per_mtok"] = float(row["output_usd_per_mtok"])
            st.session_state[P + path + ".batch_discount"] = float(row["batch_discount"])
            if row["cached_input_usd_per_mtok"] is not None:
                st.session_state[P + path + ".cached_input_usd_per_mtok"] = float(row["cached_input_usd_per_mtok"])

        self._init(key, TYPED)
        where.selectbox(
            "Fill prices from the API price table", [TYPED, *rows], key=key, on_change=apply,
            format_func=lambda m: m if m == TYPED else (
                f"{m}: ${rows[m]['input_usd_per_mtok']:g} in / ${rows[m]['output_usd_per_mtok']:g} out "
                f"per M tokens ({rows[m]['as_of']})"),
            help="Copies the listed prices into the fields below; edit them after if your contract differs.",
        )

    def gpu_table(self, where, path: str) -> None:
        rows = {f"{r['gpu']} · {r['offer']}": r for r in loads.gpu_price_rows()}
        key = P + path + ".__gpu_table"

        def apply() -> None:
            row = rows.get(st.session_state[key])
            if row is not None:
                st.session_state[P + path + ".gpu_name"] = row["gpu"]
                st.session_state[P + path + ".gpu_usd_per_hour"] = float(row["usd_per_gpu_hour"])

        self._init(key, TYPED)
        where.selectbox(
            "Fill the GPU price from the price table", [TYPED, *rows], key=key, on_change=apply,
            format_func=lambda k: k if k == TYPED else f"{k}: ${rows[k]['usd_per_gpu_hour']:.2f}/GPU-hour "
                                                       f"({rows[k]['as_of']})",
            help="Copies the listed $/GPU-hour into the field below.",
        )

    def self_hosted(self, where, path: str, obj) -> dict:
        model = econ.SelfHostedServing
        self.gpu_table(where, path)
        out = {name: self.field(where, model, name, f"{path}.{name}", obj)
               for name in ("gpu_name", "gpu_usd_per_hour", "gpus_per_replica")}
        key = P + path + ".__capacity"
        self._init(key, FROM_PROFILE if obj is not None and obj.profile is not None else TYPED_CAPACITY)
        source = where.radio("Capacity per replica", [TYPED_CAPACITY, FROM_PROFILE], key=key,
                             help="Type the requests/s one replica serves at your latency target, or derive it "
                                  "from a measured or estimated profile and a latency SLO.")
        if source == TYPED_CAPACITY:
            out["requests_per_second_per_replica"] = self.field(
                where, model, "requests_per_second_per_replica", f"{path}.requests_per_second_per_replica", obj)
            out["profile"] = None
            out["slo"] = None
        else:
            out["requests_per_second_per_replica"] = None
            out["profile"] = self.profile(where, model.model_fields["profile"], f"{path}.profile",
                                          obj.profile if obj is not None else None, optional=False)
            slo = obj.slo if obj is not None else None
            slo_values = self.model(where, econ.LatencySlo, f"{path}.slo", slo)
            out["slo"] = slo_values if any(v is not None for v in slo_values.values()) else None
        for name in ("target_utilization", "min_replicas", "billing", "input_tokens", "output_tokens"):
            out[name] = self.field(where, model, name, f"{path}.{name}", obj)
        return out

    def profile(self, where, info, path: str, value, optional: bool):
        """Pick a stored profile (profiles/data/), one uploaded on the Profiles page, or the one given."""
        choices: dict[str, str | econ.Profile | None] = {}
        if optional:
            choices["(none)"] = None
        for file_path, prof in loads.valid_stored_profiles().items():
            choices[f"stored: {prof.model.name} on {prof.hardware.name} ({prof.provenance}) · "
                    f"{file_path.rsplit('/', 1)[-1]}"] = file_path
        for name, prof in loads.uploaded_profiles().items():
            choices[f"uploaded: {prof.model.name} on {prof.hardware.name} ({prof.provenance}) · {name}"] = prof
        current = None
        for label, ref in choices.items():
            if ref is not None and (ref == value):
                current = label
        if current is None and value is not None:
            current = (f"this scenario's file: {value}" if isinstance(value, str)
                       else f"embedded: {value.model.name} on {value.hardware.name} ({value.provenance})")
            choices[current] = value
        key = P + path
        labels = list(choices)
        if st.session_state.get(key) not in labels:
            st.session_state.pop(key, None)
        self._init(key, current if current is not None else (labels[0] if labels else None))
        if not labels:
            where.info("No profiles yet: add files to profiles/data/ or upload one on the Profiles page.")
            self.slot(path, where)
            return None
        picked = where.selectbox(label_of(info), labels, key=key, help=self.help(info, path))
        self.slot(path, where)
        return choices.get(picked)


# --- validation and errors --------------------------------------------------------------------

def _relevant(error: dict, branches: dict[str, str]) -> bool:
    """Drop the messages of the union branch the user did not pick (amount vs derive)."""
    loc = [str(p) for p in error["loc"]]
    for path, branch in branches.items():
        parts = path.split(".")
        if loc[: len(parts)] == parts and len(loc) > len(parts):
            tag = loc[len(parts)]  # 'float', 'constrained-float', 'DataGeneration', 'function-after[…, TrainingRun]'
            is_number_tag = tag in ("float", "int") or tag.startswith("constrained-")
            if (branch == "number") != is_number_tag:
                return False
    return True


def _message(error: dict) -> str:
    """pydantic's message, except an empty number box: 'Required: enter a value'."""
    if error.get("input", ...) is None and error["type"] in ("int_type", "float_type", "string_type"):
        return REQUIRED
    return error["msg"]


def problems_of(values: dict, branches: dict[str, str]) -> tuple[econ.Scenario | None, econ.Evaluation | None,
                                                                 list[tuple[str, str]]]:
    """Validate and evaluate `values`: (scenario, evaluation, []) or (None, None, [(field path, message)])."""
    try:
        scenario = econ.Scenario.model_validate(values)
    except ValidationError as exc:
        found = [(field_path(e["loc"]), _message(e)) for e in exc.errors() if _relevant(e, branches)]
        return None, None, found or [("(root)", describe_validation_error(exc))]
    try:
        return scenario, econ.evaluate(scenario), []
    except ValueError as exc:  # capacity: a profile that cannot be read, an SLO no batch meets
        match = _FIELD_PREFIX.match(str(exc))
        return None, None, [(match.group(1), match.group(2))] if match else [("(root)", str(exc))]


def show_problems(form: Form, problems: list[tuple[str, str]], general) -> None:
    """Each message under its field (the nearest enclosing field that has a slot)."""
    by_slot: dict[str, list[str]] = {}
    for path, message in problems:
        target = path
        while target and target not in form.slots:
            target = target.rpartition(".")[0]
        by_slot.setdefault(target or "", []).append(message if target == path else f"{path}: {message}")
    for target, messages in by_slot.items():
        (form.slots[target] if target else general).error("\n\n".join(messages))


def render_sidebar() -> list[tuple[str, str]]:
    """Draw every input in the sidebar; update the current scenario when the inputs are valid.

    Returns the problems found ([] when the inputs are valid), so the page can say it shows the
    last valid result.
    """
    scenario = state.current_scenario()
    side = st.sidebar
    side.header("Inputs")
    general = side.empty()
    form = Form(side, force=not state.sidebar_in_sync())
    values: dict[str, Any] = {}
    shown = {name for _, names, _ in SECTIONS for name in names}
    sections = [*SECTIONS, ("Other settings", tuple(n for n in econ.Scenario.model_fields if n not in shown), False)]
    for title, names, expanded in sections:
        if not names:
            continue
        box = side.expander(title, expanded=expanded)
        for name in names:
            if name in shown:
                values[name] = form.field(box, econ.Scenario, name, name, scenario)
            else:  # a field added to the model after this editor was written: JSON, never dropped
                JSON_FIELDS.add(name)
                values[name] = form.json(box, econ.Scenario.model_fields[name], name, getattr(scenario, name))
    candidate, evaluation, problems = problems_of(values, form.branches)
    problems = form.parse_errors + problems if form.parse_errors else problems
    if problems:
        general.error("Some inputs are invalid (see below); the pages show the last valid result.")
        show_problems(form, problems, general)
        state.mark_sidebar_source(scenario)
        return problems
    if candidate != scenario:
        state.set_scenario(candidate, evaluation)
        state.mark_sidebar_source(candidate)
    else:
        state.mark_sidebar_source(scenario)
    return []
