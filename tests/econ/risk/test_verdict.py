"""The verdict: one line a team lead can act on, from one function, never "Distil" on a case that does not
pay."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from builders import scenario, scenario_dict
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import econ
from econ.cli.main import main
from econ.model.uncertainty import Uncertainty
from econ.risk.simulation import monte_carlo
from econ.risk.verdict import MIN_CONFIDENCE, verdict

ROOT = Path(__file__).resolve().parents[3]
SAMPLES = ROOT / "examples" / "quality_samples.csv"
# The example's upfront spend: 750 data + 3,000 training + 0 evaluation + 20,000 engineering.
EXAMPLE_UPFRONT_USD = 23_750.0


def test_the_example_distils_on_cost_alone_and_says_so():
    v = verdict(scenario())
    assert v.call == "distil" and v.label == "Distil"
    # 4.3 months as typed (the example's known payback), 8 in 10 with the default 2-in-10 failure prior.
    assert v.line().startswith("Distil: pays back in 4.3 months with 8 in 10 confidence")
    assert "on cost alone; errors not priced" in v.line()
    assert v.confidence >= MIN_CONFIDENCE and v.p_student_fails == pytest.approx(0.2, abs=0.02)


def test_an_old_scenario_without_an_error_cost_loads_and_is_not_yet_decidable_naming_the_field():
    s = scenario(quality__usd_per_error=None)  # the key removed, as in files written before it existed
    assert s.quality.usd_per_error is None
    v = verdict(s)
    assert v.call == "undecidable" and v.line().startswith(
        "Not yet decidable: no cost per wrong answer is stated")
    assert [m.field for m in v.missing] == ["quality.usd_per_error"]
    assert v.missing[0].label == "Cost of one wrong answer (USD/error)"
    assert v.to_dict()["missing"][0]["field"] == "quality.usd_per_error"


def test_priced_errors_with_no_error_rate_are_not_yet_decidable():
    v = verdict(scenario(quality__usd_per_error=0.5))
    assert v.call == "undecidable"
    assert v.missing[0].field == "quality.student_error_rate"
    assert "no error rate is given" in v.reason
    # Either rate given makes it decidable.
    assert verdict(
        scenario(quality__usd_per_error=0.5, quality__student_error_rate=0.02)).call != "undecidable"


def test_an_estimated_capacity_close_to_a_tight_slo_is_not_yet_decidable():
    default = econ.default_scenario()
    assert verdict(default).call == "distil"  # batch 32 uses 665 of 1,000 ms TTFT: 67%, below 80%
    # A 700 ms TTFT SLO keeps batch 32 (665 ms) but at 95% of the limit: an estimate cannot tell.
    student = default.student.model_copy(update={"slo": econ.LatencySlo(ttft_ms_p99=700, tpot_ms_p99=50)})
    v = verdict(default.model_copy(update={"student": student}))
    assert v.call == "undecidable" and [m.field for m in v.missing] == ["student.profile"]
    assert "95% of the 700 ms TTFT SLO" in v.reason


def test_a_case_that_never_pays_is_dont_distil():
    v = verdict(scenario(traffic__requests_per_day=1000, traffic__monthly_growth=0.0))
    assert v.call == "dont_distil"
    assert v.line().startswith("Don't distil: does not pay back within 24 months as typed")


def test_a_failed_student_pays_the_upfront_spend_and_stays_on_the_teacher():
    mc = monte_carlo(scenario(quality__p_student_fails=0.3), Uncertainty(default_spread=0.0, draws=2000))
    failed = mc.draws["student_fails"].to_numpy()
    assert failed.mean() == pytest.approx(0.3, abs=0.03) and mc.p_student_fails == failed.mean()
    assert (mc.draws.loc[failed, "npv_usd"] == -EXAMPLE_UPFRONT_USD).all()
    assert mc.draws.loc[failed, "payback_months"].isna().all()
    assert mc.draws.loc[~failed, "npv_usd"].eq(econ.evaluate(scenario()).npv_usd).all()
    assert mc.p_npv_positive == pytest.approx(1 - failed.mean())
    assert any("never reaches the quality bar (stated prior" in s for s in mc.summary())


def test_graded_samples_replace_the_prior_with_the_chance_that_the_student_misses_the_teacher():
    def at(threshold: float) -> econ.Scenario:
        # the evidence measures it
        data = scenario_dict(quality__usd_per_error=0.5, quality__fallback_rate=None)
        data["quality"]["evidence"] = {"path": str(SAMPLES), "router_threshold": threshold}
        return econ.parse_scenario(data)

    # Threshold 0: the student alone is wrong 54 / 600 = 9.0% on production rows, the teacher 18 / 600 = 3.0%.
    never_fall_back = monte_carlo(at(0.0), draws=2000)
    assert never_fall_back.failure_source == "evidence" and never_fall_back.p_student_fails == 1.0
    assert verdict(at(0.0)).call == "dont_distil"
    # Threshold 0.7: residual 15 / 600 = 2.5% vs the teacher's 3.0%. P(student > teacher) under the Jeffreys
    # posteriors Beta(15.5, 585.5) and Beta(18.5, 582.5), computed here by an independent sample.
    rng = np.random.default_rng(7)
    expected = np.mean(rng.beta(15.5, 585.5, 400_000) > rng.beta(18.5, 582.5, 400_000))
    routed = monte_carlo(at(0.7), draws=20_000)
    assert routed.p_student_fails == pytest.approx(expected, abs=0.015)
    assert "quality priced from 600 production samples" in verdict(at(0.7)).line()


def test_evaluate_prints_the_verdict_first_in_text_and_json(capsys):
    assert main(["evaluate", str(ROOT / "examples" / "template.json")]) == 0
    first = capsys.readouterr().out.splitlines()[0]
    assert first.startswith("Distil: pays back in ") and first.endswith("on cost alone; errors not priced.")
    assert main(["evaluate", str(ROOT / "examples" / "template.json"), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert list(data)[0] == "verdict" and data["verdict"]["line"] == first


def test_risk_prints_the_same_verdict_line(capsys, tmp_path):
    path = tmp_path / "old.json"
    path.write_text(json.dumps(scenario_dict(quality__usd_per_error=None)))
    assert main(["risk", str(path), "--draws", "500"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("Not yet decidable: no cost per wrong answer")
    assert out[1].startswith(
        "  missing: Cost of one wrong answer (USD/error) (scenario field quality.usd_per_error)")


QUICK = {"draws": 300}  # the verdict's Monte Carlo, small enough for many examples
cases = st.fixed_dictionaries({
    "traffic__requests_per_day": st.floats(100, 3e6),
    "traffic__monthly_growth": st.floats(-0.1, 0.3),
    "teacher__output_usd_per_mtok": st.floats(0.1, 60),
    "student__requests_per_s_per_replica": st.floats(0.5, 200),
    "quality__teacher_error_rate": st.floats(0.0, 0.2),
    "quality__p_student_fails": st.floats(0.0, 0.9),
    "distillation__engineering_usd": st.floats(0, 2e6),
})


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases, st.floats(0.0, 50.0))
def test_a_scenario_that_never_pays_is_never_distil(changes, usd_per_error):
    s = scenario(**changes, quality__usd_per_error=usd_per_error, quality__student_error_rate=0.05,
                 risk=QUICK)
    result = econ.evaluate(s)
    v = verdict(s, result)
    if result.payback_months is None or result.npv_usd <= 0:
        assert v.call != "distil"
    if v.call == "distil":
        assert v.confidence >= MIN_CONFIDENCE


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases, st.floats(0.0, 5.0), st.floats(0.0, 50.0), st.floats(0.0, 0.2), st.sampled_from([0.0, 0.2]))
def test_raising_the_error_cost_never_turns_dont_into_distil(changes, low, extra, worse_by, spread):
    """A student no better than its teacher: each wrong answer priced higher can only make distilling look
    worse.

    With a spread, the error rates are held (teacher 0, student above it in every draw) so that raising the
    cost lowers every draw's NPV; the same seed gives the same draws of everything else.
    """
    if spread:
        changes = {**changes, "quality__teacher_error_rate": 0.0}
        low = max(low, 0.01)  # a priced error in both, so both draw the same inputs
    student_error = changes["quality__teacher_error_rate"] + worse_by + 0.001
    base = scenario(**changes, quality__student_error_rate=student_error,
                    risk={**QUICK, "default_spread": spread})
    cheap, dear = (
        base.model_copy(update={"quality": base.quality.model_copy(update={"usd_per_error": cost})})
                   for cost in (low, low + extra))
    if verdict(cheap).call == "dont_distil":
        assert verdict(dear).call != "distil"
