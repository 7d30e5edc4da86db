"""`python -m profiles run | pair | hw` as a user runs them: real tiny models on CPU, checkpoints saved
with save_pretrained, bad input refused with one line and exit code 2."""

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")

from econ.model.profile import load_profile  # noqa: E402
from profiles.cli import main  # noqa: E402

ROOT = Path(__file__).resolve().parents[3]
FAST = ["--device", "cpu", "--batch-sizes", "1,2", "--input-tokens", "8", "--output-tokens", "4",
        "--repeats", "2", "--min-seconds", "0"]


def error_line(capsys) -> str:
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "Traceback" not in err
    return err


def test_run_writes_a_profile_and_prints_a_summary(tmp_path, capsys):
    out = tmp_path / "tiny.json"
    assert main(["run", "--model", "tiny-llama", *FAST, "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "profile written to" in printed and "TPOT p50 ms" in printed
    profile = load_profile(out)
    assert profile.provenance == "measured" and profile.model.source == "preset"
    assert "--batch-sizes 1,2" in profile.environment.command


@pytest.fixture(scope="module")
def tiny_checkpoint(tmp_path_factory):
    from transformers import LlamaConfig, LlamaForCausalLM

    folder = tmp_path_factory.mktemp("ckpt") / "my-tiny-llama"
    config = LlamaConfig(vocab_size=128, hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                         num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=256)
    LlamaForCausalLM(config).save_pretrained(folder, safe_serialization=True)
    assert list(folder.glob("*.safetensors"))
    return folder


def test_run_loads_a_local_safetensors_checkpoint(tiny_checkpoint, tmp_path):
    out = tmp_path / "ckpt.json"
    assert main(["run", "--model", str(tiny_checkpoint), *FAST, "--out", str(out)]) == 0
    profile = load_profile(out)
    assert profile.model.source == "checkpoint" and profile.model.name == "my-tiny-llama"
    assert profile.model.layers == 2 and profile.model.vocab_size == 128
    assert profile.model.parameters == sum(
        p.numel() for p in __import__("transformers").LlamaForCausalLM.from_pretrained(
            tiny_checkpoint).parameters())


def test_a_pickle_only_checkpoint_is_refused(tiny_checkpoint, tmp_path, capsys):
    folder = tmp_path / "pickled"
    folder.mkdir()
    (folder / "config.json").write_text((tiny_checkpoint / "config.json").read_text())
    torch.save({"w": torch.zeros(1)}, folder / "pytorch_model.bin")
    assert main(["run", "--model", str(folder), *FAST]) == 2
    err = error_line(capsys)
    assert "pytorch_model.bin" in err and "safetensors" in err


@pytest.mark.parametrize(("argv", "expected"), [
    (["--model", "no-such-model"], "unknown model preset 'no-such-model'"),
    (["--model", "./no/such/folder"], "no such folder"),
    (["--model", "tiny-llama", "--batch-sizes", "1,0"], "--batch-sizes"),
    (["--model", "tiny-llama", "--batch-sizes", "one"], "--batch-sizes"),
    (["--model", "tiny-llama", "--input-tokens", "many"], "--input-tokens"),
    (["--model", "tiny-llama", "--output-tokens", "1"], "--output-tokens"),
    (["--model", "tiny-llama", "--repeats", "0"], "--repeats"),
    (["--model", "tiny-llama", "--min-seconds", "-3"], "--min-seconds"),
    (["--model", "tiny-llama", "--input-tokens", "4000"], "max_position_embeddings"),
])
def test_bad_input_is_one_line_and_exit_2(argv, expected, capsys):
    assert main(["run", *argv]) == 2
    assert expected in error_line(capsys)


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has a CUDA device")
def test_a_device_that_is_not_there_is_refused(capsys):
    assert main(["run", "--model", "tiny-llama", "--device", "cuda"]) == 2
    assert "--device cuda" in error_line(capsys)


def test_pair_profiles_both_models_in_their_own_processes(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "profiles", "pair", "--teacher", "tiny-llama-4l", "--student", "tiny-llama",
         *FAST, "--out-dir", str(tmp_path)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    teacher, student = load_profile(tmp_path / "teacher-tiny-llama-4l.json"), load_profile(
        tmp_path / "student-tiny-llama.json")
    assert teacher.model.layers == 4 and student.model.layers == 2


def test_pair_stops_at_a_bad_model_before_measuring(tmp_path, capsys):
    assert main(
        ["pair", "--teacher", "tiny-llama", "--student", "nope", *FAST, "--out-dir", str(tmp_path)]) == 2
    assert "nope" in error_line(capsys)
    assert not list(tmp_path.iterdir())


def test_hw_prints_bandwidth_and_flops(capsys):
    assert main(["hw", "--device", "cpu"]) == 0
    out = capsys.readouterr().out
    assert "memory bandwidth (copy)" in out and "matmul fp32" in out


def test_measuring_commands_without_torch_say_how_to_install_it():
    script = textwrap.dedent("""
        import sys
        for name in ("torch", "transformers"):
            sys.modules[name] = None  # as if not installed
        from profiles.cli import main
        sys.exit(main(["run", "--model", "tiny-llama"]))
    """)
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 2
    assert "make profile-deps" in result.stderr and "requirements-profile.txt" in result.stderr
