"""The interface every dense encoder offers, and what they share: unit-length rows, batching, and
running a question's small matrix products on one thread."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from typing import TYPE_CHECKING, Protocol, runtime_checkable

import numpy as np

if TYPE_CHECKING:
    from threadpoolctl import ThreadpoolController

E5_SMALL = "e5-small"
USEM3 = "usem3"
BUILTIN_ENCODERS = (USEM3, E5_SMALL)
E5_SMALL_DIMENSION = 384


class EncoderUnavailable(RuntimeError):
    """A dense encoder cannot be loaded here; the message says how to get it."""


@runtime_checkable
class Encoder(Protocol):
    """A dense text encoder.

    ``name`` is a stable id (``"e5-small"``, ``"usem3"`` or the sentence-transformers model name
    or path); ``fingerprint`` changes when the weights change, so persisted indexes know when to
    re-embed. Both methods return ``(len(texts), dimension)`` float32 arrays with L2-normalised
    rows, so an inner product is a cosine.
    """

    name: str
    dimension: int
    fingerprint: str

    def encode_queries(self, texts: Sequence[str], *, show_progress: bool = False) -> np.ndarray: ...

    def encode_passages(self, texts: Sequence[str], *, show_progress: bool = False) -> np.ndarray: ...


class QueryEncoder(Protocol):
    """Embeds questions only: a lighter engine for a model whose passages another encoder embeds."""

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray: ...


def normalize_rows(vectors: np.ndarray) -> np.ndarray:
    """``vectors`` as float32 with unit-length rows (all-zero rows stay zero)."""
    out = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    np.maximum(norms, np.float32(1e-12), out=norms)
    return np.ascontiguousarray(out / norms, dtype=np.float32)


def encode_in_batches(
    encode: Callable[[list[str]], np.ndarray],
    texts: Sequence[str],
    dimension: int,
    *,
    batch_size: int,
    show_progress: bool = False,
    description: str = "Embedding",
) -> np.ndarray:
    """Run ``encode`` over ``texts`` in batches of similar length, returning unit rows in input order.

    With ``show_progress`` a rich progress bar (on stderr, so JSON on stdout stays clean) counts
    the texts embedded.
    """
    items = list(texts)
    if not items:
        return np.zeros((0, dimension), dtype=np.float32)
    if len(items) <= batch_size and not show_progress:
        return normalize_rows(encode(items))
    # longest first: batches of similar length pad little, and the bar's estimate errs high.
    order = sorted(range(len(items)), key=lambda i: -len(items[i]))
    out = np.empty((len(items), dimension), dtype=np.float32)
    batches = [order[i : i + batch_size] for i in range(0, len(order), batch_size)]

    def run(advance: Callable[[int], None]) -> None:
        for batch in batches:
            out[batch] = normalize_rows(encode([items[i] for i in batch]))
            advance(len(batch))

    if not show_progress:
        run(lambda _n: None)
        return out
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=Console(stderr=True)) as progress:
        task = progress.add_task(description, total=len(items))
        run(lambda n: progress.advance(task, n))
    return out


@lru_cache(maxsize=1)
def _blas_controller() -> ThreadpoolController:
    """The process's thread pools, found once (a fresh scan of the loaded libraries costs about 1 ms)."""
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


@contextmanager
def single_thread() -> Iterator[None]:
    """Run numpy's BLAS and (when loaded) torch on one thread for the duration.

    Answering a question is a chain of small matrix products; a multi-threaded BLAS gains nothing on
    them, and its workers, spinning after each product, take the second core from the OpenMP workers
    of the e5 query engine (a question then takes 100 ms to embed instead of 20 ms on two cores).
    """
    torch = sys.modules.get("torch")
    previous = torch.get_num_threads() if torch is not None else None
    try:
        if torch is not None:
            torch.set_num_threads(1)
        with _blas_controller().limit(limits=1, user_api="blas"):
            yield
    finally:
        if torch is not None and previous is not None:
            torch.set_num_threads(previous)
