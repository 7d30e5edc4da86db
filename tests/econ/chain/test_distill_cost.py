"""A distillation run priced phase by phase: one worked example per method, tokens to dollars by hand, the
gates that rule methods out, re-distillation from stored logits, and phases from a measured profile."""

from __future__ import annotations

import pytest
from builders import scenario

import econ
from econ.chain.distill_cost import phase_tokens, run_spend
from econ.model.distill_profile import DistillationProfile

SELF_HOSTED_TEACHER = {"kind": "self_hosted", "gpu_usd_per_hour": 2.0, "gpus_per_replica": 4,
                       "requests_per_second_per_replica": 10}
VOLUMES = {"examples": 100_000, "prompt_tokens": 500, "completion_tokens": 300, "epochs": 2}
TRAINING = {"tokens_per_s": 20_000, "gpus": 8, "gpu_usd_per_hour": 2.5}
SCORING = {"tokens_per_s": 100_000, "gpus": 4, "gpu_usd_per_hour": 4.0}


def lines(run: dict, teacher=None) -> dict[str, float]:
    changes = {"distillation__training_usd": run}
    if teacher is not None:
        changes["teacher"] = teacher
    return econ.evaluate(scenario(**changes)).upfront_lines_usd


def test_sequence_prices_the_student_training_alone():
    got = lines({"method": "sequence", **VOLUMES, "training": TRAINING})
    # 100,000 examples × (500 + 300) tokens × 2 epochs = 1.6e8 tokens ÷ 20,000 tokens/s = 8,000 s
    # = 2.2222 h × 8 GPUs = 17.778 GPU-hours × $2.50 = $44.44.
    assert got["student_training_usd"] == pytest.approx(44.4444, abs=1e-4)
    assert got["teacher_scoring_usd"] == got["student_sampling_usd"] == got["logit_storage_usd"] == 0
    assert "training_usd" not in got  # the phases replace the single line
    assert got["data_generation_usd"] == 750  # the teacher's text: the scenario's data generation line


def test_logit_offline_scores_once_and_stores_the_top_k():
    run = {"method": "logit-offline", **VOLUMES, "top_k": 32, "months_kept": 3, "scoring": SCORING,
           "training": TRAINING}
    got = lines(run, SELF_HOSTED_TEACHER)
    # Scoring once: 100,000 × 800 = 8e7 tokens ÷ 100,000 tokens/s = 800 s × 4 GPUs = 0.8889 GPU-h × $4 =
    # $3.5556.
    assert got["teacher_scoring_usd"] == pytest.approx(3.5556, abs=1e-4)
    assert got["student_training_usd"] == pytest.approx(44.4444, abs=1e-4)
    # Storage: 100,000 × 300 completion tokens × 32 × (4 + 2) bytes = 5.76e9 B = 5.76 GB × $0.023 × 3 months
    # = $0.39744.
    assert got["logit_storage_usd"] == pytest.approx(0.39744)


def test_logit_online_scores_every_epoch():
    got = lines({"method": "logit-online", **VOLUMES, "scoring": SCORING, "training": TRAINING},
                SELF_HOSTED_TEACHER)
    # Every epoch: 1.6e8 tokens ÷ 100,000 tokens/s = 1,600 s × 4 GPUs = 1.7778 GPU-h × $4 = $7.1111 (twice
    # offline).
    assert got["teacher_scoring_usd"] == pytest.approx(7.1111, abs=1e-4)
    assert got["logit_storage_usd"] == 0


def test_on_policy_pays_sampling_scoring_and_a_lora_update_every_step():
    run = {"method": "on-policy", "finetune": "lora", "steps": 1_000, "prompts_per_step": 64,
           "prompt_tokens": 500, "sampled_tokens": 300,
           "sampling": {"tokens_per_s": 5_000, "gpus": 1, "gpu_usd_per_hour": 2.0}, "scoring": SCORING,
           "training": {"parameters": 1e9, "peak_flop_per_s": 989e12, "mfu": 0.4, "gpus": 8,
                        "gpu_usd_per_hour": 2.5}}
    got = lines(run, SELF_HOSTED_TEACHER)
    # 64,000 rollouts × 300 sampled = 1.92e7 tokens ÷ 5,000 tokens/s = 3,840 s = 1.0667 GPU-h × $2 = $2.1333.
    assert got["student_sampling_usd"] == pytest.approx(2.1333, abs=1e-4)
    # Scoring prompt + samples: 64,000 × 800 = 5.12e7 tokens ÷ 100,000 = 512 s × 4 GPUs = 0.5689 GPU-h × $4 =
    # $2.2756.
    assert got["teacher_scoring_usd"] == pytest.approx(2.2756, abs=1e-4)
    # LoRA roofline: 4 × 1e9 FLOP/token; 989e12 × 0.4 × 8 GPUs ÷ 4e9 = 791,200 tokens/s; 5.12e7 ÷ 791,200 =
    # 64.71 s
    # × 8 GPUs = 0.14380 GPU-h × $2.50 = $0.35951.
    assert got["student_training_usd"] == pytest.approx(0.35951, abs=1e-5)


