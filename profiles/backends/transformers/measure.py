"""The measured loop: one prefill, then output − 1 greedy decode steps against a static KV cache,
each step timestamped, so that prefill (TTFT) and every decode step (ITL) are measured on their own.

Imports torch and transformers' StaticCache (measuring commands only). Fast on purpose, like gpt-fast:
inference mode, the cache and every position tensor allocated before the clock starts, and nothing in
the step but the forward, the argmax and the timestamp. Fixed output length: EOS is never checked.
"""

from __future__ import annotations

import numpy as np
import torch
from transformers import StaticCache

from profiles.backends.transformers.device import StepClock
from profiles.backends.transformers.metrics import RunTiming

# Seed of the random-token prompts, so two runs of the same point feed the same tokens.
PROMPT_SEED = 0
# torch.compile mode per device: CUDA graphs remove the per-step launch overhead on NVIDIA GPUs.
COMPILE_MODE = {"cuda": "reduce-overhead"}
DEFAULT_COMPILE_MODE = "default"


def random_prompt(batch: int, tokens: int, vocab_size: int, device: str) -> torch.Tensor:
    """Random token ids (batch, tokens): no prefix sharing, so no prefix caching can help."""
    generator = torch.Generator().manual_seed(PROMPT_SEED)
    return torch.randint(0, vocab_size, (batch, tokens), generator=generator).to(device)


def compiled_step(model: torch.nn.Module, device: str):
    """model.forward compiled for the fixed decode shape (batch, 1)."""
    mode = COMPILE_MODE.get(device, DEFAULT_COMPILE_MODE)
    return torch.compile(model.forward, mode=mode, dynamic=False, fullgraph=False)


class DecodeSession:
    """Everything one batch size needs, allocated once; `run()` times one request of every sequence."""

    def __init__(self, model: torch.nn.Module, device: str, batch: int, input_tokens: int, output_tokens: int,
                 compile_decode: bool = False):
        self.model = model
        self.device = device
        self.output_tokens = output_tokens
        self.prompt = random_prompt(batch, input_tokens, model.config.vocab_size, device)
        with torch.inference_mode():
            self.cache = StaticCache(config=model.config, max_cache_len=input_tokens + output_tokens)
            positions = torch.arange(input_tokens + output_tokens, device=device).unsqueeze(0)
            self.prefill_positions = positions[:, :input_tokens]
            self.step_positions = [
                positions[:, p:p + 1] for p in range(input_tokens, input_tokens + output_tokens - 1)]
        self.decode_step = compiled_step(model, device) if compile_decode else model.forward
        self.mark_cudagraph_step = compile_decode and device == "cuda"
        self.clock = StepClock(device, output_tokens)
        self._tokens: list[torch.Tensor] = []

    @torch.inference_mode()
    def run(self) -> RunTiming:
        """Prefill + decode of one request per sequence; timestamps after the first and every later token."""
        self.cache.reset()  # before the clock: a fresh request, not part of its latency
        cache, clock, step = self.cache, self.clock, self.decode_step
        clock.start()
        logits = self.model(input_ids=self.prompt, position_ids=self.prefill_positions, past_key_values=cache,
                            use_cache=True, logits_to_keep=1).logits
        token = logits[:, -1].argmax(dim=-1, keepdim=True)
        clock.mark()
        tokens = [token]  # kept by reference only: no copy, no sync inside the loop
        for position in self.step_positions:
            if self.mark_cudagraph_step:
                torch.compiler.cudagraph_mark_step_begin()
            logits = step(input_ids=token, position_ids=position, past_key_values=cache,
                          use_cache=True).logits
            token = logits[:, -1].argmax(dim=-1, keepdim=True)
            tokens.append(token)
            clock.mark()
        times = clock.finish()
        self._tokens = tokens
        return RunTiming(np.asarray(times, dtype=float))

    def generated_tokens(self) -> torch.Tensor:
        """(batch, output_tokens) greedy tokens of the last run."""
        return torch.cat(self._tokens, dim=1)
