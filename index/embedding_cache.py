"""Content-addressed cache of passage embeddings, so that unchanged units are never embedded twice.

Keys are sha256(encoder fingerprint + text): a changed unit, or a changed model, misses the cache;
everything else is reused when the index is rebuilt (for example after the document is edited).

The file records a sha256 of its keys and vectors.  A cache file that is damaged (truncated, bit
flipped, not a cache at all, or with a checksum that does not match) is reported and ignored: its
texts are embedded again and the file is overwritten, so a bad cache costs time, never a wrong vector
or a crash.
"""

from __future__ import annotations

import hashlib
import io
import logging
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from budgetqa.atomic import write_bytes

logger = logging.getLogger(__name__)


class EmbeddingCacheDamaged(ValueError):
    """A cache file that cannot be trusted; the message says why."""


class EmbeddingCache:
    """Embeddings of one encoder, stored in one ``.npz`` file: keys, a float32 matrix and their sha256.

    `report` receives one line when the file on disk is damaged and ignored (by default a logged
    warning); :attr:`damage` keeps that line.
    """

    def __init__(
        self, path: Path, fingerprint: str, dimension: int, *, report: Callable[[str], None] | None = None
    ) -> None:
        self.path = path
        self.fingerprint = fingerprint
        self.dimension = dimension
        self.damage: str | None = None
        self._vectors: dict[str, np.ndarray] = {}
        self._dirty = False
        if path.exists():
            try:
                self._vectors = read_cache_file(path, dimension)
            except EmbeddingCacheDamaged as error:
                self.damage = f"embedding cache {path} is damaged ({error}); its texts will be embedded again"
                (report or logger.warning)(self.damage)
                self._dirty = True  # overwrite the damaged file on the next save

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
        """Write the cache atomically if it changed (or replaces a damaged file)."""
        if not self._dirty:
            return
        keys = np.array(sorted(self._vectors), dtype=np.str_)
        vectors = (
            np.stack([self._vectors[k] for k in keys]).astype(np.float32)
            if len(keys)
            else np.zeros((0, self.dimension), dtype=np.float32)
        )
        buffer = io.BytesIO()
        np.savez(buffer, keys=keys, vectors=vectors, sha256=np.array(_checksum(keys, vectors)))
        write_bytes(self.path, buffer.getvalue())
        self._dirty = False


def read_cache_file(path: Path, dimension: int) -> dict[str, np.ndarray]:
    """The vectors of a cache file, by key; raises :class:`EmbeddingCacheDamaged` saying what is wrong.

    Files written before the checksum was recorded are still read; the zip format's CRC of each
    array catches their damaged bytes.
    """
    try:
        with np.load(path, allow_pickle=False) as data:
            keys, vectors = data["keys"], data["vectors"]
            recorded = str(data["sha256"]) if "sha256" in data.files else None
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as error:
        raise EmbeddingCacheDamaged(f"unreadable: {error}") from error
    if keys.ndim != 1 or keys.dtype.kind != "U":
        raise EmbeddingCacheDamaged("its keys are not a list of strings")
    if vectors.ndim != 2 or vectors.shape != (len(keys), dimension) or vectors.dtype != np.float32:
        raise EmbeddingCacheDamaged(
            f"{len(keys)} keys and vectors of shape {vectors.shape} ({vectors.dtype}), "
            f"expected ({len(keys)}, {dimension}) float32"
        )
    if recorded is not None and recorded != _checksum(keys, vectors):
        raise EmbeddingCacheDamaged("its keys and vectors do not match the recorded sha256")
    if not np.isfinite(vectors).all():
        raise EmbeddingCacheDamaged("some vectors are not finite numbers")
    return {str(k): v for k, v in zip(keys, vectors, strict=True)}


def _checksum(keys: np.ndarray, vectors: np.ndarray) -> str:
    digest = hashlib.sha256()
    digest.update("\n".join(str(key) for key in keys).encode())
    digest.update(np.ascontiguousarray(vectors, dtype=np.float32).tobytes())
    return digest.hexdigest()
