"""`python -m profiles load`: load-test an OpenAI-compatible endpoint (or a vLLM server it launches)
and write a served profile. Registers itself via register(subparsers).

Imports argparse and the torch-free `profiles.load.settings` at module level, so a bad flag is one
line (exit 2) before anything heavy loads; the HTTP client (`profiles.backends.endpoint`) is imported
inside the handler, and torch only to save a preset for `--launch`. Defaults and help text come from
`LoadSettings`. The API key is read from the environment variable named by --api-key-env and
goes nowhere but the request header.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shlex
import sys
import tempfile
from contextlib import ExitStack
from pathlib import Path
from urllib.parse import urlsplit

from profiles.cli.load_summary import print_summary
from profiles.cli.store import fmt
from profiles.load.lengths import empirical_from, parse_length, workload_specs
from profiles.load.pricing import replica_price
from profiles.load.settings import LoadSettings, load_settings, parse_numbers
from profiles.load.traces import read_trace
from profiles.settings import MIN_OUTPUT_TOKENS, flag_name
from profiles.store import check_out_path

EXIT_INTERRUPTED = 130
# Flags that take a number, and the type it is parsed with (so the error names the flag).
NUMBER_FIELDS = {"requests": int, "warmup": int, "seed": int,
                 "tensor_parallel_size": int, "min_seconds": float, "burstiness": float, "gpus": float,
                 "slo_ttft_ms": float, "slo_tpot_ms": float, "attainment": float, "timeout_s": float,
                 "shared_prefix_tokens": int, "prefix_groups": int, "metrics_interval_s": float,
                 "gpu_usd_per_hour": float, "context_tokens": int, "kv_cache_blocks": int}
LIST_FIELDS = {"rates": float, "concurrency": int, "time_scale": float}
TEXT_FIELDS = ("url", "served_model", "launch", "model", "vllm_python", "api_key_env", "prompt", "out",
               "note", "workload", "gpu", "trace")
FLAG_FIELDS = ("find_capacity", "chat", "prefix_caching")
LENGTH_HELP = ("a whole number, lognormal:MEAN,SD (of the token count), uniform:LO,HI or empirical:FILE "
               "(JSON quantiles or histogram)")


def _help(name: str) -> str:
    info = LoadSettings.model_fields[name]
    default = None if info.is_required() else info.default
    shown = "" if default in (None, False) else f" (default: {default})"
    return f"{info.description}{shown}"


def _values(args: argparse.Namespace) -> dict:
    """Flags the user gave, converted with errors naming the flag (None: LoadSettings' default)."""
    values: dict = {}
    for name, kind in NUMBER_FIELDS.items():
        raw = getattr(args, name)
        if raw is not None:
            try:
                values[name] = kind(raw)
            except ValueError:
                raise ValueError(f"{flag_name(name)}: expected a number, got {raw!r}") from None
    for name, kind in LIST_FIELDS.items():
        if getattr(args, name) is not None:
            values[name] = parse_numbers(getattr(args, name), flag_name(name), kind)
    values.update({name: getattr(args, name) for name in TEXT_FIELDS if getattr(args, name) is not None})
    values.update(_lengths(args) if not args.trace else {})
    values.update({name: True for name in FLAG_FIELDS if getattr(args, name)})
    if args.no_ignore_eos:
        values["ignore_eos"] = False
    return values


def read_trace_flags(args: argparse.Namespace, values: dict):
    """With --trace: the trace read (hostile input), and the rates and lengths it sets; else None."""
    if not args.trace:
        return None
    replaced = ("rates", "concurrency", "input_tokens", "output_tokens", "workload")
    clash = [f for f in replaced if getattr(args, f)]
    if clash:
        raise ValueError(f"--trace replays its own arrivals and lengths: leave out {flag_name(clash[0])}")
    trace = read_trace(args.trace, values.get("context_tokens"))
    scales = values.pop("time_scale", None) or [1.0]
    values.update(rates=[trace.mean_rate_per_s * f for f in scales], time_scale=scales,
                  input_lengths=empirical_from(trace.input_tokens, f"trace:{args.trace}"),
                  output_lengths=empirical_from(trace.output_tokens, f"trace:{args.trace}"),
                  input_tokens=max(1, round(float(trace.input_tokens.mean()))),
                  output_tokens=max(MIN_OUTPUT_TOKENS, round(float(trace.output_tokens.mean()))))
    return trace


def _lengths(args: argparse.Namespace) -> dict:
    """--input-tokens/--output-tokens (a number or a distribution) or --workload → settings values."""
    if args.workload and (args.input_tokens or args.output_tokens):
        raise ValueError("--workload gives both lengths: leave out --input-tokens and --output-tokens")
    if args.workload:
        specs = dict(zip(("input", "output"), workload_specs(args.workload, minimum_output=MIN_OUTPUT_TOKENS),
                         strict=True))
    else:
        specs = {side: parse_length(raw, f"--{side}-tokens", MIN_OUTPUT_TOKENS if side == "output" else 1)
                 for side, raw in (("input", args.input_tokens), ("output", args.output_tokens)) if raw}
    values = {}
    for side, spec in specs.items():
        values[f"{side}_tokens"] = max(1, round(spec.mean))
        if spec.kind != "fixed":
            values[f"{side}_lengths"] = spec
    return values


def _api_key(settings: LoadSettings) -> str | None:
    if not settings.api_key_env:
        return None
    key = os.environ.get(settings.api_key_env)
    if not key:
        raise ValueError(f"--api-key-env: the environment variable {settings.api_key_env} is not set")
    return key


def _require(module: str, hint: str) -> None:
    if importlib.util.find_spec(module) is None:
        raise ValueError(hint)


def _default_out(name: str) -> Path:
    from profiles.store import DATA_DIR

    return DATA_DIR / f"served-{name}.json"


def handle_load(args: argparse.Namespace) -> int:
    values = _values(args)
    trace = read_trace_flags(args, values)
    settings = load_settings(**values)
    api_key = _api_key(settings)
    replica_price(1.0, settings.gpu_usd_per_hour, settings.gpu)  # a bad --gpu: one line before any run
    _require("aiohttp",
             "`load` needs aiohttp: make profile-deps (or pip install -r requirements-profile.txt)")
    from profiles.backends.endpoint.client import Endpoint
    from profiles.backends.endpoint.run import run_load
    from profiles.backends.endpoint.targets import launched_target, url_target

    from_shell = len(sys.argv) > 1 and sys.argv[1] == "load"  # not when main() is called from Python
    command = "python -m profiles load " + shlex.join(sys.argv[2:]) if from_shell else None
    out = check_out_path(settings.out) if settings.out is not None else None  # "" refused, before any request
    with ExitStack() as stack:
        if settings.launch:
            scratch = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="profiles-load-")))
            target = launched_target(settings, scratch, stack)
            print(f"{target.engine} serving {target.model.name} at {target.endpoint.base_url} "
                  f"(pid {target.server_pid})", file=sys.stderr, flush=True)
        else:
            endpoint = Endpoint(
                settings.url, settings.served_model, settings.chat, settings.ignore_eos, api_key
            )
            target = url_target(settings, endpoint)
        out = out or _default_out(target.model.name)
        result = run_load(settings, target, out, command=_redacted(command, settings), after_point=_progress,
                          trace=trace)
    price = replica_price(result.profile.hardware.gpu_count, settings.gpu_usd_per_hour, settings.gpu)
    print_summary(result.profile, settings.kind, price, result.path, result.interrupted)
    return EXIT_INTERRUPTED if result.interrupted else 0


