"""Fields named in words: econ's name for a field is the start of the label the sidebar shows for it (its
description), so a message's words can be found on screen; never a JSON path."""

from __future__ import annotations

import pytest

from econ.model.labels import description_of, field_label, field_name
from econ.model.plausibility import INPUT_BANDS


@pytest.mark.parametrize("path", sorted({b.field for b in INPUT_BANDS} | {
    "quality.usd_per_error", "quality.student_error_rate", "quality.teacher_error_rate",
    "quality.fallback_rate",
    "student.profile", "swap.serving.gpu_usd_per_hour", "distillation.training_usd.gpu_usd_per_hour"}))
def test_a_fields_name_is_the_start_of_its_sidebar_label(path):
    label = description_of(path).strip().rstrip(".")  # what ui.sidebar.fields.label_of shows
    assert label.startswith(field_label(path)) and field_label(path)
    assert "." not in field_label(path) and "_" not in field_label(path)


def test_a_side_is_named_because_teacher_and_student_share_labels():
    assert field_name("traffic.monthly_growth") == "“Compound growth of traffic per month”"
    assert field_name("student.target_utilization") == (
        "the student's “Share of capacity the fleet is planned to use at peak”")
    assert field_name("teacher.output_usd_per_mtok") == "the teacher's “Price of output tokens”"
    assert description_of("student.no_such_field") is None
