"""What each request of a point asks for: its prompt length, output length, shared prefix and prompt,
and how the lengths the server counted compare with them.

Torch-free and HTTP-free: imports numpy, the schema (`econ.model.workload`) and the load core
(lengths, prompts). Request i's lengths depend only on (seed, i), so every point of a sweep sends the
same length sequence; its random prompt text depends on (seed, point), so no point re-sends another
point's prompts (a prefix cache would serve them). Request i uses shared prefix i mod G, the same
G prefixes at every point (the cache is reset between points where the server allows it).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from econ.model.workload import LengthDistribution, LengthStats
from profiles.load.lengths import Z_P50, Z_P90, Z_P99, LengthSpec
from profiles.load.prompts import (
    FIRST_PLAIN_TOKEN_ID,
    UNKNOWN_VOCAB_CEILING,
    text_prompt,
    token_prompt,
)
from profiles.load.traces import MOONCAKE_BLOCK_TOKENS, Trace

INPUT_STREAM, OUTPUT_STREAM, PREFIX_STREAM, BLOCK_STREAM = 1, 2, 3, 4
# Seed step between points for the random part of the prompts.
POINT_SEED_STEP = 7919
# Seed step of the text prefixes, apart from any point seed.
PREFIX_SEED_STEP = 1_000_003


@dataclass(frozen=True)
class RequestShape:
    input_tokens: int  # own part, without the prefix
    output_tokens: int
    group: int | None  # shared prefix used, None without one


@dataclass
class RequestPlan:
    """Lengths and prompts of one run; `words_per_token` > 0 makes text prompts instead of token ids."""

    input_spec: LengthSpec
    output_spec: LengthSpec
    seed: int
    min_output: int
    prefix_tokens: int = 0
    prefix_groups: int = 1
    vocab_size: int | None = None
    words_per_token: float = 0.0
    trace: Trace | None = None  # a replayed trace: its lengths and shared blocks, request by request

    def __post_init__(self) -> None:
        self._inputs = np.zeros(0, dtype=np.int64)
        self._outputs = np.zeros(0, dtype=np.int64)
        self._prefixes: dict[int, list[int] | str] = {}
        if self.trace is not None:
            self._inputs, self._outputs = self.trace.input_tokens, self.trace.output_tokens

    def shape(self, index: int) -> RequestShape:
        # draw ahead in whole blocks, the same numbers whatever the order
        if index >= len(self._inputs) and self.trace is None:
            count = max(2 * index + 1, 1024) - len(self._inputs)
            start = len(self._inputs)
            self._inputs = np.concatenate(
                [self._inputs, self.input_spec.draws(start, count, self.seed, INPUT_STREAM)])
            self._outputs = np.concatenate([self._outputs, self.output_spec.draws(
                start, count, self.seed, OUTPUT_STREAM, self.min_output)])
        group = index % self.prefix_groups if self.prefix_tokens else None
        return RequestShape(int(self._inputs[index]), int(self._outputs[index]), group)

    def planned_input(self, index: int) -> int:
        """Prompt tokens asked for, prefix included."""
        return self.shape(index).input_tokens + self.prefix_tokens

    def _prefix(self, group: int) -> list[int] | str:
        if group not in self._prefixes:
            seed = [self.seed, PREFIX_STREAM]
            if self.words_per_token:
                words = max(1, round(self.prefix_tokens * self.words_per_token))
                self._prefixes[group] = text_prompt(group, words,
                                                    self.seed * PREFIX_SEED_STEP + PREFIX_STREAM)
            else:
                rng = np.random.default_rng([*seed, group])
                high = self.vocab_size or UNKNOWN_VOCAB_CEILING
                self._prefixes[group] = rng.integers(FIRST_PLAIN_TOKEN_ID, high,
                                                     size=self.prefix_tokens).tolist()
        return self._prefixes[group]

    def prompt(self, index: int, point: int) -> list[int] | str:
        """Request `index`'s prompt at the `point`-th load: its prefix (if any), then its own random part."""
        shape, seed = self.shape(index), self.seed + POINT_SEED_STEP * point
        if self.words_per_token:
            own = text_prompt(index, max(1, round(shape.input_tokens * self.words_per_token)), seed)
            return own if shape.group is None else f"{self._prefix(shape.group)} {own}"
        if self.trace is not None and self.trace.hash_ids:
            return self._from_blocks(index, shape.input_tokens, seed)
        own = token_prompt(index, shape.input_tokens, self.vocab_size, seed)
        return own if shape.group is None else [*self._prefix(shape.group), *own]

    def _from_blocks(self, index: int, tokens: int, seed: int) -> list[int]:
        """A Mooncake request: its hash ids' shared blocks in order, cut to its length (random past them)."""
        high = self.vocab_size or UNKNOWN_VOCAB_CEILING
        prompt: list[int] = []
        for block in self.trace.hash_ids[index]:
            rng = np.random.default_rng([self.seed, PREFIX_STREAM, BLOCK_STREAM, block])
            prompt += rng.integers(FIRST_PLAIN_TOKEN_ID, high, size=MOONCAKE_BLOCK_TOKENS).tolist()
            if len(prompt) >= tokens:
                return prompt[:tokens]
        return prompt + token_prompt(index, tokens - len(prompt), self.vocab_size, seed)


def spec_stats(spec: LengthSpec, shift: int = 0) -> LengthStats:
    """The requested distribution's summary (before rounding), `shift` tokens added (a prefix)."""
    return LengthStats(mean=spec.mean + shift, p50=spec.quantile(0.5, Z_P50) + shift,
                       p90=spec.quantile(0.9, Z_P90) + shift, p99=spec.quantile(0.99, Z_P99) + shift,
                       min=None, max=float(spec.max_tokens + shift))


def sample_stats(values: list[int]) -> LengthStats | None:
    """Summary of counted lengths (None when there are none)."""
    if not values:
        return None
    a = np.asarray(values, dtype=float)
    p50, p90, p99 = np.percentile(a, [50, 90, 99])
    return LengthStats(mean=float(a.mean()), p50=float(p50), p90=float(p90), p99=float(p99),
                       min=float(a.min()), max=float(a.max()), count=len(values))


def distribution(spec: LengthSpec, counted: list[int], shift: int = 0) -> LengthDistribution:
    text = spec.text if not shift else f"{shift} shared + {spec.text}"
    return LengthDistribution(spec=text, requested=spec_stats(spec, shift), realised=sample_stats(counted))


def mismatch_note(planned: list[int], counted: list[int | None], what: str) -> str | None:
    """A note when the server counted other lengths than asked for (None when all matched or none counted)."""
    pairs = [(p, c) for p, c in zip(planned, counted, strict=True) if c is not None]
    off = [(p, c) for p, c in pairs if p != c]
    if not pairs:
        return f"the server reported no usage: realised {what} lengths are absent"
    if not off:
        return None
    worst = max(off, key=lambda pc: abs(pc[1] - pc[0]))
    return (f"{len(off)} of {len(pairs)} requests had usage.{what}_tokens != the length asked for "
            f"(worst: asked {worst[0]}, counted {worst[1]})")