def test_the_phases_add_up_to_the_upfront_total():
    s = scenario(teacher=SELF_HOSTED_TEACHER, distillation__training_usd={
        "method": "logit-offline", **VOLUMES, "scoring": SCORING, "training": TRAINING})
    result = econ.evaluate(s)
    assert sum(result.upfront_lines_usd.values()) == pytest.approx(result.upfront_usd)
    assert any("teacher scoring: 80,000,000 tokens" in w for w in result.warnings)


def test_an_api_teacher_rules_out_online_and_on_policy_by_name():
    with pytest.raises(ValueError,
                       match=r"distillation\.training_usd\.method: an API teacher cannot serve logit-online"):
        lines({"method": "logit-online", **VOLUMES, "scoring": SCORING, "training": TRAINING})


def test_an_api_teacher_allows_top_20_over_its_own_outputs_and_says_so():
    with pytest.raises(ValueError,
                       match=r"distillation\.training_usd\.top_k: an API teacher returns at most 20"):
        lines({"method": "logit-offline", **VOLUMES, "top_k": 32, "training": TRAINING})
    s = scenario(
        distillation__training_usd={"method": "logit-offline", **VOLUMES, "top_k": 20, "training": TRAINING})
    result = econ.evaluate(s)
    # No scoring phase: the logprobs come with the generation. Storage: 3e7 tokens × 20 × 6 B = 3.6 GB ×
    # $0.023.
    assert result.upfront_lines_usd["teacher_scoring_usd"] == 0
    assert result.upfront_lines_usd["logit_storage_usd"] == pytest.approx(3.6 * 0.023)
    assert any("top-20 logprobs over its own generated tokens" in w for w in result.warnings)


def test_online_kd_that_does_not_fit_names_the_memory_field():
    run = {"method": "logit-online", **VOLUMES, "scoring": SCORING, "memory_needed_gib": 150,
           "training": {**TRAINING, "gpus": 1, "gpu_memory_gib": 80}}
    with pytest.raises(ValueError,
                       match=r"training\.gpu_memory_gib: online KD .* need 150\.0 GiB, the 1 GPU\(s\) "
                                         r"given hold 80\.0 GiB"):
        lines(run, SELF_HOSTED_TEACHER)
    run["training"]["gpus"] = 2  # 160 GiB: fits
    assert lines(run, SELF_HOSTED_TEACHER)["teacher_scoring_usd"] > 0


def distill_profile(method: str, teacher_vocab: int, student_vocab: int, phases: dict[str, float]) -> dict:
    """A hand-made distillation profile (as `profiles distill` writes one) with given phase tokens/s."""
    def info(name, vocab):
        return {"name": name, "parameters": 1000, "dtype": "bf16", "vocab_size": vocab}
    return {"provenance": "measured", "teacher": info("t", teacher_vocab),
            "student": info("s", student_vocab),
            "hardware": {"device": "cuda", "name": "H100", "gpu_count": 1},
            "distillation": {"method": method, "finetune": "full", "batch_size": 4, "seq_len": 256,
                             "phases": [{"name": n, "tokens_per_s": t, "tokens_per_step": 1024,
                                         "seconds_per_step": 1024 / t,
                                         "steps": 5} for n, t in phases.items()],
                             "step_seconds": sum(1024 / t for t in phases.values()), "teacher_share": 0.5,
                             "trainable_parameters": 1000, "student_parameters": 1000,
                             "vocab_size": student_vocab, "memory_needed_gib": 40}}


