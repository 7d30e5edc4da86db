"""`python -m profiles gpus` and `python -m profiles models`: the catalogs `estimate --gpu/--model` name.

Torch-free: imports pandas, `econ.io.serialize` and the GPU and model catalogs. Registers itself via
register(subparsers).
So that a user picks a catalog name (and sees the peaks, bandwidth and price an estimate will use)
without reading JSON files.
"""

from __future__ import annotations

import pandas as pd

from econ.io.serialize import json_text
from profiles.catalog import model_catalog
from profiles.gpu_catalog import gpu_frame

FLOP_PER_TFLOP = 1e12
GPU_COLUMNS = {
    "name": "name", "memory_gib": "memory GiB", "bandwidth_gb_per_s": "GB/s", "bf16_tflops": "bf16 TFLOP/s",
    "fp8_tflops": "fp8 TFLOP/s", "interconnect": "link", "interconnect_gb_per_s": "link GB/s",
    "max_gpus": "max GPUs", "usd_per_gpu_hour": "$/GPU-h",
}


def gpu_table() -> pd.DataFrame:
    """The GPU catalog, one row per GPU: peaks in TFLOP/s (dense), the cheapest on-demand $/GPU-hour."""
    frame = gpu_frame()
    frame["bf16_tflops"] = frame["bf16_flop_per_s"] / FLOP_PER_TFLOP
    frame["fp8_tflops"] = frame["fp8_flop_per_s"] / FLOP_PER_TFLOP
    keep = [*GPU_COLUMNS, "price_offer", "source"]
    return frame.loc[:, keep].sort_values("name", kind="stable").reset_index(drop=True)


def model_table() -> pd.DataFrame:
    """The model presets, one row per model: shape and parameter count."""
    rows = [{"name": a.name, "family": a.family, "parameters_b": a.parameters / 1e9, "layers": a.layers,
             "hidden_size": a.hidden_size, "attention_heads": a.attention_heads, "kv_heads": a.kv_heads,
             "intermediate_size": a.intermediate_size, "vocab_size": a.vocab_size, "source": a.source}
            for a in model_catalog().values()]
    return pd.DataFrame(rows).sort_values("name", kind="stable").reset_index(drop=True)


def _print(frame: pd.DataFrame, fmt: str, text_columns: dict[str, str] | None = None) -> None:
    if fmt == "csv":
        print(frame.to_csv(index=False), end="")
    elif fmt == "json":
        print(json_text(frame.to_dict("records")))
    else:
        shown = frame.drop(columns=["source", "price_offer"], errors="ignore")
        if text_columns:
            shown = shown.rename(columns=text_columns)
        print(shown.to_string(index=False, na_rep="–", float_format=lambda v: f"{v:,.4g}"))


def run_gpus(args) -> int:
    _print(gpu_table(), args.format, GPU_COLUMNS)
    if args.format == "table":
        print("\npeaks: dense tensor FLOP/s from each data sheet; $/GPU-h: the cheapest on-demand offer in "
              "econ/data/gpu_prices.json (`python -m econ prices --gpu NAME` lists every offer)")
    return 0


def run_models(args) -> int:
    _print(model_table(), args.format)
    return 0


def register(subparsers) -> None:
    """Add `gpus` and `models`."""
    for name, handler, what in (("gpus", run_gpus, "GPU catalog (peaks, bandwidth, memory, price)"),
                                ("models", run_models, "model presets (shapes, parameters)")):
        p = subparsers.add_parser(name, help=f"list the {what} that `estimate` and `run` accept")
        p.add_argument("--format", choices=("table", "json", "csv"), default="table", help="Output format.")
        p.set_defaults(handler=handler)
