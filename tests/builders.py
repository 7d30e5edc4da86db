"""Scenario builders shared by the econ tests (import with `from builders import scenario`)."""

from __future__ import annotations

import copy

from econ.model.examples import EXAMPLE_SCENARIO
from econ.model.scenario_files import parse_scenario


def scenario_dict(**changes) -> dict:
    """The example scenario as a dict, with nested changes given as 'section__field=value'."""
    data = copy.deepcopy(EXAMPLE_SCENARIO)
    for key, value in changes.items():
        node = data
        *path, last = key.split("__")
        for part in path:
            node = node.setdefault(part, {})
        if value is None:
            node.pop(last, None)
        else:
            node[last] = value
    return data


def scenario(**changes):
    """A validated example scenario with changes (see scenario_dict)."""
    return parse_scenario(scenario_dict(**changes))
