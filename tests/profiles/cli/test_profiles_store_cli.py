"""`list`, `show`, `compare` and `validate` read profile files on a machine without torch: every test runs
the real CLI in a subprocess where torch and transformers cannot be imported."""

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from econ.model.profile import (
    Hardware,
    ModelInfo,
    Percentiles,
    Point,
    Profile,
    Training,
    WorkloadShape,
)
from profiles.store import DATA_DIR, write_profile

ROOT = Path(__file__).resolve().parents[3]
BLOCKED = ("torch", "transformers", "safetensors", "psutil", "tqdm")
SHIPPED = sorted(DATA_DIR.glob("*.json"))


def cli(*argv: str) -> subprocess.CompletedProcess:
    """`python -m profiles ARGV` with the measuring packages blocked; fails if any of them got imported."""
    script = textwrap.dedent(f"""
        import sys
        for name in {BLOCKED!r}:
            sys.modules[name] = None  # `import torch` now raises ImportError
        from profiles.cli import main
        code = main({list(argv)!r})
        leaked = [n for n in {BLOCKED!r} if sys.modules.get(n) is not None]
        assert not leaked, leaked
        sys.exit(code)
    """)
    return subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True,
                          timeout=60)


def percentiles(ms: float) -> Percentiles:
    return Percentiles(p50=ms, p90=ms * 1.1, p99=ms * 1.2, mean=ms)


def profile(decode_tokens_per_s: float, name: str = "tiny-llama", oom_at: int | None = None) -> Profile:
    points = []
    for batch in (1, 4):
        if batch == oom_at:
            points.append(Point(batch_size=batch, oom=True))
            continue
        points.append(Point(batch_size=batch, ttft_ms=percentiles(10.0), tpot_ms=percentiles(2.0),
                            decode_tokens_per_s=decode_tokens_per_s * batch, requests_per_s=batch * 1.5,
                            peak_memory_gib=1.0))
    return Profile(
        provenance="measured", model=ModelInfo(name=name, parameters=1000, dtype="fp32"),
        hardware=Hardware(device="cpu", name="test cpu"),
        workload=WorkloadShape(input_tokens=8, output_tokens=4), points=points,
        training=Training(tokens_per_s=decode_tokens_per_s * 10, seq_len=12, batch_size=4),
    )


@pytest.fixture
def pair(tmp_path):
    a = write_profile(profile(100.0), tmp_path / "a.json")
    b = write_profile(profile(250.0, name="other", oom_at=4), tmp_path / "b.json")
    return a, b


def test_compare_prints_ratios_b_over_a(pair):
    result = cli("compare", str(pair[0]), str(pair[1]))
    assert result.returncode == 0, result.stderr
    rows = {tuple(line.split()[:3]): line.split() for line in result.stdout.splitlines()}
    # Batch 1 decode: A 100, B 250 tokens/s → B/A = 2.5×.
    assert rows[("1", "decode", "tok/s")][-1] == "2.5×"
    # Training: A 1,000, B 2,500 tokens/s → 2.5×; B ran out of memory at batch 4.
    assert rows[("train", "training", "tok/s")][-1] == "2.5×"
    assert "oom" in rows[("4", "decode", "tok/s")]


def test_show_prints_every_point(pair):
    result = cli("show", str(pair[1]))
    assert result.returncode == 0, result.stderr
    assert "other fp32 on test cpu" in result.stdout and "oom" in result.stdout


def test_validate_accepts_a_good_file_and_refuses_a_bad_one(pair, tmp_path):
    assert cli("validate", str(pair[0])).returncode == 0
    bad = tmp_path / "bad.json"
    data = json.loads(pair[0].read_text())
    data["points"][0]["batch_size"] = 0
    bad.write_text(json.dumps(data))
    result = cli("validate", str(bad))
    assert result.returncode == 2
    assert "points.0.batch_size" in result.stderr and result.stderr.count("\n") == 1


def test_validate_refuses_unordered_points(tmp_path):
    p = profile(100.0)
    path = write_profile(p.model_copy(update={"points": list(reversed(p.points))}), tmp_path / "rev.json")
    result = cli("validate", str(path))
    assert result.returncode == 2 and "ascending" in result.stderr


def test_list_shows_valid_and_invalid_files(pair, tmp_path):
    (tmp_path / "broken.json").write_text("{not json")
    result = cli("list", str(tmp_path))
    assert result.returncode == 0, result.stderr
    lines = {line.split()[0]: line for line in result.stdout.splitlines()[1:]}
    assert set(lines) == {"a.json", "b.json", "broken.json"}
    assert "INVALID" in lines["broken.json"] and "measured" in lines["a.json"]


def test_missing_files_and_folders_are_one_line_exit_2(tmp_path):
    for argv in (("show", str(tmp_path / "none.json")), ("list", str(tmp_path / "nowhere")),
                 ("compare", str(tmp_path / "x.json"), str(tmp_path / "y.json"))):
        result = cli(*argv)
        assert result.returncode == 2 and result.stderr.count("\n") == 1, argv


@pytest.mark.parametrize("path", SHIPPED, ids=[p.name for p in SHIPPED])
def test_every_shipped_profile_validates(path):
    result = cli("validate", str(path))
    assert result.returncode == 0, result.stderr


def test_the_shipped_cpu_pair_is_measured():
    names = {p.name for p in SHIPPED}
    assert {"cpu-tiny-teacher.json", "cpu-tiny-student.json"} <= names
    result = cli("compare", str(DATA_DIR / "cpu-tiny-teacher.json"), str(DATA_DIR / "cpu-tiny-student.json"))
    assert result.returncode == 0, result.stderr
    assert "measured" in result.stdout
