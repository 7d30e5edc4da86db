"""The model under measurement: a preset's real shape with random weights, or a local checkpoint folder.

Imports torch and transformers (measuring commands only) and the model catalog. Random weights are
enough for throughput and memory, which do not depend on weight values (and nothing is downloaded).
Checkpoints load with `local_files_only=True`, safetensors only and `trust_remote_code` off.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import torch
from transformers import (
    AutoConfig,
    AutoModelForCausalLM,
    LlamaConfig,
    LlamaForCausalLM,
    MistralConfig,
    MistralForCausalLM,
    Qwen2Config,
    Qwen2ForCausalLM,
)

from econ.io.files import slug
from profiles.backends.transformers.device import TORCH_DTYPES
from profiles.catalog import ModelArchitecture, model_preset
from profiles.settings import model_spec_problem

FAMILIES = {
    "llama": (LlamaConfig, LlamaForCausalLM),
    "qwen2": (Qwen2Config, Qwen2ForCausalLM),
    "mistral": (MistralConfig, MistralForCausalLM),
}
# Random weights: the transformers default initialiser (normal, std = initializer_range) is kept;
# values do not change speed, only finite-ness could, and this keeps activations finite in bf16/fp16.


@dataclass
class LoadedModel:
    """A model ready to run, with the shape that drives the analytic bytes and FLOPs."""

    model: torch.nn.Module
    arch: ModelArchitecture
    name: str
    source: str  # "preset" or "checkpoint"
    dtype: str
    parameters: int


def hf_config(arch: ModelArchitecture):
    """A transformers config of the preset's shape (full attention, no sliding window)."""
    config_cls, _ = FAMILIES[arch.family]
    extra = {"sliding_window": None} if arch.family in ("mistral", "qwen2") else {}
    return config_cls(
        vocab_size=arch.vocab_size,
        hidden_size=arch.hidden_size,
        intermediate_size=arch.intermediate_size,
        num_hidden_layers=arch.layers,
        num_attention_heads=arch.attention_heads,
        num_key_value_heads=arch.kv_heads,
        max_position_embeddings=arch.max_position_embeddings,
        tie_word_embeddings=arch.tied_embeddings,
        **extra,
    )


def build_preset(arch: ModelArchitecture, device: str, dtype: str) -> torch.nn.Module:
    """A causal LM of the preset's shape with random weights, created directly on the device."""
    _, model_cls = FAMILIES[arch.family]
    with torch.device(device):
        model = model_cls._from_config(hf_config(arch), dtype=TORCH_DTYPES[dtype])
    return model.eval()


def checkpoint_architecture(folder: Path) -> ModelArchitecture:
    """The shape of a local checkpoint from its config.json (llama, qwen2 or mistral families)."""
    config = AutoConfig.from_pretrained(folder, local_files_only=True, trust_remote_code=False)
    family = getattr(config, "model_type", None)
    if family not in FAMILIES:
        raise ValueError(f"--model {folder}: model_type {family!r} is not supported "
                         f"(supported: {', '.join(FAMILIES)})")
    heads = config.num_attention_heads
    return ModelArchitecture(
        name=slug(folder.name, "checkpoint", lowercase=True),
        family=family,
        layers=config.num_hidden_layers,
        hidden_size=config.hidden_size,
        attention_heads=heads,
        kv_heads=getattr(config, "num_key_value_heads", None) or heads,
        intermediate_size=config.intermediate_size,
        vocab_size=config.vocab_size,
        tied_embeddings=bool(getattr(config, "tie_word_embeddings", False)),
        max_position_embeddings=config.max_position_embeddings,
        source=f"config.json of {folder}",
    )


def resolve_model(spec: str) -> tuple[ModelArchitecture, Path | None]:
    """A preset name → (its shape, None); a checkpoint folder → (its shape, folder). ValueError otherwise."""
    problem = model_spec_problem(spec)
    if problem:
        raise ValueError(problem)
    path = Path(spec).expanduser()
    if path.is_dir():
        return checkpoint_architecture(path), path
    return model_preset(spec), None


def load_model(spec: str, device: str, dtype: str) -> LoadedModel:
    """The model to measure, on `device` at `dtype`, in eval mode."""
    arch, folder = resolve_model(spec)
    if folder is None:
        model = build_preset(arch, device, dtype)
        name, source = arch.name, "preset"
    else:
        model = AutoModelForCausalLM.from_pretrained(
            folder, local_files_only=True, trust_remote_code=False, use_safetensors=True,
            dtype=TORCH_DTYPES[dtype], device_map=None,
        ).to(device).eval()
        name, source = folder.resolve().name, "checkpoint"
    parameters = sum(p.numel() for p in model.parameters())
    return LoadedModel(model=model, arch=arch, name=name, source=source, dtype=dtype, parameters=parameters)


def save_preset(name: str, folder: Path, dtype: str = "fp32") -> int:
    """Save a preset with random weights as a safetensors checkpoint (no tokenizer); its parameter count."""
    model = build_preset(model_preset(name), "cpu", dtype)
    model.save_pretrained(folder, safe_serialization=True)
    return sum(p.numel() for p in model.parameters())


def save_id_tokenizer(folder: Path, vocab_size: int) -> None:
    """A word-level tokenizer whose token i is the text "<i>", saved beside a preset's weights: a server that
    decodes the tokens it returns log-probs for (vLLM's prompt_logprobs) can then serve the preset."""
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast

    vocab = {f"<{i}>": i for i in range(vocab_size)}
    tokenizer = Tokenizer(models.WordLevel(vocab=vocab, unk_token="<0>"))
    tokenizer.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    PreTrainedTokenizerFast(tokenizer_object=tokenizer, unk_token="<0>").save_pretrained(folder)
