"""Content-addressed cache of passage embeddings, so that unchanged units are never embedded twice.

Keys are sha256(encoder fingerprint + text): a changed unit, or a changed model, misses the cache;
everything else is reused when the index is rebuilt (for example after the document is edited).
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from budgetqa.atomic import write_bytes


class EmbeddingCache:
    """Embeddings of one encoder, stored in one ``.npz`` file: keys and a float32 matrix."""

    def __init__(self, path: Path, fingerprint: str, dimension: int) -> None:
        self.path = path
        self.fingerprint = fingerprint
        self.dimension = dimension
        self._vectors: dict[str, np.ndarray] = {}
        self._dirty = False
        if path.exists():
            self._load()

    def key(self, text: str) -> str:
        return hashlib.sha256(f"{self.fingerprint}\x00{text}".encode()).hexdigest()

    def embed(
        self, texts: Sequence[str], encode: Callable[[list[str]], np.ndarray]
    ) -> tuple[np.ndarray, int]:
        """Vectors for `texts`, calling `encode` only for the misses; returns (matrix, misses)."""
        keys = [self.key(text) for text in texts]
        missing = sorted({i for i, key in enumerate(keys) if key not in self._vectors}, key=keys.__getitem__)
        todo: dict[str, str] = {}
        for i in missing:
            todo.setdefault(keys[i], texts[i])
        if todo:
            vectors = encode(list(todo.values()))
            for key, vector in zip(todo, vectors, strict=True):
                self._vectors[key] = np.asarray(vector, dtype=np.float32)
            self._dirty = True
        matrix = np.stack([self._vectors[key] for key in keys]) if keys else np.zeros((0, self.dimension))
        return matrix.astype(np.float32), len(todo)

    def save(self) -> None:
        """Write the cache atomically if it changed."""
        if not self._dirty:
            return
        keys = sorted(self._vectors)
        buffer = io.BytesIO()
        np.savez(buffer, keys=np.array(keys), vectors=np.stack([self._vectors[k] for k in keys]))
        write_bytes(self.path, buffer.getvalue())
        self._dirty = False

    def _load(self) -> None:
        try:
            with np.load(self.path, allow_pickle=False) as data:
                keys, vectors = data["keys"], data["vectors"]
        except (OSError, ValueError, KeyError):
            # A damaged cache only costs re-embedding: start empty and overwrite it on save.
            return
        if vectors.ndim != 2 or vectors.shape[1] != self.dimension:
            return
        self._vectors = {str(k): v for k, v in zip(keys, vectors, strict=True)}
