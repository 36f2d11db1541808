from __future__ import annotations

from pathlib import Path

import numpy as np

from budgetqa.index.embedding_cache import EmbeddingCache


def _encode_counting(calls: list[list[str]]):
    """A fake encoder (unit test only): a text's vector is its length in the first dimension."""

    def encode(texts: list[str]) -> np.ndarray:
        calls.append(list(texts))
        return np.array([[len(text), 1.0] for text in texts], dtype=np.float32)

    return encode


def test_unchanged_texts_are_not_embedded_again_after_a_reload(tmp_path: Path) -> None:
    calls: list[list[str]] = []
    cache = EmbeddingCache(tmp_path / "e.npz", "model-a", 2)
    vectors, misses = cache.embed(["甲", "乙乙", "甲"], _encode_counting(calls))
    cache.save()
    assert misses == 2 and vectors.shape == (3, 2) and vectors[2][0] == 1.0
    reopened = EmbeddingCache(tmp_path / "e.npz", "model-a", 2)
    _, misses = reopened.embed(["甲", "乙乙", "丙丙丙"], _encode_counting(calls))
    assert misses == 1 and calls[-1] == ["丙丙丙"]


def test_another_model_fingerprint_misses_the_cache(tmp_path: Path) -> None:
    calls: list[list[str]] = []
    cache = EmbeddingCache(tmp_path / "e.npz", "model-a", 2)
    cache.embed(["甲"], _encode_counting(calls))
    cache.save()
    _, misses = EmbeddingCache(tmp_path / "e.npz", "model-b", 2).embed(["甲"], _encode_counting(calls))
    assert misses == 1


def test_a_damaged_cache_file_only_costs_re_embedding(tmp_path: Path) -> None:
    (tmp_path / "e.npz").write_bytes(b"garbage")
    calls: list[list[str]] = []
    _, misses = EmbeddingCache(tmp_path / "e.npz", "model-a", 2).embed(["甲"], _encode_counting(calls))
    assert misses == 1
