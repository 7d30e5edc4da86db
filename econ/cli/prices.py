"""`python -m econ prices [--gpu NAME] [--table gpu|api] [--format table|json|csv]`: the shipped price tables.

Imports pandas, `econ.model.prices` and `econ.io.serialize`. `add_prices_command` registers the subcommand on `econ.cli.main`'s
parser; an unknown GPU raises ValueError, which `econ.cli.main` prints as one line (exit 2). These are
the dated, sourced prices the app's "fill from the price table" buttons and the screen use, so a user
can see (and cite) what a scenario was priced from.
"""

from __future__ import annotations

import pandas as pd

from econ.io.serialize import json_text
from econ.model import price_history
from econ.model.prices import api_price_frame, api_prices, cheapest_gpu_usd_per_hour, gpu_price_frame

GPU_COLUMNS = ["gpu", "offer", "usd_per_gpu_hour", "as_of", "source"]
API_COLUMNS = ["model", "input_usd_per_mtok", "output_usd_per_mtok", "cached_input_usd_per_mtok",
               "batch_discount", "as_of", "source"]
TABLES = ("gpu", "api")


def _gpu_rows(gpu: str | None) -> tuple[pd.DataFrame, float | None]:
    """The GPU offers (one GPU's when named, cheapest first) and that GPU's lowest $/GPU-hour."""
    frame = gpu_price_frame().loc[:, GPU_COLUMNS]
    if gpu is None:
        return frame.sort_values(["gpu", "usd_per_gpu_hour"], kind="stable"), None
    cheapest = cheapest_gpu_usd_per_hour(gpu)  # ValueError naming the GPU when it is not listed
    return frame[frame["gpu"] == gpu].sort_values("usd_per_gpu_hour", kind="stable"), cheapest


def _text(gpus: pd.DataFrame, cheapest: float | None, gpu: str | None, apis: pd.DataFrame | None) -> str:
    parts = []
    if gpus is not None:
        title = f"GPU prices for {gpu}, $/GPU-hour" if gpu else "GPU prices, $/GPU-hour"
        parts.append(title + "\n" + gpus.drop(columns="source").to_string(index=False))
        if cheapest is not None:
            parts.append(f"cheapest listed for {gpu}: ${cheapest:.2f}/GPU-hour")
    if apis is not None:
        parts.append("API prices, $/1M tokens\n" + apis.drop(columns="source").to_string(index=False, na_rep="–"))
    parts.append("sources: econ/data/gpu_prices.json, econ/data/api_prices.json (each row names its own)")
    return "\n\n".join(parts)


def _api_history(args) -> int:
    """`--api MODEL`: the project's row (the offline override) and genai-prices' dated history."""
    points = price_history.history(args.api)
    own = [r for r in api_prices() if r.model == price_history.bare_name(args.api)]
    if not points and not own:
        close = price_history.closest_names(args.api, [r.model for r in api_prices()])
        raise ValueError(f"--api: model {args.api!r} is not in econ/data/api_prices.json nor genai-prices; "
                         f"closest known: {', '.join(close) or 'none'}")
    rows = [{"source": price_history.data_version(), "model": p.model, "provider": p.provider,
             "when": p.when, "input_usd_per_mtok": p.input_usd_per_mtok,
             "cached_input_usd_per_mtok": p.cached_input_usd_per_mtok, "output_usd_per_mtok": p.output_usd_per_mtok}
            for p in points]
    rows += [{"source": f"econ/data/api_prices.json ({r.source}; the override)", "model": r.model, "provider": "",
              "when": f"as of {r.as_of}", "input_usd_per_mtok": r.input_usd_per_mtok,
              "cached_input_usd_per_mtok": r.cached_input_usd_per_mtok, "output_usd_per_mtok": r.output_usd_per_mtok}
             for r in own]
    frame = pd.DataFrame(rows)
    if args.format == "json":
        print(json_text(frame.to_dict("records")))
    elif args.format == "csv":
        print(frame.to_csv(index=False), end="")
    else:
        print(f"price history of {args.api}, $/1M tokens (base tier; the project's table overrides where it lists "
              "the model)\n" + frame.to_string(index=False, na_rep="–"))
    return 0


def run_prices(args) -> int:
    if args.api is not None:
        return _api_history(args)
    tables = (args.table,) if args.table else TABLES
    if args.gpu is not None and "gpu" not in tables:
        raise ValueError("--gpu: names a GPU, so it needs the gpu table (drop --table api)")
    if args.format == "csv" and len(tables) > 1:
        raise ValueError("--format csv: holds one table; pass --table gpu or --table api")
    gpus, cheapest = _gpu_rows(args.gpu) if "gpu" in tables else (None, None)
    apis = api_price_frame().loc[:, API_COLUMNS] if "api" in tables else None
    if args.format == "csv":
        print((gpus if gpus is not None else apis).to_csv(index=False), end="")
    elif args.format == "json":
        data = {}
        if gpus is not None:
            data["gpu_prices"] = gpus.to_dict("records")
            if cheapest is not None:
                data["cheapest_usd_per_gpu_hour"] = cheapest
        if apis is not None:
            data["api_prices"] = apis.to_dict("records")
        print(json_text(data))  # dates as YYYY-MM-DD
    else:
        print(_text(gpus, cheapest, args.gpu, apis))
    return 0


def add_prices_command(sub) -> None:
    """Register `prices` on econ's subcommand parser."""
    p = sub.add_parser("prices", help="the shipped GPU ($/GPU-hour) and API ($/1M tokens) price tables")
    p.add_argument("--gpu", help="one GPU's offers (catalog name, e.g. h100-sxm) and its cheapest $/GPU-hour")
    p.add_argument("--table", choices=TABLES, help="only the GPU or the API table (default: both)")
    p.add_argument("--api", metavar="MODEL", help="one API model's price history (genai-prices, with start dates) "
                                                  "and the project's row; provider prefixes such as azure/ allowed")
    p.add_argument("--format", choices=("table", "json", "csv"), default="table")
    p.set_defaults(handler=run_prices)


__all__ = ["add_prices_command", "run_prices"]
