"""Random prompts for load tests: token ids, or text of a word count fitted to the server's tokenizer.

Torch-free and HTTP-free: imports numpy only. Every prompt differs (seeded), so no prefix cache can
help; with token ids the length is exact, with text it is fitted through the server's own
`usage.prompt_tokens` (see `profiles.backends.endpoint.generator.fit_words`).
"""

from __future__ import annotations

import numpy as np

# Token ids below this are the special tokens of SentencePiece vocabularies (unk, bos, eos): skipped.
FIRST_PLAIN_TOKEN_ID = 3
# Ids drawn below this when the model's vocabulary is unknown: every real vocabulary is larger.
UNKNOWN_VOCAB_CEILING = 500
# Short common words: most tokenizers make one token of each (plus a space), so words ≈ tokens.
WORDS = ("time", "year", "people", "way", "day", "man", "thing", "woman", "life", "child", "world",
         "school", "state", "family", "student", "group", "country", "problem", "hand", "part", "place",
         "case", "week", "company", "system", "program", "question", "work", "number", "night", "point",
         "home", "water", "room", "mother", "area", "money", "story", "fact", "month", "lot", "right",
         "study", "book", "eye", "job", "word", "business", "issue", "side", "kind", "head", "house")


def token_prompt(index: int, tokens: int, vocab_size: int | None, seed: int) -> list[int]:
    """Prompt `index` of the run: exactly `tokens` random ids in [FIRST_PLAIN_TOKEN_ID, vocab)."""
    rng = np.random.default_rng([seed, index])
    return rng.integers(FIRST_PLAIN_TOKEN_ID, vocab_size or UNKNOWN_VOCAB_CEILING, size=tokens).tolist()


def text_prompt(index: int, words: int, seed: int) -> str:
    """Prompt `index` of the run: `words` random common words."""
    rng = np.random.default_rng([seed, index])
    return " ".join(WORDS[i] for i in rng.integers(0, len(WORDS), size=words))


def words_for_tokens(target_tokens: int, words: int, counted_tokens: int) -> int:
    """Next word count: scale the last try by target / counted (at least one word)."""
    return max(1, round(words * target_tokens / max(counted_tokens, 1)))