def _progress(point) -> None:
    """One line on stderr per finished point (the table comes at the end)."""
    print(f"measured {point.load.kind} {point.load.value:g}: {fmt(point.requests_per_s)} req/s achieved",
          file=sys.stderr, flush=True)


def _redacted(command: str | None, settings: LoadSettings) -> str | None:
    """The command line with any URL query string removed (it may carry a key)."""
    if command and settings.url:
        parts = urlsplit(settings.url)
        if parts.query:
            command = command.replace(settings.url, parts._replace(query="").geturl())
    return command


def register(subparsers) -> None:
    """Add `load`."""
    load = subparsers.add_parser(
        "load", help="Load-test an OpenAI-compatible endpoint (or a vLLM server it launches); write a "
        "served profile.", description="Streaming requests at request rates (open loop) or concurrencies "
        "(closed loop); TTFT, TPOT, ITL, E2E as vLLM's benchmark defines them; goodput and the capacity at "
        "an SLO.")
    for name in ("url", "served_model", "launch", "model", "vllm_python", "api_key_env", "out", "note"):
        load.add_argument(flag_name(name), metavar=name.upper(), help=_help(name),
                          **({"choices": ["vllm"]} if name == "launch" else {}))
    for side in ("input", "output"):
        load.add_argument(f"--{side}-tokens", metavar="LENGTH",
                          help=f"{_help(side + '_tokens')} Or {LENGTH_HELP}.")
    load.add_argument("--workload", metavar="FILE", help=_help("workload"))
    load.add_argument("--gpu", metavar="NAME", help=_help("gpu"))
    load.add_argument("--trace", metavar="FILE", help=_help("trace"))
    for name in (*NUMBER_FIELDS, *LIST_FIELDS):
        load.add_argument(flag_name(name), metavar="N", help=_help(name))
    load.add_argument("--prompt", choices=["auto", "tokens", "text"], help=_help("prompt"))
    for name in FLAG_FIELDS:
        load.add_argument(flag_name(name), action="store_true", help=_help(name))
    load.add_argument("--no-ignore-eos", action="store_true",
                      help="Do not send ignore_eos (for APIs that reject it; output length may then vary).")
    load.set_defaults(handler=handle_load)
