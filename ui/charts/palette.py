"""The app's colors: one palette for every chart, so the teacher and the student look the same everywhere.

Imports nothing. Okabe–Ito colors (safe for the common color-vision deficiencies); the two sides use
the darkest pair, each ≥ 4:1 contrast on white, and every series also differs by dash or marker.
"""

TEACHER = "#D55E00"  # vermillion: "stay on the teacher"
STUDENT = "#0072B2"  # blue: "distil"
NEUTRAL = "#4D4D4D"  # annotations, SLO and target lines (9:1 on white)
CROSSING = "#000000"

# Student cost lines, stacked in this order (bottom to top).
BREAKDOWN = {
    "student_serving_usd": ("Serving", STUDENT),
    "student_fallback_usd": ("Fallback to teacher", TEACHER),
    "student_redistill_usd": ("Re-distillation", "#009E73"),
    "student_monitoring_usd": ("Monitoring", "#56B4E9"),
    "student_errors_usd": ("Errors", "#E69F00"),
    "student_router_usd": ("Router", "#CC79A7"),
    "student_lead_teacher_usd": ("Teacher until the student serves", "#F0E442"),
}

# Distillation phases in the methods comparison, stacked in this order (bottom to top).
PHASES = {
    "data_generation_usd": ("Teacher generation", TEACHER),
    "teacher_scoring_usd": ("Teacher scoring", "#E69F00"),
    "student_sampling_usd": ("Student sampling", "#56B4E9"),
    "student_training_usd": ("Student training", STUDENT),
    "logit_storage_usd": ("Logit storage", "#009E73"),
}

# Scenario comparison: first scenario, second, ... (then cycles).
SCENARIOS = (STUDENT, "#7B3294", "#009E73", TEACHER)
SCENARIO_DASHES = ("solid", "dash", "dot", "dashdot")

FONT_COLOR = "#1A1A1A"
GRID_COLOR = "#D9D9D9"
