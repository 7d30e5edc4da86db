"""Invariants of the portfolio screen (hypothesis): more volume never hurts a cheaper student; tasks are
independent."""

from __future__ import annotations

from builders import scenario
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from usage_logs import TaskSpec, csv_bytes, synthetic_usage

from econ.portfolio.screen import screen
from econ.traffic.usage import parse_usage

DAYS = 91
PROPERTY_SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])

tasks = st.builds(
    TaskSpec,
    name=st.sampled_from(["a", "b", "c"]),
    requests_per_day=st.floats(50, 300_000),
    monthly_growth=st.floats(-0.05, 0.12),
    noise_cv=st.floats(0.0, 0.4),
    input_tokens=st.integers(1, 5000),
    output_tokens=st.integers(1, 2000),
    model=st.sampled_from(["claude-sonnet-4-5", "gpt-4.1", "gpt-5-mini"]),
)


def student_template(kind: str, price_share: float, fallback: float):
    """A template whose student costs `price_share` of a Sonnet-priced request (API) or scales linearly
    (autoscale)."""
    if kind == "api":
        student = {"kind": "api", "input_usd_per_mtok": 3.0 * price_share,
                   "output_usd_per_mtok": 15.0 * price_share}
    else:
        student = {"kind": "self_hosted", "gpu_usd_per_hour": 2.69, "requests_per_s_per_replica": 40,
                   "target_utilization": 0.7, "min_replicas": 0, "billing": "autoscale"}
    return scenario(student=student, quality__fallback_rate=fallback)


@PROPERTY_SETTINGS
@given(spec=tasks, kind=st.sampled_from(["api", "autoscale"]), price_share=st.floats(0.01, 0.5),
       fallback=st.floats(0.0, 0.4), seed=st.integers(0, 2**16))
def test_doubling_a_tasks_volume_never_lowers_its_npv_when_the_student_is_cheaper_per_request(
        spec, kind, price_share, fallback, seed):
    template = student_template(kind, price_share, fallback)
    frame = synthetic_usage([spec], days=DAYS, seed=seed)
    doubled = frame.assign(requests=frame["requests"] * 2, input_tokens=frame["input_tokens"] * 2,
                           output_tokens=frame["output_tokens"] * 2)
    once = screen(parse_usage(csv_bytes(frame), "once.csv"), template).tasks[0]
    twice = screen(parse_usage(csv_bytes(doubled), "twice.csv"), template).tasks[0]
    assume(once.scenario is not None)
    import econ

    x, _ = econ.numeric_inputs(once.scenario)
    teacher_per_request = float(x.teacher.usd_per_request[0])
    # Student's marginal cost of one more request: its own price (API) or GPU-seconds at the target
    # utilization (autoscale), plus the fallback share sent on to the teacher.
    own = float(x.student.usd_per_request[0]) if kind == "api" else (
        2.69 / 3600 / (float(x.student.requests_per_s_per_replica[0]) * 0.7))
    assume(own + fallback * teacher_per_request < teacher_per_request)
    assert twice.requests_per_day == 2 * once.requests_per_day
    assert twice.npv_usd >= once.npv_usd - 1e-9 * abs(once.npv_usd)


@PROPERTY_SETTINGS
@given(specs=st.lists(tasks, min_size=1, max_size=3, unique_by=lambda s: s.name), extra=tasks,
       extra_days=st.integers(10, DAYS), seed=st.integers(0, 2**16))
def test_adding_an_unrelated_task_changes_no_other_tasks_score(specs, extra, extra_days, seed):
    extra = TaskSpec(**{**vars(extra), "name": "unrelated", "days": extra_days})
    base = synthetic_usage(specs, days=DAYS, seed=seed)
    more = synthetic_usage([*specs, extra], days=DAYS, seed=seed)
    template = scenario()
    before = {t.task: t.to_dict() for t in screen(parse_usage(csv_bytes(base), "base.csv"), template).tasks}
    after = {t.task: t.to_dict() for t in screen(parse_usage(csv_bytes(more), "more.csv"), template).tasks}
    assert set(after) == set(before) | {"unrelated"}
    for name, row in before.items():
        assert after[name] == row


@settings(max_examples=25, deadline=None)
@given(tokens=st.lists(st.tuples(st.integers(1, 5000), st.integers(1, 2000)), min_size=2, max_size=5))
def test_each_task_keeps_its_own_token_counts_when_the_screen_stacks_them(tokens):
    import numpy as np

    from econ.chain.inputs import numeric_inputs
    from econ.portfolio.batch import stack_inputs

    inputs = [
        numeric_inputs(scenario(workload={"input_tokens": i, "output_tokens": o}))[0] for i, o in tokens]
    stacked = stack_inputs(inputs)
    for side in (stacked.teacher, stacked.student):
        assert np.array_equal(side.input_tokens, [i for i, _ in tokens])
        assert np.array_equal(side.output_tokens, [o for _, o in tokens])
