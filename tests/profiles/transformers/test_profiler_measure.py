"""The measuring side on real (tiny) transformers models on CPU: the decode loop, the sweep's faults
(out of memory, Ctrl-C), atomic writes, memory and hardware probes, training, and a measured profile
driving econ.evaluate. No wall-clock time is asserted anywhere."""

import pytest

torch = pytest.importorskip("torch")

import econ  # noqa: E402
from econ.model.profile import load_profile  # noqa: E402
from profiles import store  # noqa: E402
from profiles.backends.transformers.hw import measure_hardware  # noqa: E402
from profiles.backends.transformers.measure import DecodeSession  # noqa: E402
from profiles.backends.transformers.memory import MemoryTracker  # noqa: E402
from profiles.backends.transformers.models import build_preset, load_model  # noqa: E402
from profiles.backends.transformers.runner import RunHooks, run_profile  # noqa: E402
from profiles.backends.transformers.training import TrainingSteps, measure_training  # noqa: E402
from profiles.catalog import ModelArchitecture, model_catalog, model_preset  # noqa: E402
from profiles.settings import run_settings  # noqa: E402

TINY = dict(model="tiny-llama", device="cpu", input_tokens=8, output_tokens=4, repeats=2, min_seconds=0.0)


@pytest.fixture(scope="module")
def tiny():
    with torch.random.fork_rng():  # seeded random weights: a failure here reproduces
        torch.manual_seed(0)
        return load_model("tiny-llama", "cpu", "fp32")


@pytest.mark.parametrize("name", sorted(model_catalog()))
def test_every_preset_builds_with_the_catalog_parameter_count(name):
    arch = model_preset(name)
    model = build_preset(arch, "meta", "bf16")  # the meta device: shapes only, no memory
    assert sum(p.numel() for p in model.parameters()) == arch.parameters


def test_decode_loop_produces_the_same_tokens_as_generate(tiny):
    session = DecodeSession(tiny.model, "cpu", batch=2, input_tokens=8, output_tokens=6)
    timing = session.run()
    assert len(timing.token_times_s) == 6
    assert all(b > a for a, b in zip(timing.token_times_s, timing.token_times_s[1:], strict=False))
    ours = session.generated_tokens()
    # The reference never stops at EOS either (eos_token_id=None), like the fixed-length loop. Not
    # min_new_tokens: that bans EOS from the first 6 tokens, so whenever a random model's greedy token
    # is EOS (id 2, about 1 seed in 60) generate picks the runner-up and the sequences part.
    with torch.inference_mode():
        reference = tiny.model.generate(session.prompt, attention_mask=torch.ones_like(session.prompt),
                                        max_new_tokens=6, eos_token_id=None, do_sample=False,
                                        cache_implementation="static", pad_token_id=0)
    assert torch.equal(ours, reference[:, 8:])
    # A second run on the reset cache gives the same tokens (the cache does not leak between runs).
    session.run()
    assert torch.equal(session.generated_tokens(), ours)


@pytest.mark.parametrize("family", ["qwen2", "mistral"])
def test_other_families_run_the_same_loop(family):
    arch = ModelArchitecture(name=f"tiny-{family}", family=family, layers=2, hidden_size=64,
                             attention_heads=4, kv_heads=2, intermediate_size=128, vocab_size=256,
                             tied_embeddings=family == "qwen2", source="test")
    model = build_preset(arch, "cpu", "fp32")
    assert sum(p.numel() for p in model.parameters()) == arch.parameters
    session = DecodeSession(model, "cpu", batch=1, input_tokens=5, output_tokens=3)
    assert len(session.run().token_times_s) == 3


def test_a_sweep_writes_a_valid_measured_profile(tmp_path):
    out = tmp_path / "tiny.json"
    result = run_profile(run_settings(**TINY, batch_sizes=[1, 2], train=True, out=str(out)), command="test")
    profile = load_profile(out)
    assert profile == result.profile
    assert profile.provenance == "measured" and not profile.partial
    assert [p.batch_size for p in profile.points] == [1, 2]
    assert profile.hardware.device == "cpu" and profile.hardware.bandwidth_gb_per_s_measured > 0
    assert profile.environment.torch_version == torch.__version__ and profile.environment.threads >= 1
    point = profile.points[1]
    assert point.repeats >= 2 and point.ttft_ms.p50 > 0 and point.tpot_ms.p50 > 0
    # requests/s = batch / mean E2E, and the decode aggregate is batch × the per-sequence rate.
    assert point.requests_per_s == pytest.approx(2 / (point.e2e_ms.mean / 1000))
    assert point.decode_tokens_per_s == pytest.approx(2 * point.decode_tokens_per_s_per_sequence)
    assert point.peak_memory_gib > 0 and point.analytic_memory_gib > 0 and point.mbu > 0 and point.mfu > 0
    assert point.energy_j_per_token is None  # no NVML on CPU
    assert profile.training.batch_size == 2 and profile.training.seq_len == 12
    assert profile.training.tokens_per_s > 0
    assert list(tmp_path.iterdir()) == [out]  # no temp files left


