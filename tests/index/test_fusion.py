from __future__ import annotations

import pytest

from budgetqa.index.fusion import RRF_K, reciprocal_rank_fusion


def test_reciprocal_rank_fusion_scores_by_the_formula_of_the_paper() -> None:
    fused = reciprocal_rank_fusion({"bm25": [7, 8], "dense": [8]})
    scores = {item: score for item, score, _ in fused}
    assert scores[7] == pytest.approx(1 / (RRF_K + 1))
    assert scores[8] == pytest.approx(1 / (RRF_K + 2) + 1 / (RRF_K + 1))
    assert [item for item, _, _ in fused] == [8, 7]


def test_reciprocal_rank_fusion_reports_each_rankers_rank() -> None:
    fused = reciprocal_rank_fusion({"bm25": [1, 2], "dense": [2, 1]})
    assert dict((item, ranks) for item, _, ranks in fused)[2] == {"bm25": 1, "dense": 0}


def test_weights_favour_one_ranking_and_zero_weight_ignores_it() -> None:
    fused = reciprocal_rank_fusion({"bm25": [1], "dense": [2]}, {"bm25": 0.5, "dense": 1.0})
    assert [item for item, _, _ in fused] == [2, 1]
    fused = reciprocal_rank_fusion({"bm25": [1], "dense": [2]}, {"bm25": 1.0, "dense": 0.0})
    assert [item for item, _, _ in fused] == [1]


def test_negative_weights_raise() -> None:
    with pytest.raises(ValueError, match="non-negative"):
        reciprocal_rank_fusion({"bm25": [1]}, {"bm25": -1.0})
