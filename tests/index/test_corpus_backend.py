"""BM25 over a corpus: each document's tokens cached, the corpus's statistics shared by every document.

Checked on the real units of the bundled section and a synthetic year of it, against bm25s built
directly over the two documents' texts (the reference), without dense encoders.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from budgetqa.index.backend import BackendQuery
from budgetqa.index.corpus_backend import CorpusBackend, CorpusMember, DocumentView
from budgetqa.index.glossary import load_glossary
from budgetqa.index.lexical import LexicalStore
from budgetqa.index.model import DocumentTag, IndexUnit, SearchScope
from budgetqa.index.token_cache import TokenCache, TokenizedUnits, merge_tokenized
from budgetqa.index.tokenize import tokenize, tokenize_query
from budgetqa.index.units import build_index_units
from budgetqa.ingest.parser import parse_document

QUERIES = ("政治和建设和平事务部 员额", "特别政治任务 经费 2025", "联合国驻非洲联盟办事处")


@pytest.fixture(scope="module")
def documents(document, synthetic_texts: list[Path]):
    return [document, parse_document(synthetic_texts[0])]


@pytest.fixture(scope="module")
def units(documents) -> list[list[IndexUnit]]:
    glossary = load_glossary()
    return [build_index_units(doc, glossary) for doc in documents]


@pytest.fixture(scope="module")
def tokenized(units, tmp_path_factory) -> list[TokenizedUnits]:
    cache = TokenCache(tmp_path_factory.mktemp("tokens"))
    return [cache.tokens(f"doc{i}", [u.indexed_text for u in doc], tokenize) for i, doc in enumerate(units)]


@pytest.fixture(scope="module")
def reference(units) -> LexicalStore:
    """bm25s built the ordinary way over both documents' texts, one after the other."""
    return LexicalStore.build([unit.indexed_text for doc in units for unit in doc])


@pytest.fixture(scope="module")
def corpus(documents, units, tokenized) -> CorpusBackend:
    store = LexicalStore.from_token_ids(*merge_tokenized(tokenized))
    members = [
        CorpusMember(DocumentTag.of(doc), base, doc_units, {})
        for doc, doc_units, base in zip(documents, units, (0, len(units[0])), strict=True)
    ]
    return CorpusBackend(members, {"bm25": store})


def query(text: str) -> BackendQuery:
    return BackendQuery({"bm25": tokenize_query(text, load_glossary())})


def test_cached_tokens_are_read_back_without_tokenising_again(units, tokenized, tmp_path_factory):
    texts = [unit.indexed_text for unit in units[0]]
    assert tokenized[0].token_lists()[:50] == [tokenize(text) or ["<empty>"] for text in texts[:50]]
    cache = TokenCache(tmp_path_factory.getbasetemp() / "tokens0")

    def refuse(_: str) -> list[str]:
        raise AssertionError("tokenised again")

    again = cache.tokens("doc0", texts, refuse)
    assert np.array_equal(again.ids, tokenized[0].ids) and again.vocabulary.tolist() == tokenized[0].vocabulary.tolist()


def test_a_damaged_token_file_is_tokenised_again(tmp_path: Path):
    cache = TokenCache(tmp_path)
    (tmp_path / "k.npz").write_bytes(b"not a numpy file")
    made = cache.tokens("k", ["政治事务", ""], tokenize)
    assert made.token_lists() == [tokenize("政治事务"), ["<empty>"]]


def test_bm25_from_cached_tokens_scores_as_bm25s_over_the_texts(corpus, reference):
    store = corpus.lexical["bm25"]
    for text in QUERIES:
        tokens = [t for t in query(text).tokens["bm25"] if t in reference.bm25.vocab_dict]
        assert np.allclose(store.bm25.get_scores(tokens), reference.bm25.get_scores(tokens), atol=1e-5)


def test_a_documents_view_ranks_its_own_units_with_the_corpus_statistics(corpus, reference, units):
    base = len(units[0])
    view = DocumentView(corpus, "A/79/6 (Sect. 3)", base, len(units[1]))
    own = LexicalStore.build([unit.indexed_text for unit in units[1]])  # the document's statistics alone
    differences = []
    for text in QUERIES:
        tokens = query(text).tokens["bm25"]
        known = [t for t in tokens if t in reference.bm25.vocab_dict]
        ranked = view.scored(query(text), None, 20)["bm25"]
        assert ranked and all(0 <= row < len(units[1]) for row, _ in ranked)
        corpus_scores = reference.bm25.get_scores(known)
        assert all(score == pytest.approx(corpus_scores[base + row], abs=1e-5) for row, score in ranked)
        own_scores = own.bm25.get_scores([t for t in tokens if t in own.bm25.vocab_dict])
        differences += [abs(score - own_scores[row]) for row, score in ranked]
    # "2025" is common in A/79/6 and rare in A/78/6: its weight is the corpus's, not the document's
    assert max(differences) > 0.1


def test_filters_cut_the_corpus_to_a_year_and_to_a_part(corpus, units):
    base = len(units[0])
    later = corpus.scored(query(QUERIES[0]), SearchScope(years=(2025,)), 50)["bm25"]
    assert later and all(uid >= base for uid, _ in later)
    part = units[1][0].part or next(unit.part for unit in units[1] if unit.part)
    inside = corpus.scored(query(QUERIES[0]), SearchScope(parts=(part,), years=(2025,)), 50)["bm25"]
    assert inside and all(units[1][uid - base].part == part for uid, _ in inside)
    unscoped = corpus.scored(query(QUERIES[0]), None, 50)["bm25"]
    assert {uid < base for uid, _ in unscoped} == {True, False}  # both documents compete