def test_out_of_memory_at_one_batch_is_recorded_and_the_sweep_goes_on(tmp_path):
    def before_batch(batch):
        if batch == 2:
            # What CUDA raises when an allocation fails; the real except-and-free path handles it.
            raise torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB")

    out = tmp_path / "oom.json"
    result = run_profile(run_settings(**TINY, batch_sizes=[1, 2, 4], train=True, out=str(out)),
                         hooks=RunHooks(before_batch=before_batch))
    points = {p.batch_size: p for p in load_profile(out).points}
    assert points[2].oom and points[2].ttft_ms is None
    assert not points[1].oom and not points[4].oom and points[4].tpot_ms is not None
    assert any("batch 2: out of memory" in n for n in result.profile.notes)
    assert result.profile.training.batch_size == 4  # the largest batch that fit


def test_a_kv_cache_larger_than_memory_is_not_attempted(tmp_path):
    # llama-100m's KV cache is 24,576 bytes/token in fp32: batch 10^6 × 2,048 tokens ≈ 45 TiB.
    settings = run_settings(model="tiny-llama", device="cpu", batch_sizes=[1, 1_000_000], input_tokens=1024,
                            output_tokens=1024, repeats=1, min_seconds=0.0, out=str(tmp_path / "big.json"))
    hooks = RunHooks(
        before_batch=lambda b: pytest.fail("a batch that cannot fit must not start") if b > 1 else None)
    profile = run_profile(settings, hooks=hooks).profile
    assert profile.points[1].oom
    assert any("exceeds the free memory" in n for n in profile.notes)


def test_ctrl_c_keeps_the_completed_points_and_marks_the_file_partial(tmp_path):
    def after_point(point):
        raise KeyboardInterrupt

    out = tmp_path / "partial.json"
    result = run_profile(run_settings(**TINY, batch_sizes=[1, 2, 4], out=str(out)),
                         hooks=RunHooks(after_point=after_point))
    profile = load_profile(out)
    assert result.interrupted and profile.partial
    assert [p.batch_size for p in profile.points] == [1]


def test_ctrl_c_before_any_point_writes_nothing(tmp_path):
    def before_batch(batch):
        raise KeyboardInterrupt

    out = tmp_path / "none.json"
    with pytest.raises(KeyboardInterrupt):
        run_profile(run_settings(**TINY, batch_sizes=[1], out=str(out)),
                    hooks=RunHooks(before_batch=before_batch))
    assert not out.exists()


def test_a_failed_write_leaves_the_old_file_intact_and_no_temp_file(tmp_path, monkeypatch):
    out = tmp_path / "p.json"
    first = run_profile(run_settings(**TINY, batch_sizes=[1], out=str(out))).profile
    before = out.read_bytes()

    def disk_full(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(store.os, "replace", disk_full)
    with pytest.raises(OSError):
        store.write_profile(first.model_copy(update={"partial": True}), out)
    assert out.read_bytes() == before
    assert list(tmp_path.iterdir()) == [out]


def test_cpu_memory_tracker_sees_a_large_tensor():
    with MemoryTracker("cpu") as baseline:
        pass
    with MemoryTracker("cpu") as tracker:
        block = torch.ones(64 * 2**20)  # 256 MiB, touched so it is resident
        del block
    assert tracker.peak.allocated_gib - baseline.peak.allocated_gib > 0.2


def test_hardware_probe_reports_positive_peaks():
    hw = measure_hardware("cpu", ("fp32",))
    assert hw.bandwidth_gb_per_s > 0 and hw.flop_per_s["fp32"] > 0 and hw.memory_gib > 0


def test_training_step_measures_tokens_per_second(tiny):
    steps = TrainingSteps(batch=2, seq_len=8, min_steps=2, min_seconds=0.0)
    result = measure_training(tiny.model, tiny.arch, "cpu", steps)
    assert result.tokens_per_s > 0 and result.steps >= 2 and result.flop_per_s > 0
    assert not tiny.model.training  # back in eval mode for the next point


def test_a_measured_profile_drives_econ_evaluate(tmp_path):
    out = tmp_path / "student.json"
    run_profile(run_settings(**TINY, batch_sizes=[1, 2], out=str(out)))
    profile = load_profile(out)
    slo = econ.LatencySlo(ttft_ms_p99=profile.points[-1].ttft_ms.p99 * 10,
                          tpot_ms_p99=profile.points[-1].tpot_ms.p99 * 10)
    scenario = econ.example_scenario().model_copy(update={
        "workload": econ.Workload(input_tokens=8, output_tokens=4),
        "student": econ.SelfHostedServing(gpu_usd_per_hour=0.1, profile=str(out), slo=slo),
    })
    result = econ.evaluate(scenario)
    # The SLO admits both points, so the operating point is the largest batch (2) and one replica
    # serves that point's measured requests/s.
    assert result.student_requests_per_s_per_replica == pytest.approx(profile.points[-1].requests_per_s)
    assert result.student_capacity_source == "measured profile tiny-llama, batch 2"
    assert result.npv_usd == result.npv_usd  # a number, not NaN
