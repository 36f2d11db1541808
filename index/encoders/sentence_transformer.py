"""Any sentence-transformers model as an encoder: a local directory, a model in the Hugging Face cache,
or (only where the hub answers and ``HF_HUB_OFFLINE`` is not set) a hub name to download.  A model
that cannot be had raises :class:`~budgetqa.index.encoders.base.EncoderUnavailable` at once, with
what to do about it, instead of waiting on an unreachable hub."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from .base import E5_SMALL, USEM3, EncoderUnavailable, encode_in_batches

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

_OFFLINE_HINT = (
    "Download it on a machine that can reach the Hugging Face hub "
    "(e.g. `SentenceTransformer(name).save(dir)`), copy the directory here and pass its local path, "
    f"or use the bundled offline encoders: BUDGETQA_ENCODERS={USEM3},{E5_SMALL}"
)
_HUB_PROBE_TIMEOUT_S = 3.0


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


def sentence_transformer(path: str, name: str, *, remedy: str) -> SentenceTransformer:
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


def load_sentence_transformer(name: str) -> SentenceTransformerEncoder:
    local = Path(name).expanduser()
    if local.is_file():
        raise EncoderUnavailable(f"encoder {name!r} is a file; pass a sentence-transformers model directory")
    path = local if local.is_dir() else _cached_snapshot(name)
    if path is not None:
        model = sentence_transformer(str(path), name, remedy="check that the directory holds a complete model")
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
