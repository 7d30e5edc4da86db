"""The offline method's stored teacher logits: one safetensors shard per step, written and read back.

Imports torch and safetensors (measuring commands only). Values are fp16 and ids int32, the byte sizes
`profiles.analytic.distill` counts; k = 0 stores the whole vocabulary's values without ids. A shard's size
is k × (4 + 2) bytes per token plus the safetensors header (an 8-byte length and a JSON table).
"""

from __future__ import annotations

import json
import struct
from dataclasses import dataclass
from pathlib import Path

import torch
from safetensors.torch import load_file, save_file

VALUES_KEY = "values"
IDS_KEY = "ids"
HEADER_LENGTH_BYTES = 8  # the little-endian u64 in front of the JSON header


@dataclass(frozen=True)
class ShardSize:
    """A written shard: its file bytes, its header bytes and the tokens it holds."""

    file_bytes: int
    header_bytes: int
    tokens: int

    @property
    def bytes_per_token(self) -> float:
        return self.file_bytes / self.tokens


def write_shard(path: Path, values: torch.Tensor, ids: torch.Tensor | None) -> None:
    """Save one step's teacher logits (copied to the CPU as fp16 values and int32 ids)."""
    tensors = {VALUES_KEY: values.detach().to("cpu", torch.float16).contiguous()}
    if ids is not None:
        tensors[IDS_KEY] = ids.detach().to("cpu", torch.int32).contiguous()
    save_file(tensors, str(path))


def read_shard(path: Path, device: str) -> tuple[torch.Tensor, torch.Tensor | None]:
    """(values, ids or None) of a shard, on the device."""
    tensors = load_file(str(path), device=device)
    return tensors[VALUES_KEY], tensors.get(IDS_KEY)


def shard_size(path: Path) -> ShardSize:
    """The shard's file bytes, its header bytes (length prefix + JSON) and its token count."""
    with open(path, "rb") as handle:
        (header_len,) = struct.unpack("<Q", handle.read(HEADER_LENGTH_BYTES))
        header = json.loads(handle.read(header_len))
    batch, seq_len = header[VALUES_KEY]["shape"][:2]
    return ShardSize(path.stat().st_size, HEADER_LENGTH_BYTES + header_len, batch * seq_len)
