"""Dense retrieval: one FAISS inner-product index per encoder over normalised unit embeddings."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import faiss
import numpy as np

from budgetqa.atomic import write_bytes

from .embedding_cache import EmbeddingCache
from .encoders import Encoder


@dataclass
class DenseStore:
    """A FAISS ``IndexFlatIP`` whose row i is unit i of the index (the exact search a few thousand
    units need; approximate indexes would only add error at this size)."""

    encoder_name: str
    index: faiss.Index

    @classmethod
    def build(
        cls, encoder: Encoder, texts: Sequence[str], cache: EmbeddingCache, *, show_progress: bool = True
    ) -> tuple[DenseStore, int]:
        """Embed `texts` (reusing cached vectors) and index them; returns (store, texts embedded)."""
        vectors, embedded = cache.embed(
            texts, lambda todo: encoder.encode_passages(todo, show_progress=show_progress)
        )
        cache.save()
        index = faiss.IndexFlatIP(encoder.dimension)
        if len(vectors):
            index.add(np.ascontiguousarray(vectors, dtype=np.float32))
        return cls(encoder.name, index), embedded

    def save(self, path: Path) -> None:
        write_bytes(path, faiss.serialize_index(self.index).tobytes())

    @classmethod
    def load(cls, encoder_name: str, path: Path) -> DenseStore:
        data = np.frombuffer(path.read_bytes(), dtype=np.uint8)
        return cls(encoder_name, faiss.deserialize_index(data))

    def search(self, query_vector: np.ndarray, k: int) -> list[tuple[int, float]]:
        """Top-k (unit row, cosine) for one normalised query vector."""
        k = min(k, self.index.ntotal)
        if k <= 0:
            return []
        scores, rows = self.index.search(np.ascontiguousarray(query_vector.reshape(1, -1), dtype=np.float32), k)
        return [(int(row), float(score)) for row, score in zip(rows[0], scores[0], strict=True) if row >= 0]
