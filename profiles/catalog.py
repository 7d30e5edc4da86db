"""Catalogs of model architectures (and, later, GPUs): small validated data files in `profiles/catalogs/`.

Torch-free: imports pydantic and the standard library. The same model presets drive
`python -m profiles run --model NAME` (random weights of the real shape) and the estimator.
Analytic sizes (parameters, weight bytes, KV-cache bytes per token) are computed here once.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from econ.io.files import validated_json

CATALOG_DIR = Path(__file__).parent / "catalogs"
BYTES_PER_DTYPE = {"fp32": 4, "bf16": 2, "fp16": 2, "fp8": 1, "int8": 1, "int4": 0.5}

PositiveInt = Annotated[int, Field(gt=0)]


class ModelArchitecture(BaseModel):
    """A decoder-only transformer's shape, as in its config.json."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9.\-]*$", description="Lowercase, hyphens (llama-3.1-8b).")
    family: Literal["llama", "qwen2", "mistral"] = Field(description="transformers architecture family.")
    layers: PositiveInt
    hidden_size: PositiveInt
    attention_heads: PositiveInt
    kv_heads: PositiveInt
    intermediate_size: PositiveInt
    vocab_size: PositiveInt
    tied_embeddings: bool
    max_position_embeddings: PositiveInt = 4096
    source: str = Field(min_length=1, description="Where the numbers come from.")

    @model_validator(mode="after")
    def _heads_divide(self) -> ModelArchitecture:
        if self.hidden_size % self.attention_heads:
            raise ValueError("hidden_size must be a multiple of attention_heads")
        if self.attention_heads % self.kv_heads:
            raise ValueError("attention_heads must be a multiple of kv_heads")
        return self

    @property
    def head_dim(self) -> int:
        return self.hidden_size // self.attention_heads

    @property
    def embedding_parameters(self) -> int:
        """Input embedding (and LM head when untied)."""
        embed = self.vocab_size * self.hidden_size
        return embed if self.tied_embeddings else 2 * embed

    @property
    def layer_parameters(self) -> int:
        """One decoder layer: q, k, v, o projections + gated MLP + two RMSNorms (qwen2 adds qkv biases)."""
        h, kv = self.hidden_size, self.kv_heads * self.head_dim
        attention = h * h + 2 * h * kv + h * h
        if self.family == "qwen2":
            attention += h + 2 * kv
        mlp = 3 * h * self.intermediate_size
        return attention + mlp + 2 * h

    @property
    def parameters(self) -> int:
        """All parameters: embeddings, layers, final norm."""
        return self.embedding_parameters + self.layers * self.layer_parameters + self.hidden_size

    @property
    def non_embedding_parameters(self) -> int:
        """Parameters used as matmul weights per token: layers + LM head (the embedding is a gather)."""
        return self.layers * self.layer_parameters + self.vocab_size * self.hidden_size

    def weight_bytes(self, dtype: str) -> float:
        return self.parameters * BYTES_PER_DTYPE[dtype]

    def decode_weight_bytes(self, dtype: str) -> float:
        """Bytes read per decode step for weights: non-embedding weights + LM head (DESIGN.md roofline)."""
        return self.non_embedding_parameters * BYTES_PER_DTYPE[dtype]

    def kv_cache_bytes_per_token(self, dtype: str) -> float:
        """2 (K and V) × layers × kv heads × head dim × bytes."""
        return 2 * self.layers * self.kv_heads * self.head_dim * BYTES_PER_DTYPE[dtype]


class ModelCatalog(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    source: str
    models: list[ModelArchitecture]


class CatalogError(ValueError):
    """A catalog file or a name that is not in it."""


def by_name(entries: list, path: Path, what: str) -> dict:
    """A catalog's entries by their `name`; a CatalogError when two share one (the one rule of both
    catalogs)."""
    names = [e.name for e in entries]
    if len(set(names)) != len(names):
        raise CatalogError(f"{path}: duplicate {what} names")
    return {e.name: e for e in entries}


def pick(catalog: dict, name: str, what: str):
    """The entry called `name`, or a CatalogError listing the known ones."""
    if name not in catalog:
        raise CatalogError(f"unknown {what} {name!r}; known: {', '.join(sorted(catalog))}")
    return catalog[name]


@lru_cache(maxsize=1)
def model_catalog() -> dict[str, ModelArchitecture]:
    """All model presets by name (validated on first use)."""
    path = CATALOG_DIR / "models.json"
    return by_name(validated_json(path, ModelCatalog, CatalogError).models, path, "model")


def model_preset(name: str) -> ModelArchitecture:
    """The preset called `name`, or a CatalogError listing the known ones."""
    return pick(model_catalog(), name, "model preset")
