"""The shipped price tables validate, carry a source and a date, and answer lookups."""

from __future__ import annotations

import pytest

from econ.model import prices


def test_tables_validate_and_are_sourced():
    gpus = prices.gpu_prices()
    apis = prices.api_prices()
    assert len(gpus) >= 20 and len(apis) >= 10
    assert all(row.source and row.as_of for row in (*gpus, *apis))


def test_lookups():
    assert prices.cheapest_gpu_usd_per_hour("h100-sxm") == 1.30
    assert prices.api_price("claude-sonnet-4-5").output_usd_per_mtok == 15.0
    with pytest.raises(ValueError, match="unknown API model"):
        prices.api_price("gpt-99")
    with pytest.raises(ValueError, match="no price listed"):
        prices.cheapest_gpu_usd_per_hour("tpu-v9")


def test_frames_have_one_row_per_offer():
    assert len(prices.gpu_price_frame()) == len(prices.gpu_prices())
    assert {"model", "input_usd_per_mtok", "output_usd_per_mtok"} <= set(prices.api_price_frame().columns)


def test_a_broken_data_file_names_the_file_and_the_field(tmp_path):
    from econ.io.files import validated_json

    path = tmp_path / "gpu_prices.json"
    path.write_text('{"description": "x", "rows": [{"gpu": "h100-sxm", "offer": "o", "usd_per_gpu_hour": -1,'
                    ' "as_of": "2026-01-01", "source": "s"}]}')
    with pytest.raises(ValueError, match=r"gpu_prices\.json: rows\.0\.usd_per_gpu_hour"):
        validated_json(path, prices.GpuPriceTable)
    path.write_text("{oops")
    with pytest.raises(ValueError, match="not valid JSON"):
        validated_json(path, prices.GpuPriceTable)


def test_prices_command_lists_one_gpu_with_its_cheapest_offer(capsys):
    from econ.cli.main import main
    assert main(["prices", "--gpu", "h100-sxm"]) == 0
    out = capsys.readouterr().out
    assert "cheapest listed for h100-sxm: $1.30/GPU-hour" in out
    assert "AWS p5.48xlarge / 8" in out and "a100-80gb" not in out
    assert "API prices" in out and "claude-sonnet-4-5" in out


def test_prices_command_json_and_csv(capsys):
    import json

    from econ.cli.main import main
    assert main(["prices", "--gpu", "h100-sxm", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["cheapest_usd_per_gpu_hour"] == 1.30
    assert {row["gpu"] for row in data["gpu_prices"]} == {"h100-sxm"}
    assert data["gpu_prices"][0]["usd_per_gpu_hour"] == 1.30  # cheapest first
    assert len(data["api_prices"]) == len(prices.api_prices())
    assert main(["prices", "--table", "api", "--format", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("model,input_usd_per_mtok,output_usd_per_mtok")
    assert len(lines) == 1 + len(prices.api_prices())


@pytest.mark.parametrize(("argv", "message"), [
    (["prices", "--gpu", "tpu-v9"], "no price listed for GPU 'tpu-v9'; listed: a10,"),
    (["prices", "--format", "csv"], "--format csv: holds one table"),
    (["prices", "--gpu", "h100-sxm", "--table", "api"], "--gpu: names a GPU"),
])
def test_prices_command_bad_input_is_one_line_exit_2(capsys, argv, message):
    from econ.cli.main import main
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err
