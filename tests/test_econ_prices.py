"""The shipped price tables validate, carry a source and a date, and answer lookups."""

from __future__ import annotations

import pytest

from econ import prices


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
    from econ.profile import validated_json

    path = tmp_path / "gpu_prices.json"
    path.write_text('{"description": "x", "rows": [{"gpu": "h100-sxm", "offer": "o", "usd_per_gpu_hour": -1,'
                    ' "as_of": "2026-01-01", "source": "s"}]}')
    with pytest.raises(ValueError, match=r"gpu_prices\.json: rows\.0\.usd_per_gpu_hour"):
        validated_json(path, prices.GpuPriceTable)
    path.write_text("{oops")
    with pytest.raises(ValueError, match="not valid JSON"):
        validated_json(path, prices.GpuPriceTable)
