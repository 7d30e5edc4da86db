"""The sidebar's layout: its sections, which inputs sit in the *basic* part, and where a field is found.

Imports nothing. The sidebar draws them (`ui.sidebar.editor`); messages that send the user to a field
(the verdict's missing input) name the place from here, so both say the same.

The basic part holds the inputs that decide the answer (traffic and growth, the teacher's price or GPUs,
the student's GPU and capacity, fallback, error rates and their cost, the chance the student fails, the
lead time); the advanced part, collapsed, holds every other input under the same section titles.
"""

SECTIONS = (  # (title, scenario field(s))
    ("Traffic", ("traffic",)),
    ("Teacher (today)", ("teacher",)),
    ("Student (distilled)", ("student",)),
    ("Quality and fallback", ("quality",)),
    ("Distillation spend", ("distillation",)),
    ("Workload (tokens per request)", ("workload",)),
    ("Horizon and finance", ("name", "description", "horizon_months", "annual_discount_rate")),
    ("Alternative: swap to an off-the-shelf model", ("swap",)),
    ("Risk settings (JSON; the Risk page edits them too)", ("risk",)),
)
OTHER = "Other settings"  # fields added to the model after this layout was written
BASIC_TITLE = "Basic: the inputs that decide the answer"
ADVANCED_TITLE = "Advanced: every other input"

_SIDE_BASICS = ("kind", "__api_table", "input_usd_per_mtok", "output_usd_per_mtok", "__gpu_table",
                "gpu_usd_per_hour", "gpus_per_replica", "__capacity", "requests_per_s_per_replica", "profile",
                "slo", "slo.ttft_ms_p99", "slo.tpot_ms_p99")
# Widget paths (field paths, plus the helper widgets' `path.__name`) drawn in the basic part. A top-level
# name here only places that model's own messages ("give exactly one of ...") beside its basic inputs.
BASIC = frozenset({
    "traffic", "traffic.requests_per_day", "traffic.monthly_growth",
    *(f"{side}{rest}" for side in ("teacher", "student") for rest in ("", *(f".{n}" for n in _SIDE_BASICS))),
    "quality", "quality.fallback_rate", "quality.usd_per_error",
    "quality.teacher_error_rate", "quality.student_error_rate", "quality.p_student_fails",
    "distillation", "distillation.lead_time_months",
})


def is_basic(path: str) -> bool:
    """Whether the widget of a field path sits in the basic part of the sidebar."""
    return path in BASIC


def section_of(field: str) -> str:
    """The sidebar section that holds a scenario field path: 'quality.usd_per_error' -> 'Quality and
    fallback'."""
    top = field.split(".")[0]
    return next((title for title, names in SECTIONS if top in names), OTHER)


def place_of(field: str) -> str:
    """Where the sidebar shows a field: 'Quality and fallback' (basic part) or 'Advanced › Workload (...)'."""
    section = section_of(field)
    return section if is_basic(field) else f"{ADVANCED_TITLE.split(':')[0]} › {section}"
