"""Error placement: validate the form's values with econ and put each message beside its field.

Imports pydantic and econ. A message is placed by its field path, which comes as data: pydantic's
error location, or `econ.FieldError.field` for what only evaluation finds (a profile, an SLO).
"""

from __future__ import annotations

from pydantic import ValidationError

import econ
from econ.base.errors import ROOT, FieldError, describe_validation_error, field_path

REQUIRED = "Required: enter a value"


def _relevant(error: dict, branches: dict[str, str]) -> bool:
    """Drop the messages of the union branch the user did not pick (amount vs derive)."""
    loc = [str(p) for p in error["loc"]]
    for path, branch in branches.items():
        parts = path.split(".")
        if loc[: len(parts)] == parts and len(loc) > len(parts):
            # 'float', 'constrained-float', 'DataGeneration', 'function-after[…, TrainingRun]', or a
            # discriminated union's tag ('Usd', 'TrainingRun', 'DistillationRun')
            tag = loc[len(parts)]
            is_number_tag = tag in ("float", "int", "Usd") or tag.startswith("constrained-")
            if (branch == "number") != is_number_tag:
                return False
    return True


def _message(error: dict) -> str:
    """pydantic's message, except an empty number box: 'Required: enter a value'."""
    if error.get("input", ...) is None and error["type"] in ("int_type", "float_type", "string_type"):
        return REQUIRED
    return error["msg"]


def problems_of(values: dict, branches: dict[str, str], current: econ.Scenario | None = None) -> tuple[
        econ.Scenario | None, econ.Evaluation | None, list[tuple[str, str]]]:
    """Validate and evaluate `values`: (scenario, evaluation, []) or (None, None, [(field path, message)]).

    Values that give the `current` scenario again are not evaluated: its evaluation is computed once, where a
    page asks for it (`ui.state.current_evaluation`), so nothing is evaluated twice in one rerun.
    """
    try:
        scenario = econ.Scenario.model_validate(values)
    except ValidationError as exc:
        found = [(field_path(e["loc"]), _message(e)) for e in exc.errors() if _relevant(e, branches)]
        return None, None, found or [(ROOT, describe_validation_error(exc))]
    if scenario == current:
        return current, None, []
    try:
        return scenario, econ.evaluate(scenario), []
    except FieldError as exc:  # capacity: a profile that cannot be read, an SLO no batch meets
        return None, None, [(exc.field, exc.message)]
    except ValueError as exc:
        return None, None, [(ROOT, str(exc))]


def show_problems(form, problems: list[tuple[str, str]], general) -> None:
    """Each message under its field (the nearest enclosing field that has a slot)."""
    by_slot: dict[str, list[str]] = {}
    for path, message in problems:
        target = path
        while target and target not in form.slots:
            target = target.rpartition(".")[0]
        by_slot.setdefault(target or "", []).append(message if target == path else f"{path}: {message}")
    for target, messages in by_slot.items():
        (form.slots[target] if target else general).error("\n\n".join(messages))


def show_flags(form, flags) -> None:
    """Each plausibility warning (econ.model.plausibility) under every field it names that has a slot."""
    by_slot: dict[str, list[str]] = {}
    for flag in flags:
        for path in flag.fields:
            if path in form.slots:
                by_slot.setdefault(path, []).append(flag.message)
    for path, messages in by_slot.items():
        form.slots[path].warning("\n\n".join(messages))
