"""The GPU catalog: every row validated and sourced, data-sheet numbers as in REFERENCE.md, prices from
econ."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from profiles import gpu_catalog as gc
from profiles.catalog import CatalogError

REQUIRED = ("h100-sxm", "h100-pcie", "h200", "b200", "a100-40gb", "a100-80gb", "l40s", "l4", "a10",
            "rtx-4090", "mi300x")
APPLE = ("m2-max", "m2-ultra", "m3-max", "m4-max")

# REFERENCE.md "GPUs": bandwidth GB/s and dense bf16/fp16 TFLOP/s from the vendor data sheets.
DATA_SHEET = {
    "h100-sxm": (3350, 989), "h100-pcie": (2000, 756), "h200": (4800, 989), "b200": (8000, 2250),
    "a100-80gb": (2039, 312), "a100-40gb": (1555, 312), "l40s": (864, 362), "l4": (300, 121),
    "a10": (600, 125), "rtx-4090": (1008, 165), "mi300x": (5300, 1307), "m2-ultra": (800, 27),
}


def test_catalog_validates_and_names_every_required_gpu():
    gpus = gc.gpu_catalog()
    for name in REQUIRED + APPLE:
        assert name in gpus, name
    for spec in gpus.values():
        assert spec.source and spec.as_of
        assert spec.memory_gib is not None and spec.memory_gib > 0
        assert spec.name == spec.name.lower() and " " not in spec.name and "_" not in spec.name


@pytest.mark.parametrize(("name", "figures"), sorted(DATA_SHEET.items()))
def test_data_sheet_numbers_match_reference(name, figures):
    bandwidth, tflops = figures
    spec = gc.gpu_spec(name)
    assert spec.bandwidth_gb_per_s == pytest.approx(bandwidth, rel=0.01)
    assert spec.flop_per_s("bf16") / 1e12 == pytest.approx(tflops, rel=0.01)


def test_apple_bandwidths_and_no_tensor_parallel():
    # Apple specifications: M2/M3 Max 400 GB/s, M2 Ultra 800 GB/s, M4 Max 546 GB/s; one GPU per machine.
    expected = {"m2-max": 400, "m3-max": 400, "m2-ultra": 800, "m4-max": 546}
    for name, bandwidth in expected.items():
        spec = gc.gpu_spec(name)
        assert spec.bandwidth_gb_per_s == bandwidth
        assert spec.max_gpus == 1 and spec.interconnect == "none"
        assert spec.gpu_memory_fraction is not None


def test_unknown_gpu_names_the_known_ones():
    with pytest.raises(CatalogError, match="known: .*h100-sxm"):
        gc.gpu_spec("h100")


def test_dtype_peaks():
    a100 = gc.gpu_spec("a100-80gb")
    with pytest.raises(ValueError, match="no fp8"):
        a100.flop_per_s("fp8")
    # Weight-only int8/int4 multiply at the 16-bit tensor peak.
    assert a100.flop_per_s("int4") == a100.flop_per_s("bf16") == 312e12
    assert gc.gpu_spec("h100-sxm").flop_per_s("fp8") == pytest.approx(2 * 989.4e12, rel=1e-3)


def test_prices_come_from_econ_price_table():
    # econ/data/gpu_prices.json: cheapest on-demand H100 SXM is RunPod community at $2.69/h (the owned and
    # 3-year rows at $1.30 are not on-demand and are skipped unless nothing else is listed).
    price, offer = gc.gpu_usd_per_hour("h100-sxm")
    assert price == 2.69 and offer.startswith("RunPod community")
    assert gc.gpu_usd_per_hour("h100-sxm", offer="Lambda 8x")[0] == 3.99
    # MI300X has owned rows only: the cheapest of them.
    assert gc.gpu_usd_per_hour("mi300x")[0] == 1.12
    assert gc.gpu_usd_per_hour("rtx-4090") is None
    with pytest.raises(ValueError, match="offers: "):
        gc.gpu_usd_per_hour("h100-sxm", offer="nope")


def test_catalog_frame_has_one_row_per_gpu():
    frame = gc.gpu_frame()
    assert len(frame) == len(gc.gpu_catalog())
    assert {"name", "memory_gib", "bandwidth_gb_per_s", "usd_per_gpu_hour"} <= set(frame.columns)


def test_bad_catalog_row_is_refused(tmp_path, monkeypatch):
    data = json.loads(gc.GPU_CATALOG_PATH.read_text())
    data["gpus"][0]["bandwidth_gb_per_s"] = -1
    bad = tmp_path / "gpus.json"
    bad.write_text(json.dumps(data))
    monkeypatch.setattr(gc, "GPU_CATALOG_PATH", bad)
    gc.gpu_catalog.cache_clear()
    try:
        with pytest.raises(CatalogError, match="bandwidth_gb_per_s"):
            gc.gpu_catalog()
    finally:
        gc.gpu_catalog.cache_clear()


def test_catalog_loads_only_when_asked_and_without_torch():
    code = (
        "import sys; sys.modules['torch'] = None\n"
        "import profiles.gpu_catalog as g, profiles.analytic.estimate, profiles.analytic.calibrate, "
        "profiles.cli.estimate\nimport profiles.make_defaults\n"
        "assert g.gpu_catalog.cache_info().currsize == 0\n"
        "g.gpu_spec('h100-sxm'); assert g.gpu_catalog.cache_info().currsize == 1\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_gpus_and_models_commands(capsys):
    from profiles.cli import main
    assert main(["gpus"]) == 0
    out = capsys.readouterr().out
    h100 = next(line for line in out.splitlines() if line.split() and line.split()[0] == "h100-sxm")
    # 79.6 GiB, 3,350 GB/s, 989.4 bf16 and 1,979 fp8 TFLOP/s dense, cheapest on-demand $2.69 (RunPod
    # community)
    assert h100.split()[1:5] == ["79.6", "3,350", "989.4", "1,979"] and h100.split()[-1] == "2.69"
    assert main(["gpus", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == len(gc.gpu_catalog()) and {"name", "source", "price_offer"} <= set(rows[0])
    assert main(["models", "--format", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("name,family,parameters_b,layers")
    assert any(line.startswith("llama-3.1-8b,llama,8.03") for line in lines)