def test_phases_read_from_a_measured_profile_scale_with_the_gpus(tmp_path):
    path = tmp_path / "online.json"
    profile = DistillationProfile.model_validate(
        distill_profile("logit-online", 2048, 2048, {"teacher_scoring": 50_000, "student_training": 10_000}))
    path.write_text(profile.model_dump_json())
    run = {"method": "logit-online", **VOLUMES,
           "scoring": {"profile": str(path), "gpus": 2, "gpu_usd_per_hour": 3.0},
           "training": {"profile": str(path), "gpus": 2, "gpu_usd_per_hour": 3.0}}
    got = lines(run, SELF_HOSTED_TEACHER)
    # Two GPUs: 100,000 tokens/s scoring; 1.6e8 tokens → 1,600 s × 2 GPUs = 0.8889 GPU-h × $3 = $2.6667.
    assert got["teacher_scoring_usd"] == pytest.approx(2.6667, abs=1e-4)
    # Training 20,000 tokens/s: 8,000 s × 2 GPUs = 4.4444 GPU-h × $3 = $13.333.
    assert got["student_training_usd"] == pytest.approx(13.3333, abs=1e-4)


def test_two_vocabularies_rule_out_a_logit_method(tmp_path):
    path = tmp_path / "mixed.json"
    path.write_text(DistillationProfile.model_validate(
        distill_profile("logit-online", 128_256, 32_000, {"teacher_scoring": 5e4, "student_training": 1e4}))
        .model_dump_json())
    side = {"profile": str(path), "gpu_usd_per_hour": 3.0}
    with pytest.raises(ValueError,
                       match=r"training_usd\.method: logit-online compares .* 128,256 tokens .* 32,000"):
        lines({"method": "logit-online", **VOLUMES, "scoring": side, "training": side}, SELF_HOSTED_TEACHER)


def test_redistilling_from_stored_logits_skips_the_scoring():
    s = scenario(teacher=SELF_HOSTED_TEACHER, distillation__redistill_usd=None,
                 distillation__redistill_fraction_of_upfront=1.0,
                 distillation__training_usd={"method": "logit-offline", **VOLUMES, "scoring": SCORING,
                                             "training": TRAINING})
    result = econ.evaluate(s)
    # Training $44.4444 + storage 5.76 GB × $0.023 × 1 month = $0.13248; neither scoring nor data generation.
    assert result.monthly.loc[5, "student_redistill_usd"] == pytest.approx(44.4444 + 0.13248, abs=1e-4)
    again = s.model_copy(update={"distillation": s.distillation.model_copy(update={
        "training_usd": s.distillation.training_usd.model_copy(update={"redistill_reuses_logits": False})})})
    lines_again = econ.evaluate(again).upfront_lines_usd
    # Without reuse: the fraction of data generation + the whole run, as for any other training line.
    expected = lines_again["data_generation_usd"] + 3.5556 + 44.4444 + 0.13248
    assert econ.evaluate(again).monthly.loc[5, "student_redistill_usd"] == pytest.approx(expected, abs=1e-3)


def test_a_run_needs_the_volumes_of_its_method():
    with pytest.raises(econ.ScenarioError, match="on-policy needs steps, prompts_per_step, sampled_tokens"):
        scenario(distillation__training_usd={"method": "on-policy", "training": TRAINING,
                                             "sampling": TRAINING})
    with pytest.raises(econ.ScenarioError, match="exactly one of tokens_per_s, profile"):
        scenario(
            distillation__training_usd={"method": "sequence", **VOLUMES, "training": {"gpu_usd_per_hour": 1}})


def test_online_scores_epochs_times_what_offline_scores():
    s = scenario(teacher=SELF_HOSTED_TEACHER, distillation__training_usd={
        "method": "logit-offline", **VOLUMES, "scoring": SCORING, "training": TRAINING})
    offline = s.distillation.training_usd
    online = offline.model_copy(update={"method": "logit-online"})
    assert phase_tokens(online)["teacher_scoring"] == VOLUMES["epochs"] * phase_tokens(offline)[
        "teacher_scoring"]
    assert run_spend(online, s.teacher).elapsed_s > run_spend(offline, s.teacher).elapsed_s


def test_the_cli_and_the_json_show_every_phase(capsys):
    from econ.cli.main import main

    assert main(["evaluate", "examples/distill-offline.json"]) == 0
    out = capsys.readouterr().out
    for line in ("teacher scoring", "student training", "logit storage", "data generation"):
        assert f"  {line}" in out
    assert main(["evaluate", "examples/distill-offline.json", "--format", "json"]) == 0
    assert '"teacher_scoring_usd"' in capsys.readouterr().out


@pytest.mark.parametrize("path", ["econ/data/default_scenario.json", "examples/template.json"])
def test_shipped_scenarios_keep_their_four_upfront_lines(path):
    result = econ.evaluate(econ.load_scenario(path))
    assert list(result.upfront_lines_usd) == ["data_generation_usd", "training_usd", "evaluation_usd",
                                              "engineering_usd"]
    assert sum(result.upfront_lines_usd.values()) == pytest.approx(result.upfront_usd)
