"""Request lengths as distributions: a fixed number, lognormal, uniform, or empirical (quantiles or a
histogram), parsed from a flag or a file, summarised, and sampled with a seed.

Torch-free and HTTP-free: imports numpy, pydantic and `econ.io.files` (bounded, hostile-input JSON).
Every distribution is held as one form: a piecewise-linear inverse CDF (`probabilities`, `tokens`), or
the two parameters of a lognormal. Quantiles given at p < 1 make the tail flat past the last one
(a draw never exceeds the largest token count the file names); a histogram is uniform inside each
bin. Lognormal draws (MEAN and SD of the token count itself, not of its log) are cut at the 99.9th
percentile, so the server's context can be sized before the run. Draws are rounded to whole tokens
and never below `minimum`. The draw of request i depends only on (seed, stream, i): block b of
BLOCK draws comes from `default_rng([seed, stream, b])`.
"""

from __future__ import annotations

import math
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from econ.base.errors import FieldError, describe_validation_error
from econ.io.files import read_bounded_json

# Draws per seeded block: large enough that sampling costs nothing per request.
BLOCK = 4096
# Lognormal draws are cut at this quantile's z (99.9th percentile of the standard normal).
LOGNORMAL_CUT_Z = 3.090232306167813
# z of the 50th, 90th and 99th percentiles of the standard normal.
Z_P50, Z_P90, Z_P99 = 0.0, 1.2815515655446004, 2.3263478740408408
# Length files are small: a few hundred quantiles or bins at most.
MAX_LENGTH_FILE_BYTES = 1 << 20
# No request is asked for more tokens than this (past every model's context today).
MAX_TOKENS = 10_000_000


class LengthSpec(BaseModel):
    """One length distribution, as asked for (`text` is what the user wrote)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: Literal["fixed", "lognormal", "uniform", "empirical"]
    text: str
    probabilities: tuple[float, ...] = ()  # empirical/uniform/fixed: the inverse CDF's knots
    tokens: tuple[float, ...] = ()
    mean_tokens: float = 0.0  # lognormal: the parameters
    sd_tokens: float = 0.0

    @property
    def _log_params(self) -> tuple[float, float]:
        sigma2 = math.log1p((self.sd_tokens / self.mean_tokens) ** 2)
        return math.log(self.mean_tokens) - sigma2 / 2, math.sqrt(sigma2)

    @property
    def mean(self) -> float:
        """Mean tokens before rounding: the lognormal's MEAN, else the integral of the inverse CDF."""
        if self.kind == "lognormal":
            return self.mean_tokens
        p, t = np.asarray(self.probabilities), np.asarray(self.tokens)
        return float(np.sum(np.diff(p) * (t[1:] + t[:-1]) / 2)) if len(p) > 1 else float(t[0])

    @property
    def max_tokens(self) -> int:
        """The largest draw possible (the lognormal's cut)."""
        if self.kind == "lognormal":
            mu, sigma = self._log_params
            return math.ceil(math.exp(mu + LOGNORMAL_CUT_Z * sigma))
        return math.ceil(max(self.tokens))

    def quantile(self, q: float, z: float) -> float:
        """The q-th quantile (z is its standard-normal score, for the lognormal)."""
        if self.kind == "lognormal":
            mu, sigma = self._log_params
            return min(math.exp(mu + z * sigma), self.max_tokens)
        if len(self.tokens) == 1:
            return self.tokens[0]
        return float(np.interp(q, self.probabilities, self.tokens))

    def draws(self, start: int, count: int, seed: int, stream: int, minimum: int = 1) -> np.ndarray:
        """Whole-token lengths of requests start .. start+count-1 (each fixed by seed, stream and index)."""
        if count <= 0:
            return np.zeros(0, dtype=np.int64)
        first, last = start // BLOCK, (start + count - 1) // BLOCK
        pooled = np.concatenate([self._block(b, seed, stream) for b in range(first, last + 1)])
        offset = start - first * BLOCK
        return np.maximum(np.rint(pooled[offset:offset + count]), minimum).astype(np.int64)

    def _block(self, block: int, seed: int, stream: int) -> np.ndarray:
        rng = np.random.default_rng([seed, stream, block])
        if self.kind == "lognormal":
            mu, sigma = self._log_params
            return np.minimum(rng.lognormal(mu, sigma, BLOCK), self.max_tokens)
        if len(self.tokens) == 1:
            return np.full(BLOCK, self.tokens[0])
        if self.kind == "uniform":  # every whole number in [LO, HI] equally likely
            return rng.integers(int(self.tokens[0]), int(self.tokens[-1]) + 1, BLOCK).astype(float)
        return np.interp(rng.random(BLOCK), self.probabilities, self.tokens)


