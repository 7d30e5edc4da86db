"""The sidebar's sections: their titles and the scenario fields each holds, in order.

Imports nothing. The sidebar draws them (`ui.sidebar.editor`); messages that send the user to a field
(the verdict's missing input) name the section from here, so both say the same.
"""

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


def section_of(field: str) -> str:
    """The sidebar section that holds a scenario field path: 'quality.usd_per_error' -> 'Quality and
    fallback'."""
    top = field.split(".")[0]
    return next((title for title, names, _ in SECTIONS if top in names), "Other settings")
