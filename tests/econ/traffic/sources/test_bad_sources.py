"""Bad usage sources: one line naming the source, row or column and the problem; the CLI exits 2."""

from __future__ import annotations

import gzip
import json

import pandas as pd
import pytest

from econ.cli.main import main
from econ.traffic.sources.errors import SourceError, redact
from econ.traffic.sources.read import read_source

ROW = {"timestamp": "2026-03-01T10:00:00Z", "task": "a", "input_tokens": 10, "output_tokens": 2, "usd": 0.1}


def _one_line_exit_2(capsys, argv) -> str:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    return err


def test_a_glob_that_matches_no_file(tmp_path, capsys):
    err = _one_line_exit_2(capsys, ["usage", str(tmp_path / "*.parquet")])
    assert "the glob matches no file" in err


def test_a_corrupted_parquet_file_names_the_file(tmp_path, capsys):
    path = tmp_path / "bad.parquet"
    path.write_bytes(b"PAR1 this is not parquet")
    assert str(path) in _one_line_exit_2(capsys, ["usage", str(path)])


def test_a_broken_json_line(tmp_path, capsys):
    path = tmp_path / "obs.jsonl.gz"
    with gzip.open(path, "wt") as out:
        out.write(json.dumps(ROW) + "\n{broken\n")
    assert str(path) in _one_line_exit_2(capsys, ["usage", str(path)])


def test_parquet_with_the_wrong_types_names_row_and_column(tmp_path):
    path = tmp_path / "u.parquet"
    pd.DataFrame([ROW, {**ROW, "input_tokens": "lots"}]).astype({"input_tokens": str}).to_parquet(path)
    with pytest.raises(SourceError) as caught:
        read_source(str(path))
    assert caught.value.column == "input_tokens" and caught.value.row == 2


def test_a_negative_count_and_a_bad_timestamp_name_their_row(tmp_path):
    path = tmp_path / "u.csv"
    pd.DataFrame([ROW, ROW, {**ROW, "timestamp": "yesterday"}]).to_csv(path, index=False)
    with pytest.raises(SourceError, match=r"row 3: column timestamp: is missing or not a timestamp"):
        read_source(str(path))
    pd.DataFrame([ROW, {**ROW, "output_tokens": -4}]).to_csv(path, index=False)
    with pytest.raises(SourceError, match=r"row 2: column output_tokens"):
        read_source(str(path))


def test_a_table_without_the_needed_columns(tmp_path, capsys):
    path = tmp_path / "u.csv"
    pd.DataFrame({"when": ["2026-03-01"], "what": ["a"]}).to_csv(path, index=False)
    assert "columns not recognized (when, what)" in _one_line_exit_2(capsys, ["usage", str(path)])


def test_a_task_key_that_matches_nothing(tmp_path, capsys):
    path = tmp_path / "u.csv"
    pd.DataFrame([{**ROW, "request_tags": json.dumps(["env:prod"])}]).to_csv(path, index=False)
    assert "matches no row" in _one_line_exit_2(capsys, ["usage", str(path), "--task-key", "tag:taskName"])


def test_a_source_with_zero_rows(tmp_path, capsys):
    path = tmp_path / "u.csv"
    pd.DataFrame([ROW]).to_csv(path, index=False)
    assert "no usage rows" in _one_line_exit_2(capsys, ["usage", str(path), "--since", "2027-01-01"])


def test_an_unknown_model_names_the_closest_known_and_is_not_priced_at_0(tmp_path, capsys):
    path = tmp_path / "u.csv"
    pd.DataFrame([{**{k: v for k, v in ROW.items() if k != "usd"}, "model": "gpt-4o-mni"}]).to_csv(path, index=False)
    err = _one_line_exit_2(capsys, ["usage", str(path)])
    assert "'gpt-4o-mni'" in err and "closest known: gpt-4o-mini" in err


def test_nothing_is_written_on_bad_input(tmp_path, capsys):
    out = tmp_path / "daily.parquet"
    out.write_bytes(b"old")
    _one_line_exit_2(capsys, ["usage", str(tmp_path / "missing.csv"), "--out", str(out)])
    assert out.read_bytes() == b"old"


def test_passwords_are_redacted():
    assert redact("postgresql://u:s3cret@h:5/db refused") == "postgresql://u:***@h:5/db refused"
    assert "s3cret" not in redact("host=h password=s3cret user=u")


def test_out_writes_parquet_and_csv(tmp_path, capsys):
    path = tmp_path / "u.csv"
    pd.DataFrame([ROW]).to_csv(path, index=False)
    assert main(["usage", str(path), "--out", str(tmp_path / "d.parquet")]) == 0
    capsys.readouterr()
    assert main(["usage", str(path), "--out", str(tmp_path / "d.csv"), "--format", "json"]) == 0
    back = pd.read_parquet(tmp_path / "d.parquet")
    assert list(back.columns) == ["date", "task", "requests", "input_tokens", "cached_input_tokens", "output_tokens",
                                  "usd", "model"]
    assert json.loads(capsys.readouterr().out)["daily"][0]["usd"] == 0.1
