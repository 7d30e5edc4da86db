"""What `python -m profiles load` measures: the load-test settings, validated once, with defaults and help.

Torch-free and HTTP-free: imports pydantic, the standard library and `profiles.settings`, so a bad
flag is refused (one line naming it) before the HTTP client or vLLM is touched. The CLI reads the
defaults and help text from these fields.
"""

from __future__ import annotations

from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from econ.model.profile import field_path
from profiles.load.lengths import LengthSpec, fixed
from profiles.settings import MIN_OUTPUT_TOKENS, flag_name, model_spec_problem

PositiveInt = Annotated[int, Field(gt=0)]
PositiveFloat = Annotated[float, Field(gt=0, allow_inf_nan=False)]
# Bound on requests per point, so `--min-seconds` against a very fast server cannot run for ever.
MAX_REQUESTS_PER_POINT = 100_000
# Longest a point may be asked to run; a load test of hours is a soak test, not a profile.
MAX_MIN_SECONDS = 3600


class LoadSettings(BaseModel):
    """One `load`: which endpoint (or which local model to serve), what shape, which load, how long."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    url: str | None = Field(None, description="Base URL of an OpenAI-compatible API, e.g. "
                            "http://127.0.0.1:8000/v1 (not with --launch).")
    served_model: str | None = Field(None, description="Model name the server serves (the request's "
                                     "`model` field; with --launch: the name given to vLLM).")
    launch: Literal["vllm"] | None = Field(None, description="Start a local server for --model first "
                                           "(vllm), measure it, stop it.")
    model: str | None = Field(None, description="With --launch: preset name (saved with random weights) "
                              "or a local checkpoint folder.")
    tensor_parallel_size: PositiveInt = Field(1, description="With --launch: vLLM's --tensor-parallel-size.")
    vllm_python: str | None = Field(None, description="With --launch: the Python that has vLLM installed "
                                    "(default: .venv-vllm/bin/python if present, else this one).")
    gpus: PositiveFloat | None = Field(None, description="GPUs behind the endpoint, what one replica "
                                       "costs (default: --tensor-parallel-size with --launch, else 1).")
    input_tokens: PositiveInt = Field(128, description="Prompt tokens per request (random).")
    output_tokens: Annotated[int, Field(ge=MIN_OUTPUT_TOKENS)] = Field(
        32, description="Generated tokens per request (max_tokens, ignore_eos).")
    input_lengths: LengthSpec | None = Field(
        None, description="Prompt lengths as a distribution "
        "(set from --input-tokens lognormal:/uniform:/empirical: or --workload).")
    output_lengths: LengthSpec | None = Field(
        None, description="Output lengths as a distribution (as above).")
    workload: str | None = Field(
        None, description="A task's length file (JSON: input_tokens and output_tokens, "
        "each a number, a distribution text, or quantiles/histogram); see docs.")
    shared_prefix_tokens: Annotated[int, Field(ge=0)] = Field(
        0, description="Tokens of a shared prefix every prompt starts with (0: none).")
    prefix_groups: PositiveInt = Field(
        1, description="Distinct shared prefixes, requests spread over them in turn.")
    prefix_caching: bool = Field(False, description="With --launch: start vLLM with prefix caching on "
                                 "(off by default, so random prompts measure the uncached cost).")
    metrics_interval_s: Annotated[float, Field(ge=0, le=60, allow_inf_nan=False)] = Field(
        1.0, description="Seconds between scrapes of the server's /metrics while a point runs "
        "(0: no scrape).")
    gpu_usd_per_hour: PositiveFloat | None = Field(None, description="Price of one GPU-hour, to price each "
                                                   "point ($/1M output tokens, $/1k requests).")
    gpu: str | None = Field(None, description="GPU catalog name (e.g. h100-sxm): its cheapest listed price "
                            "prices each point when --gpu-usd-per-hour is not given.")
    trace: str | None = Field(None, description="Replay this trace's arrival times and lengths: Mooncake "
                              "JSONL, the Azure public trace CSV, or OTLP JSON GenAI spans (see docs).")
    time_scale: list[PositiveFloat] | None = Field(None, description="With --trace: speed factors, "
                                                   "comma-separated (2 replays twice as fast; default 1).")
    context_tokens: PositiveInt | None = Field(None, description="The model's context: a trace request or "
                                               "a length longer than this is refused before any run.")
    kv_cache_blocks: PositiveInt | None = Field(
        None, description="With --launch: cut vLLM's KV cache to this many blocks "
        "(--num-gpu-blocks-override), to find where it fills.")
    rates: list[PositiveFloat] | None = Field(None, description="Open-loop request rates to sweep, "
                                              "requests/s, comma-separated.")
    concurrency: list[PositiveInt] | None = Field(None, description="Closed-loop concurrencies to sweep, "
                                                  "comma-separated.")
    requests: Annotated[int, Field(ge=1, le=MAX_REQUESTS_PER_POINT)] = Field(
        200, description="Minimum counted requests per point.")
    warmup: Annotated[int, Field(ge=0)] = Field(8, description="Warm-up requests per point, not counted.")
    min_seconds: Annotated[float, Field(ge=0, le=MAX_MIN_SECONDS, allow_inf_nan=False)] = Field(
        20.0, description="Minimum seconds per point; requests go on until both minimums are met.")
    burstiness: PositiveFloat = Field(1.0, description="Gamma shape of the inter-arrival times: 1 is "
                                      "Poisson, below 1 burstier, above 1 more regular (vLLM's benchmark).")
    seed: int = Field(0, description="Seed of the prompts and the arrival times.")
    slo_ttft_ms: PositiveFloat | None = Field(None, description="SLO on time to first token, ms.")
    slo_tpot_ms: PositiveFloat | None = Field(None, description="SLO on time per output token, ms.")
    find_capacity: bool = Field(False, description="Search the largest load whose attainment meets the "
                                "SLO: double until it fails, then bisect.")
    attainment: Annotated[float, Field(gt=0, le=1)] = Field(
        0.99, description="Share of requests that must meet every SLO for a load to pass.")
    api_key_env: str | None = Field(None, description="Environment variable holding the API key (sent as "
                                    "a Bearer token, never written anywhere).")
    ignore_eos: bool = Field(True, description="Send ignore_eos so every request generates exactly "
                             "--output-tokens (vLLM, SGLang and TGI take it; hosted APIs may not).")
    chat: bool = Field(False, description="Use /chat/completions instead of /completions.")
    prompt: Literal["auto", "tokens", "text"] = Field(
        "auto", description="Prompt form: token ids, random text fitted to the length through the "
        "server's usage counts, or auto (token ids when the server takes them).")
    timeout_s: PositiveFloat = Field(120.0, description="Per-request timeout, s.")
    out: str | None = Field(
        None, description="Profile file to write (default: profiles/data/served-NAME.json).")
    note: str | None = Field(
        None, description="A line added to the profile's notes (where and how it was run).")

    @model_validator(mode="after")
    def _consistent(self) -> LoadSettings:
        if (self.rates is None) == (self.concurrency is None):
            raise ValueError("give exactly one of --rates and --concurrency")
        if self.launch is None and not self.url:
            raise ValueError("give --url of a running server, or --launch vllm --model ...")
        if self.launch is not None and self.url:
            raise ValueError("--url and --launch exclude each other (--launch picks a local port)")
        if self.launch is not None and not self.model:
            raise ValueError("--launch vllm needs --model (a preset name or a checkpoint folder)")
        if self.launch is None and not self.served_model:
            raise ValueError("--served-model: the model name the server serves is required with --url")
        if self.find_capacity and self.slo_ttft_ms is None and self.slo_tpot_ms is None:
            raise ValueError("--find-capacity needs an SLO: --slo-ttft-ms and/or --slo-tpot-ms")
        if self.launch is None and (self.prefix_caching or self.kv_cache_blocks):
            raise ValueError("--prefix-caching and --kv-cache-blocks: only with --launch")
        if self.time_scale is not None and self.trace is None:
            raise ValueError("--time-scale: only with --trace")
        if self.context_tokens is not None and self.max_context_tokens > self.context_tokens:
            raise ValueError(f"--context-tokens: the longest request ({self.max_context_tokens} tokens with "
                             f"its output) is past the model's context of {self.context_tokens}")
        if self.launch is None and self.prefix_caching:
            raise ValueError("--prefix-caching: only with --launch (a given server has its own setting)")
        if self.prefix_groups > 1 and not self.shared_prefix_tokens:
            raise ValueError("--prefix-groups needs --shared-prefix-tokens")
        if self.chat and self.prompt == "tokens":
            raise ValueError("--prompt tokens: chat requests take text; use --prompt text or auto")
        return self

    @property
    def input_spec(self) -> LengthSpec:
        """Prompt lengths (own part, without the shared prefix)."""
        return self.input_lengths or fixed(self.input_tokens)

    @property
    def output_spec(self) -> LengthSpec:
        return self.output_lengths or fixed(self.output_tokens)

    @property
    def max_context_tokens(self) -> int:
        """The longest request: prefix + the largest prompt + the largest output."""
        return self.shared_prefix_tokens + self.input_spec.max_tokens + self.output_spec.max_tokens

    @property
    def kind(self) -> Literal["rate", "concurrency"]:
        return "rate" if self.rates is not None else "concurrency"

    @property
    def loads(self) -> list[float]:
        """The loads in the order given (the profile lists its points ascending)."""
        values = self.rates if self.rates is not None else self.concurrency
        return [float(v) for v in values]


def url_problem(url: str) -> str | None:
    """Why --url is not an http(s) base URL, or None."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return f"--url: expected http://HOST:PORT/v1 or https://..., got {url!r}"
    return None


def load_settings(**values) -> LoadSettings:
    """Validated settings; a ValueError naming the flag on bad input (one line)."""
    try:
        settings = LoadSettings(**values)
    except ValidationError as exc:
        problems = []
        for item in exc.errors():
            if not item["loc"]:
                problems.append(item["msg"].removeprefix("Value error, "))
                continue
            problems.append(f"{flag_name(field_path(item['loc'][:1]))}: {item['msg']}")
        raise ValueError("; ".join(dict.fromkeys(problems))) from None
    problem = (url_problem(settings.url) if settings.url else None) or (
        model_spec_problem(settings.model) if settings.model else None)
    if problem:
        raise ValueError(problem)
    return settings


def parse_numbers(text: str, flag: str, kind: type) -> list:
    """'1,2,4' → [1, 2, 4] of `kind`; a ValueError naming the flag otherwise."""
    try:
        values = [kind(part.strip()) for part in text.split(",")]
    except ValueError:
        raise ValueError(f"{flag}: expected comma-separated positive numbers, got {text!r}") from None
    if any(not value > 0 for value in values) or len(set(values)) != len(values):
        raise ValueError(f"{flag}: values must be positive and distinct, got {text!r}")
    return values