def empirical_from(values: np.ndarray, text: str) -> LengthSpec:
    """The distribution of given lengths (a trace's), as its percentiles 0, 1, ..., 100."""
    probabilities = np.linspace(0.0, 1.0, 101)
    tokens = np.percentile(np.asarray(values, dtype=float), probabilities * 100)
    return LengthSpec(kind="empirical", text=text, probabilities=tuple(probabilities.tolist()),
                      tokens=tuple(tokens.tolist()))


def fixed(tokens: int) -> LengthSpec:
    return LengthSpec(kind="fixed", text=str(tokens), probabilities=(1.0,), tokens=(float(tokens),))


class _Quantiles(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    quantiles: dict[str, float] = Field(min_length=1)

    @field_validator("quantiles")
    @classmethod
    def _valid(cls, value: dict[str, float]) -> dict[str, float]:
        points = []
        for key, tokens in value.items():
            try:
                q = float(key.removeprefix("p")) / (100 if key.startswith("p") else 1)
            except ValueError:
                raise ValueError(f"quantile {key!r}: expected a probability like 0.9 or p90") from None
            if not 0 <= q <= 1:
                raise ValueError(f"quantile {key!r}: must be between 0 and 1")
            if not 0 < tokens <= MAX_TOKENS:
                raise ValueError(f"quantile {key!r}: tokens must be in (0, {MAX_TOKENS:,}], got {tokens}")
            points.append((q, tokens))
        points.sort()
        if any(b[1] < a[1] for a, b in zip(points, points[1:], strict=False)):
            raise ValueError("quantiles must not decrease as the probability grows")
        return value


class _Histogram(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    edges: list[float] = Field(min_length=2, description="Bin edges in tokens, ascending.")
    counts: list[float] = Field(min_length=1, description="Requests per bin (len(edges) - 1 of them).")

    @field_validator("edges")
    @classmethod
    def _ascending(cls, edges: list[float]) -> list[float]:
        if edges[0] < 0 or edges[-1] > MAX_TOKENS or any(
            b <= a for a, b in zip(edges, edges[1:], strict=False)):
            raise ValueError(f"edges must rise strictly, from >= 0 to <= {MAX_TOKENS:,}")
        return edges


class EmpiricalFile(BaseModel):
    """A length file or a workload entry: quantiles {"0.5": 120, "p99": 900} or a histogram."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    quantiles: dict[str, float] | None = None
    histogram: _Histogram | None = None

    def spec(self, text: str) -> LengthSpec:
        if (self.quantiles is None) == (self.histogram is None):
            raise ValueError("give exactly one of 'quantiles' and 'histogram'")
        if self.quantiles is not None:
            points = sorted(_quantile_points(self.quantiles))
            probabilities = [0.0] + [q for q, _ in points] + [1.0]
            tokens = [points[0][1]] + [t for _, t in points] + [points[-1][1]]
            return LengthSpec(kind="empirical", text=text, probabilities=tuple(probabilities),
                              tokens=tuple(tokens))
        h = self.histogram
        if len(h.counts) != len(h.edges) - 1 or any(c < 0 for c in h.counts) or sum(h.counts) <= 0:
            raise ValueError("histogram: counts must be len(edges) - 1 non-negative numbers, not all 0")
        cumulative = np.concatenate([[0.0], np.cumsum(h.counts)]) / sum(h.counts)
        return LengthSpec(kind="empirical", text=text, probabilities=tuple(cumulative.tolist()),
                          tokens=tuple(float(e) for e in h.edges))


def _quantile_points(quantiles: dict[str, float]) -> list[tuple[float, float]]:
    _Quantiles(quantiles=quantiles)  # validates
    return [(float(k.removeprefix("p")) / (100 if k.startswith("p") else 1), v) for k, v in quantiles.items()]


def empirical_spec(data, flag: str, origin: str) -> LengthSpec:
    """A parsed quantiles/histogram object → LengthSpec; a FieldError naming flag and origin otherwise."""
    try:
        return EmpiricalFile.model_validate(data).spec(f"empirical:{origin}")
    except ValidationError as exc:
        raise FieldError(flag, f"{origin}: {describe_validation_error(exc)}") from None
    except ValueError as exc:
        raise FieldError(flag, f"{origin}: {exc}") from None


def _numbers(body: str, count: int, flag: str, text: str) -> list[float]:
    parts = body.split(",")
    try:
        values = [float(p) for p in parts]
    except ValueError:
        values = []
    if len(values) != count or not all(math.isfinite(v) for v in values):
        raise FieldError(flag, f"expected {count} comma-separated numbers after the colon, got {text!r}")
    return values


def parse_length(text: str, flag: str, minimum: int = 1) -> LengthSpec:
    """'128', 'lognormal:MEAN,SD', 'uniform:LO,HI' or 'empirical:FILE' → LengthSpec (FieldError naming
    flag)."""
    text = text.strip()
    kind, _, body = text.partition(":")
    if not body:
        try:
            value = int(text)
        except ValueError:
            raise FieldError(flag, f"expected a whole number, lognormal:MEAN,SD, uniform:LO,HI or "
                             f"empirical:FILE, got {text!r}") from None
        if not minimum <= value <= MAX_TOKENS:
            raise FieldError(flag, f"must be at least {minimum} (and at most {MAX_TOKENS:,}), got {value}")
        return fixed(value)
    if kind == "empirical":
        try:
            data = read_bounded_json(body, MAX_LENGTH_FILE_BYTES, flag)
        except FieldError as exc:
            raise FieldError(flag, exc.message) from None
        spec = empirical_spec(data, flag, body)
    elif kind == "lognormal":
        mean, sd = _numbers(body, 2, flag, text)
        if not (0 < mean <= MAX_TOKENS and 0 < sd <= MAX_TOKENS):
            raise FieldError(flag, f"lognormal MEAN and SD must be positive, got {text!r}")
        spec = LengthSpec(kind="lognormal", text=text, mean_tokens=mean, sd_tokens=sd)
    elif kind == "uniform":
        lo, hi = _numbers(body, 2, flag, text)
        if not (lo == int(lo) and hi == int(hi) and 1 <= lo <= hi <= MAX_TOKENS):
            raise FieldError(flag, f"uniform LO,HI must be whole numbers with 1 <= LO <= HI, got {text!r}")
        spec = LengthSpec(kind="uniform", text=text, probabilities=(0.0, 1.0), tokens=(lo, hi))
    else:
        raise FieldError(flag, f"unknown distribution {kind!r}: use lognormal:, uniform: or empirical:")
    if spec.max_tokens < minimum:
        raise FieldError(flag, f"every draw would be below the minimum of {minimum} tokens: {text!r}")
    return spec


def _entry_spec(value, flag: str, field: str, origin: str, minimum: int) -> LengthSpec:
    where = f"{origin}: {field}"
    if isinstance(value, bool) or value is None:
        raise FieldError(flag, f"{where}: expected a number, a distribution text or an object")
    if isinstance(value, int | float):
        if value != int(value):
            raise FieldError(flag, f"{where}: a fixed length must be a whole number, got {value}")
        return parse_length(str(int(value)), f"{flag} {where}", minimum)
    if isinstance(value, str):
        if value.startswith("empirical:"):
            raise FieldError(flag, f"{where}: give the quantiles or histogram inline, not another file")
        return parse_length(value, f"{flag} {where}", minimum)
    if not isinstance(value, dict):
        raise FieldError(flag, f"{where}: expected a number, a distribution text or an object")
    spec = empirical_spec(value, flag, where)
    return spec.model_copy(update={"text": f"workload:{origin}#{field}"})


def workload_specs(path: str, flag: str = "--workload",
                   minimum_output: int = 1) -> tuple[LengthSpec, LengthSpec]:
    """A task's workload file → (prompt lengths, output lengths). Keys other than the two are ignored."""
    data = read_bounded_json(path, MAX_LENGTH_FILE_BYTES, flag)
    if not isinstance(data, dict):
        raise FieldError(flag, f"{path}: expected a JSON object with input_tokens and output_tokens")
    missing = [k for k in ("input_tokens", "output_tokens") if k not in data]
    if missing:
        raise FieldError(flag, f"{path}: missing {' and '.join(missing)}")
    return (_entry_spec(data["input_tokens"], flag, "input_tokens", path, 1),
            _entry_spec(data["output_tokens"], flag, "output_tokens", path, minimum_output))
