"""Teacher scoring through a served OpenAI-compatible `/v1/completions`: prompt log-probabilities only.

Imports the standard library and numpy only (urllib, threads): no torch here; the distillation run turns the
arrays into tensors. The request is what TRL's and axolotl's served-teacher scoring sends: the token ids as
the prompt, `echo: true` with `max_tokens: 0` (no generation: vLLM runs the prefill alone) and
`prompt_logprobs: k`, which returns, at every prompt position after the first, the log-probabilities of the
teacher's top k tokens and of the token actually there. One request per sequence, all of a batch at once.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

# A scoring request of a few thousand tokens takes well under a minute on any server that can hold them.
REQUEST_TIMEOUT_S = 300.0
ERROR_BODY_CHARS = 300


@dataclass(frozen=True)
class ServedScores:
    """One batch scored: top-k (log-prob values, ids) per position, each token's own log-prob, seconds taken.

    Position 0 has no log-probs (nothing precedes it): its values are 0, its ids 0..k−1 and its own log-prob
    0.
    """

    values: np.ndarray  # (batch, tokens, k) float32
    ids: np.ndarray  # (batch, tokens, k) int64
    token_log_probs: np.ndarray  # (batch, tokens) float32
    seconds: float


class ServedTeacher:
    """A served teacher at `base_url` (…/v1) under the model name `model`."""

    def __init__(self, base_url: str, model: str, top_k: int):
        self.url = base_url.rstrip("/") + "/completions"
        self.model = model
        self.top_k = top_k

    def _request(self, token_ids: list[int]) -> list:
        body = json.dumps({"model": self.model, "prompt": token_ids, "max_tokens": 0, "echo": True,
                           "prompt_logprobs": self.top_k, "temperature": 0.0}).encode()
        request = urllib.request.Request(self.url, data=body, headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=REQUEST_TIMEOUT_S) as response:
                data = json.loads(response.read())
        except urllib.error.HTTPError as exc:
            detail = exc.read()[:ERROR_BODY_CHARS].decode(errors="replace")
            raise ValueError(f"--teacher-url {self.url}: HTTP {exc.code}: {detail}") from None
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise ValueError(f"--teacher-url {self.url}: {getattr(exc, 'reason', exc)}") from None
        logprobs = data.get("choices", [{}])[0].get("prompt_logprobs")
        if not isinstance(logprobs, list) or len(logprobs) != len(token_ids):
            raise ValueError(f"--teacher-url {self.url}: the answer has no prompt_logprobs for the "
                             f"{len(token_ids)} prompt tokens (is it a vLLM-compatible server?)")
        return logprobs

    def _arrays(self, rows: list[list], batch: list[list[int]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        b, length, k = len(batch), len(batch[0]), self.top_k
        values = np.zeros((b, length, k), np.float32)
        ids = np.tile(np.arange(k, dtype=np.int64), (b, length, 1))
        own = np.zeros((b, length), np.float32)
        for i, (positions, tokens) in enumerate(zip(rows, batch, strict=True)):
            for t, entry in enumerate(positions):
                if not entry:
                    continue
                ranked = sorted(((int(tid), float(v["logprob"])) for tid, v in entry.items()),
                                key=lambda p: -p[1])
                top = ranked[:k]
                ids[i, t, :len(top)] = [tid for tid, _ in top]
                values[i, t, :len(top)] = [lp for _, lp in top]
                own[i, t] = float(entry[str(tokens[t])]["logprob"]) if str(tokens[t]) in entry else np.nan
        return values, ids, own

    def score(self, batch: list[list[int]]) -> ServedScores:
        """Every sequence scored in its own request, all at once; seconds from the first send to the last
        answer."""
        with ThreadPoolExecutor(max_workers=len(batch)) as pool:
            started = time.perf_counter()
            rows = list(pool.map(self._request, batch))
            seconds = time.perf_counter() - started
        return ServedScores(*self._arrays(rows, batch), seconds=seconds)
